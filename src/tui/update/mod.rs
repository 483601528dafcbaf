//! `update(app, action) -> effects`: the only place the state changes. No terminal, no I/O.
//! Key handling for the guided setup, popups and text entry lives in the submodules.

use super::app::*;
use super::keymap::{Cmd, Ctx, lookup};
use super::screen::Screen;
use super::strings as s;
use super::wizard::{Step, Wizard, type_order};
use crate::tui::form::{Field, Form, Row, Secret, SecretInput, input, text_of};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use secrecy::SecretString;

mod form_keys;
mod health;
mod popup;
mod reload;
mod results;
mod typing;
mod vault;
mod wizard;

use form_keys::{on_form_cmd, pick_deployment, save, selected_form, test_effect, typeable};
use popup::on_popup_key;
use typing::{on_edit_key, on_filter_key, on_paste};
pub use wizard::start_wizard;
use wizard::{mark_typed_wizard, on_wizard_key, wizard_input};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    // The "working…" count, kept in this one place: every effect started is one more piece of
    // work, and every report from the worker is one less.
    if action.reports_effect() {
        app.pending = app.pending.saturating_sub(1);
    }
    let effects = step(app, action);
    health::note_sent(app, &effects);
    app.pending += effects.len();
    effects
}

fn step(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Action::Key(k) if k.kind != KeyEventKind::Press => vec![],
        Action::Key(k) => on_key(app, k),
        Action::Paste(text) => on_paste(app, &text),
        Action::Saved {
            id,
            name,
            result,
            warnings,
        } => results::saved(app, id, &name, result, &warnings),
        Action::Deleted { name, result } => results::deleted(app, &name, result),
        Action::Renamed { old, new, result } => results::renamed(app, old, &new, result),
        Action::SecretLoaded {
            conn,
            field,
            result,
        } => results::secret_loaded(app, &conn, &field, result),
        Action::PassphraseNeeded { create, retry } => vault::asked(app, create, retry),
        a @ (Action::AzureSignedIn(_)
        | Action::AzureAccountsListed { .. }
        | Action::AzureFilled(_)
        | Action::AzurePrepared { .. }) => crate::tui::azure_pick::on_action(app, a),
        Action::BackendSwitched { backend, result } => {
            results::backend_switched(app, backend, result)
        }
        Action::Tested {
            target,
            ok,
            message,
        } => results::tested(app, &target, ok, message),
        Action::TestLanded {
            report,
            done,
            total,
        } => {
            health::landed(app, report, done, total);
            vec![]
        }
        Action::AllTested { reports } => {
            health::all_tested(app, reports);
            vec![]
        }
        Action::TestNeedsHost { target, host } => results::test_needs_host(app, target, host),
        Action::Reloaded(result) => reload::reloaded(app, result),
        Action::Loaded(result) => {
            match result {
                Ok(stored) => {
                    if matches!(app.screen, Screen::Loading | Screen::Fatal(_)) {
                        app.screen = Screen::main();
                    }
                    app.set_stored(stored);
                    app.fix_selection();
                    // No connections yet: start with the guided setup.
                    if (app.stored.is_empty() || app.setup_when_loaded) && !app.readonly {
                        return start_wizard(app);
                    }
                }
                Err(e) => app.screen = Screen::Fatal(s::store_failed(&e)),
            }
            vec![]
        }
        Action::CommandApproved(r) => {
            if let Err(e) = r {
                app.set_status(
                    Level::Error,
                    s::failed(&crate::service::OpError::Approvals(e)),
                );
            }
            vec![]
        }
        Action::Probed(r) => {
            app.backend = Some(r);
            vec![]
        }
        Action::DeploymentsListed { target, result } => {
            results::deployments_listed(app, target, result)
        }
    }
}

pub(super) fn refuse_readonly(app: &mut App) -> Vec<Effect> {
    app.set_status(Level::Error, s::READONLY_REFUSED);
    vec![]
}

