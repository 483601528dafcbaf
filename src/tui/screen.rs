//! What the TUI shows, stored as one value instead of inferred from flags: loading, the
//! file's fatal error, the main screen (which side has the keys, and whether they type), or the
//! guided setup over the main screen it returns to. A popup lies over any of them
//! (`App::popup`). A state that cannot be shown (typing into a field with the list focused,
//! the setup over a fatal error) cannot be written.

use super::app::{App, Focus};
use super::wizard::Wizard;

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one screen at a time; boxing buys nothing
pub enum Screen {
    /// The file is being read: only quitting works.
    Loading,
    /// The file cannot be read: the error is shown; only quitting works.
    Fatal(String),
    /// The list and the form.
    Main { focus: Focus, typing: Typing },
    /// The guided setup; `under` is where the main screen's keys go once it closes.
    Wizard { wizard: Wizard, under: Focus },
}

/// Whether keys on the main screen type text, and into what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// Keys are commands (move, open, save...).
    No,
    /// Into the `/` filter.
    Filter,
    /// Into the form's focused field.
    Field,
}

impl Screen {
    /// The main screen, the list focused, nothing typed.
    pub const fn main() -> Screen {
        Screen::Main {
            focus: Focus::List,
            typing: Typing::No,
        }
    }
}

impl App {
    /// Where the main screen's keys go (under the guided setup too).
    pub fn focus(&self) -> Focus {
        match &self.screen {
            Screen::Main { focus, .. } | Screen::Wizard { under: focus, .. } => *focus,
            Screen::Loading | Screen::Fatal(_) => Focus::List,
        }
    }

    /// Moves the main screen's keys to `to`; typing into a field ends when the form loses them.
    pub fn set_focus(&mut self, to: Focus) {
        match &mut self.screen {
            Screen::Main { focus, typing } => {
                *focus = to;
                if to == Focus::List && *typing == Typing::Field {
                    *typing = Typing::No;
                }
            }
            Screen::Wizard { under, .. } => *under = to,
            Screen::Loading | Screen::Fatal(_) => {}
        }
    }

    fn typing(&self) -> Typing {
        match &self.screen {
            Screen::Main { typing, .. } => *typing,
            _ => Typing::No,
        }
    }

    fn set_typing(&mut self, to: Typing) {
        if let Screen::Main { typing, .. } = &mut self.screen {
            *typing = to;
        }
    }

    /// Keys type into the form's focused field.
    pub fn editing(&self) -> bool {
        self.typing() == Typing::Field
    }

    /// Starts (the form has the keys then) or ends typing into the focused field.
    pub fn set_editing(&mut self, on: bool) {
        if on {
            self.set_focus(Focus::Form);
            self.set_typing(Typing::Field);
        } else if self.editing() {
            self.set_typing(Typing::No);
        }
    }

    /// Keys type into the `/` filter.
    pub fn filter_typing(&self) -> bool {
        self.typing() == Typing::Filter
    }

    pub fn set_filter_typing(&mut self, on: bool) {
        if on {
            self.set_typing(Typing::Filter);
        } else if self.filter_typing() {
            self.set_typing(Typing::No);
        }
    }

    pub fn wizard(&self) -> Option<&Wizard> {
        match &self.screen {
            Screen::Wizard { wizard, .. } => Some(wizard),
            _ => None,
        }
    }

    pub fn wizard_mut(&mut self) -> Option<&mut Wizard> {
        match &mut self.screen {
            Screen::Wizard { wizard, .. } => Some(wizard),
            _ => None,
        }
    }

    /// Shows the guided setup over the main screen (or replaces the one open).
    pub fn open_wizard(&mut self, wizard: Wizard) {
        let under = self.focus();
        self.screen = Screen::Wizard { wizard, under };
    }

    /// Closes the guided setup, back to the main screen as it was; `None` if none was open.
    pub fn close_wizard(&mut self) -> Option<Wizard> {
        let under = self.focus();
        match std::mem::replace(&mut self.screen, Screen::main()) {
            Screen::Wizard { wizard, .. } => {
                self.screen = Screen::Main {
                    focus: under,
                    typing: Typing::No,
                };
                Some(wizard)
            }
            other => {
                self.screen = other;
                None
            }
        }
    }

    pub fn loading(&self) -> bool {
        matches!(self.screen, Screen::Loading)
    }

    /// The file's error, when it could not be read.
    pub fn fatal(&self) -> Option<&str> {
        match &self.screen {
            Screen::Fatal(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::Mode;

    #[test]
    fn typing_needs_the_form_and_ends_when_the_keys_leave_it() {
        let mut app = App::new(vec![], false);
        assert_eq!(app.mode(), Mode::Browse);
        app.set_editing(true);
        assert_eq!((app.focus(), app.mode()), (Focus::Form, Mode::Editing));
        // The filter and a field cannot both take the keys.
        app.set_filter_typing(true);
        assert!(!app.editing() && app.mode() == Mode::Filter);
        app.set_editing(true);
        assert!(!app.filter_typing());
        app.set_focus(Focus::List);
        assert_eq!(
            app.mode(),
            Mode::Browse,
            "no typing into a form that lost the keys"
        );
    }

    #[test]
    fn the_guided_setup_returns_to_the_side_it_was_opened_from() {
        let mut app = App::new(vec![], false);
        app.set_focus(Focus::Form);
        app.open_wizard(Wizard::new());
        assert_eq!(app.mode(), Mode::Wizard);
        // Moved under it (a pick opens in the form): the main screen follows on close.
        app.set_focus(Focus::List);
        assert!(app.close_wizard().is_some());
        assert_eq!((app.focus(), app.mode()), (Focus::List, Mode::Browse));
        assert!(app.close_wizard().is_none(), "nothing to close twice");
        app.screen = Screen::Fatal("bad".into());
        app.set_editing(true);
        assert_eq!(app.mode(), Mode::Fatal, "nothing is typed over the error");
    }
}
