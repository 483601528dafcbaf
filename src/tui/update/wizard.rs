//! Keys of the guided setup.

use super::*;
use crate::model::Backend;
use crate::tui::wizard::ReviewChoice;

/// Opens the guided setup (and probes the secret backend, so the key step can warn).
pub fn start_wizard(app: &mut App) -> Vec<Effect> {
    app.open_wizard(Wizard::new());
    // The vault needs no keychain, and probing it would ask for its passphrase before any
    // secret is needed.
    if app.backend.is_none() && app.secret_backend != Backend::Vault {
        return vec![Effect::Probe];
    }
    vec![]
}

/// The input the current wizard step types into.
pub(super) fn wizard_input(w: &mut Wizard) -> Option<&mut ratatui_textarea::TextArea<'static>> {
    // Lazily: before a type is picked there is no form to ask (a letter on the picker).
    let url = w.form.as_ref().and_then(|_| w.url_field());
    let key = w.form.as_ref().and_then(|_| w.key_field());
    let extras = w.form.as_ref().map(|_| w.extras()).unwrap_or_default();
    let focus = w.extras_focus;
    if w.step == Step::Paste {
        return Some(&mut w.paste);
    }
    let f = w.form.as_mut()?;
    match w.step {
        Step::Name => Some(&mut f.name),
        Step::Endpoint => url.map(|i| &mut f.fields[i].input),
        Step::Key => key.map(|i| &mut f.fields[i].input),
        Step::Extras => extras.get(focus).map(|i| &mut f.fields[*i].input),
        _ => None,
    }
}

pub(super) fn mark_typed_wizard(w: &mut Wizard) {
    if w.step == Step::Key
        && let Some(i) = w.key_field()
        && let Some(sec) = w.form.as_mut().and_then(|f| f.fields[i].secret.as_mut())
    {
        sec.state = crate::tui::form::SecretInput::Typed;
    }
}

/// On the key step with no keychain, the vault instead: the worker opens or creates it and
/// asks for its passphrase.
fn use_vault(app: &App) -> Vec<Effect> {
    if app.wizard().is_some_and(|w| w.step == Step::Key)
        && matches!(app.backend, Some(Err(_)))
        && app.secret_backend != Backend::Vault
    {
        return vec![Effect::UseVault];
    }
    vec![]
}

pub(super) fn on_wizard_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    // Every key is looked up in the keymap for this step (the bar and `?` show the same
    // table); unbound keys are the step's text.
    let cmd = lookup(app.key_ctx(), &k);
    match cmd {
        Some(Cmd::Quit) => return request_quit(app),
        Some(Cmd::SignIn) if app.az_available => return crate::tui::azure_pick::open(app),
        Some(Cmd::UseVault) => return use_vault(app),
        _ => {}
    }
    if let Some(fx) = cmd.and_then(|c| on_review_cmd(app, c)) {
        return fx;
    }
    let Some(w) = app.wizard_mut() else {
        return vec![];
    };
    match (w.step, cmd) {
        (Step::Type, Some(Cmd::Up)) => w.type_cursor = w.type_cursor.saturating_sub(1),
        (Step::Type, Some(Cmd::Down)) => {
            w.type_cursor = (w.type_cursor + 1).min(type_order().len() - 1)
        }
        (Step::Paste, Some(Cmd::Next)) => {
            let text = text_of(&w.paste);
            if text.trim().is_empty() {
                w.advance(1);
            } else {
                return take_paste(app, &text);
            }
        }
        (Step::Type, Some(Cmd::Next)) => {
            let spec = type_order()[w.type_cursor];
            // Keep what was typed if the same type is picked again after going back.
            if w.form.as_ref().is_none_or(|f| f.spec.id != spec.id) {
                w.form = Some(Form::new(spec));
            }
            w.use_pasted();
            w.advance(1);
        }
        (Step::Paste, Some(Cmd::Back)) => {
            // Leaving loses what was typed on later steps: ask, as for any discard.
            if w.form.is_some() {
                app.popup = Some(Popup::Confirm {
                    what: Confirm::LeaveSetup,
                    yes: false,
                });
            } else {
                app.close_wizard();
            }
        }
        (Step::Extras, Some(Cmd::Up)) => w.extras_focus = w.extras_focus.saturating_sub(1),
        (Step::Extras, Some(Cmd::Down)) => {
            w.extras_focus = (w.extras_focus + 1).min(w.extras().len().saturating_sub(1))
        }
        (Step::Extras, Some(Cmd::Next)) if w.extras_focus + 1 < w.extras().len() => {
            w.extras_focus += 1
        }
        (_, Some(Cmd::ClearText)) => {
            if let Some(t) = wizard_input(w) {
                typing::clear_text(t);
                mark_typed_wizard(w);
            }
        }
        (_, Some(Cmd::Back)) => w.advance(-1),
        (Step::Endpoint, Some(Cmd::Next)) if w.notice.is_none() && wizard_fixable(w) => {
            // First Enter on a pasted Target URI stores its base and says so; the next goes on.
            if let Some(f) = w.form.as_mut()
                && let Some(fix) = f.fix()
            {
                f.apply_fix();
                w.notice = Some(super::s::stored_fix(&fix));
            }
        }
        (_, Some(Cmd::Next)) => match w.check() {
            Ok(()) => w.advance(1),
            Err(e) => w.error = Some(e),
        },
        (Step::Extras, Some(c @ (Cmd::Left | Cmd::Right))) if wizard_enum(w).is_some() => {
            if let (Some(i), Some(f)) = (wizard_enum(w), w.form.as_mut()) {
                form_keys::cycle_choice(f, i, if c == Cmd::Right { 1 } else { -1 });
            }
        }
        _ => {
            if let Some(t) = wizard_input(w) {
                t.input(k);
                mark_typed_wizard(w);
                w.error = None;
                w.notice = None;
            }
        }
    }
    vec![]
}