pub(super) fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
    let quit_key = ctrl_c || k.code == KeyCode::Char('q');
    match app.mode() {
        // Nothing to act on yet (or at all): only quitting works.
        Mode::Loading | Mode::Fatal => {
            app.quit |= quit_key;
            return vec![];
        }
        // Nothing can be seen, so nothing may change; quitting still works.
        Mode::TooSmall if quit_key => return request_quit(app),
        Mode::TooSmall => return vec![],
        Mode::Popup => return on_popup_key(app, k),
        Mode::Wizard => return on_wizard_key(app, k),
        Mode::Filter => return on_filter_key(app, k),
        Mode::Editing => return on_edit_key(app, k),
        Mode::Browse => {}
    }
    let ctx = if app.focus() == Focus::List {
        Ctx::List
    } else {
        Ctx::Form
    };
    if ctx == Ctx::Form && typed_char(&k).is_some() {
        return form_keys::type_into_focused(app, k);
    }
    let Some(cmd) = lookup(ctx, &k) else {
        return vec![];
    };
    // ^L shows the status; any other command replaces it.
    if cmd != Cmd::ShowStatus {
        app.status = None;
    }
    let mutating = super::keymap::BINDINGS
        .iter()
        .any(|b| b.cmd == cmd && b.mutates && (b.ctx == ctx || b.ctx == Ctx::Global));
    if app.readonly && mutating {
        return refuse_readonly(app);
    }
    match (ctx, cmd) {
        (_, Cmd::Quit) => request_quit(app),
        (_, Cmd::Help) => {
            app.popup = Some(Popup::Help { scroll: 0 });
            vec![]
        }
        (_, Cmd::Save) => save(app),
        (_, Cmd::ShowStatus) => {
            match app.status_message() {
                Some(_) => app.popup = Some(Popup::Message { scroll: 0 }),
                None => app.set_status(Level::Info, s::NO_MESSAGE),
            }
            vec![]
        }
        (Ctx::List, Cmd::Test) if app.selected.is_some() => on_form_cmd(app, Cmd::Test),
        (Ctx::List, Cmd::TestAll) => health::test_all(app),
        (Ctx::List, c) => on_list_cmd(app, c),
        (_, c) => on_form_cmd(app, c),
    }
}

/// The character a key press types, if it types one (no Ctrl or Alt).
pub(super) fn typed_char(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c)
            if !k
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

pub(super) fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.any_dirty() || app.wizard().is_some_and(|w| w.form.is_some()) {
        app.popup = Some(Popup::Confirm {
            what: Confirm::Quit,
            yes: false,
        });
    } else {
        app.quit = true;
    }
    vec![]
}

pub(super) fn move_selection(app: &mut App, to: impl Fn(usize, usize) -> usize) {
    let entries = app.entries();
    if entries.is_empty() {
        return;
    }
    let cur = app.selected_index().unwrap_or(0);
    app.selected = Some(entries[to(cur, entries.len())].clone());
}

pub(super) fn on_list_cmd(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::Up => move_selection(app, |i, _| i.saturating_sub(1)),
        Cmd::Down => move_selection(app, |i, n| (i + 1).min(n - 1)),
        Cmd::Top => move_selection(app, |_, _| 0),
        Cmd::Bottom => move_selection(app, |_, n| n - 1),
        Cmd::Open if app.selected.is_some() => app.set_focus(Focus::Form),
        Cmd::New => app.popup = Some(Popup::PickType { cursor: 0 }),
        Cmd::Setup => return start_wizard(app),
        Cmd::Cancel => {
            app.filter.clear();
            app.fix_selection();
        }
        Cmd::Filter => {
            app.set_filter_typing(true);
        }
        Cmd::Delete => {
            if let Some(id) = app.selected.clone() {
                match id {
                    EntryId::Stored(name) => {
                        app.popup = Some(Popup::Confirm {
                            what: Confirm::Delete(name),
                            yes: false,
                        })
                    }
                    EntryId::New(_) => {
                        app.popup = Some(Popup::Confirm {
                            what: Confirm::Discard(id),
                            yes: false,
                        })
                    }
                }
            }
        }
        Cmd::Rename => {
            if let Some(EntryId::Stored(name)) = app.selected.clone() {
                if app.is_dirty(&EntryId::Stored(name.clone())) {
                    app.set_status(Level::Error, s::SAVE_BEFORE_RENAME);
                } else {
                    app.popup = Some(Popup::Input {
                        for_: InputFor::Rename(name.clone()),
                        input: input(&name),
                        error: None,
                    });
                }
            }
        }
        Cmd::Duplicate => {
            if let Some(id) = app.selected.clone()
                && let Some(mut f) = app.form(&id)
            {
                let from = match &id {
                    EntryId::Stored(n) => Some(n.clone()),
                    EntryId::New(_) => f.copy_secrets_from.clone(),
                };
                f.name = input(&format!("{}-copy", text_of(&f.name)));
                f.detach();
                f.copy_secrets_from = from;
                f.focus = 0;
                let nid = EntryId::New(app.next_new);
                app.next_new += 1;
                app.drafts.push((nid.clone(), f));
                app.selected = Some(nid);
                app.set_focus(Focus::Form);
            }
        }
        _ => {}
    }
    vec![]
}