/// The review step's own commands (`None`: not one, or not on the review step; the keys
/// every step shares handle it).
fn on_review_cmd(app: &mut App, cmd: Cmd) -> Option<Vec<Effect>> {
    let w = app.wizard_mut().filter(|w| w.step == Step::Review)?;
    match cmd {
        Cmd::Left => w.choice = w.choice.moved(-1),
        Cmd::Right => w.choice = w.choice.moved(1),
        Cmd::Save => return Some(wizard_finish(app, ReviewChoice::Save)),
        Cmd::Edit => return Some(wizard_finish(app, ReviewChoice::Edit)),
        Cmd::Test => {
            let f = w.form.as_mut()?;
            return Some(vec![test_effect(TestTarget::Wizard, f, Default::default())]);
        }
        Cmd::Deployments => {
            let e = form_keys::deployments_effect(TestTarget::Wizard, w.form.as_ref()?);
            app.set_status(Level::Info, s::LISTING_DEPLOYMENTS);
            return Some(vec![e]);
        }
        Cmd::Choose if w.choice == ReviewChoice::Cancel => {
            // Cancel loses everything typed: ask, as leaving from the first step does.
            app.popup = Some(Popup::Confirm {
                what: Confirm::LeaveSetup,
                yes: false,
            });
        }
        Cmd::Choose => {
            let c = w.choice;
            return Some(wizard_finish(app, c));
        }
        _ => return None,
    }
    Some(vec![])
}

/// The paste step read `text` (pasted, or typed then Enter): the type and fields it says, or
/// the type picker with a message.
pub(super) fn take_paste(app: &mut App, text: &str) -> Vec<Effect> {
    let reading = crate::draft::read_paste(text);
    let stored = &app.stored;
    let drafts = &app.drafts;
    let taken = |n: &str| {
        stored.iter().any(|c| c.name == n) || drafts.iter().any(|(_, f)| text_of(&f.name) == n)
    };
    // The screen's own field: the closure above borrows the stored list beside it.
    let crate::tui::screen::Screen::Wizard { wizard: w, .. } = &mut app.screen else {
        return vec![];
    };
    w.paste = crate::tui::form::input("");
    w.take_paste(reading, &taken);
    vec![]
}

/// Enter on the endpoint step first carries out the fix of a URL that would block the save.
pub(super) fn wizard_fixable(w: &Wizard) -> bool {
    w.form().is_some_and(|f| f.draft().blocker().is_some())
}

pub(super) fn wizard_enum(w: &Wizard) -> Option<usize> {
    let i = *w.extras().get(w.extras_focus)?;
    (!w.form()?.field_spec(i).choices().is_empty()).then_some(i)
}

pub(super) fn wizard_finish(app: &mut App, choice: ReviewChoice) -> Vec<Effect> {
    let Some(w) = app.close_wizard() else {
        return vec![];
    };
    match choice {
        ReviewChoice::Save | ReviewChoice::Edit => {
            // No type picked yet: nothing to save or edit, so back to picking one.
            let Some(mut form) = w.form.clone() else {
                app.open_wizard(Wizard {
                    step: Step::Type,
                    ..w
                });
                return vec![];
            };
            // The review showed its problems: the editor keeps showing them.
            form.save_tried = true;
            let id = EntryId::New(app.next_new);
            app.next_new += 1;
            if choice == ReviewChoice::Save
                && let Some(e) = form.errors().first()
            {
                app.set_status(Level::Error, s::invalid_save(&e.message));
                app.open_wizard(Wizard {
                    choice: ReviewChoice::Edit,
                    ..w
                });
                return vec![];
            }
            if let Some(row) = w.first_error_row() {
                form.focus = form.rows().iter().position(|r| *r == row).unwrap_or(0);
            }
            app.drafts.push((id.clone(), form));
            // A test on the review is this entry's (the list's TEST column).
            super::health::adopt_setup(app, &id);
            app.selected = Some(id);
            app.set_focus(Focus::Form);
            if choice == ReviewChoice::Save {
                save(app)
            } else {
                vec![]
            }
        }
        // The wizard is closed on purpose; nothing was saved.
        ReviewChoice::Cancel => vec![],
    }
}
