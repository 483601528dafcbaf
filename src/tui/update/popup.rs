//! Keys while a popup (confirmation, type picker, one-line input, help) is open.

use super::*;
use ratatui_textarea::TextArea;

pub(super) fn on_popup_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let Some(popup) = app.popup.take() else {
        return vec![];
    };
    match popup {
        Popup::Help { scroll } => on_help(app, scroll, &k),
        Popup::Message { scroll } => on_message(app, scroll, &k),
        Popup::Confirm { what, yes } => on_confirm(app, what, yes, &k),
        Popup::Azure(p) => crate::tui::azure_pick::on_key(app, p, k),
        Popup::PickDeployment {
            target,
            items,
            cursor,
        } => on_pick_deployment(app, target, items, cursor, &k),
        Popup::PickType { cursor } => on_pick_type(app, cursor, &k),
        Popup::Input { for_, input, error } => on_input(app, for_, input, error, k),
    }
}

fn on_help(app: &mut App, scroll: u16, k: &KeyEvent) -> Vec<Effect> {
    let scroll = match lookup(Ctx::Help, k) {
        Some(Cmd::Cancel) => return vec![],
        Some(Cmd::Down) => scroll.saturating_add(1),
        Some(Cmd::Up) => scroll.saturating_sub(1),
        Some(Cmd::PageDown) => scroll.saturating_add(10),
        Some(Cmd::PageUp) => scroll.saturating_sub(10),
        _ => scroll,
    };
    app.popup = Some(Popup::Help { scroll });
    vec![]
}

/// The whole of a status line too long for its rows (`^L`), scrolled.
fn on_message(app: &mut App, scroll: u16, k: &KeyEvent) -> Vec<Effect> {
    let scroll = match lookup(Ctx::Message, k) {
        Some(Cmd::Cancel) => return vec![],
        Some(Cmd::Down) => scroll.saturating_add(1),
        Some(Cmd::Up) => scroll.saturating_sub(1),
        _ => scroll,
    };
    app.popup = Some(Popup::Message { scroll });
    vec![]
}

fn on_confirm(app: &mut App, what: Confirm, yes: bool, k: &KeyEvent) -> Vec<Effect> {
    match lookup(Ctx::Confirm, k) {
        Some(Cmd::Toggle) => {
            app.popup = Some(Popup::Confirm { what, yes: !yes });
            vec![]
        }
        Some(Cmd::Yes) => confirmed(app, what),
        Some(Cmd::Choose) if yes => confirmed(app, what),
        Some(Cmd::Choose | Cmd::No) => vec![],
        _ => {
            app.popup = Some(Popup::Confirm { what, yes });
            vec![]
        }
    }
}

fn on_pick_deployment(
    app: &mut App,
    target: TestTarget,
    items: Vec<crate::conntest::deployments::Deployment>,
    cursor: usize,
    k: &KeyEvent,
) -> Vec<Effect> {
    let cursor = match lookup(Ctx::PickDeployment, k) {
        Some(Cmd::Up) => cursor.saturating_sub(1),
        Some(Cmd::Down) => (cursor + 1).min(items.len().saturating_sub(1)),
        Some(Cmd::Choose) => {
            if let Some(d) = items.get(cursor) {
                pick_deployment(app, &target, &d.id);
            }
            return vec![];
        }
        Some(Cmd::Cancel) => return vec![],
        _ => cursor,
    };
    app.popup = Some(Popup::PickDeployment {
        target,
        items,
        cursor,
    });
    vec![]
}

fn on_pick_type(app: &mut App, cursor: usize, k: &KeyEvent) -> Vec<Effect> {
    let n = type_order().len();
    let cursor = match lookup(Ctx::PickType, k) {
        Some(Cmd::Up) => cursor.saturating_sub(1),
        Some(Cmd::Down) => (cursor + 1).min(n - 1),
        Some(Cmd::Top) => 0,
        Some(Cmd::Bottom) => n - 1,
        Some(Cmd::Choose) => {
            let spec = type_order()[cursor];
            let id = EntryId::New(app.next_new);
            app.next_new += 1;
            app.drafts.push((id.clone(), Form::new(spec)));
            app.selected = Some(id);
            app.set_focus(Focus::Form);
            app.set_editing(true);
            return vec![];
        }
        Some(Cmd::SignIn) if app.az_available => return crate::tui::azure_pick::open(app),
        Some(Cmd::Cancel) => return vec![],
        _ => cursor,
    };
    app.popup = Some(Popup::PickType { cursor });
    vec![]
}

fn on_input(
    app: &mut App,
    for_: InputFor,
    mut input: TextArea<'static>,
    error: Option<String>,
    k: KeyEvent,
) -> Vec<Effect> {
    match lookup(Ctx::Input, &k) {
        // The worker is waiting for the passphrase: closing the dialog answers "none".
        Some(Cmd::Cancel) if matches!(for_, InputFor::VaultPassphrase { .. }) => {
            app.set_status(Level::Info, s::VAULT_STAYS_LOCKED);
            vec![Effect::Passphrase(None)]
        }
        Some(Cmd::Cancel) => vec![],
        // As everywhere text is typed: Ctrl-U empties it (never the textarea's undo).
        Some(Cmd::ClearText) => {
            let input = crate::tui::form::input("");
            app.popup = Some(Popup::Input { for_, input, error });
            vec![]
        }
        Some(Cmd::Quit) => {
            app.popup = Some(Popup::Input { for_, input, error });
            request_quit(app)
        }
        Some(Cmd::Choose) => {
            let text = text_of(&input).trim().to_string();
            // A refusal opens the dialog again, with what was typed and why.
            let refused = |app: &mut App, for_: InputFor, input, e: String| {
                app.popup = Some(Popup::Input {
                    for_,
                    input,
                    error: Some(e),
                });
                vec![]
            };
            let chosen = match &for_ {
                InputFor::Rename(old) => rename_chosen(app, old, text),
                InputFor::VaultPassphrase { create, first } => Ok(super::vault::submitted(
                    app,
                    *create,
                    first.clone(),
                    text_of(&input),
                )),
                InputFor::SecretSource { .. } => source_chosen(app, &text),
                InputFor::AddKv { secret } => add_kv_chosen(app, &text, *secret),
            };
            chosen.unwrap_or_else(|e| refused(app, for_, input, e))
        }
        _ => {
            input.input(k);
            app.popup = Some(Popup::Input { for_, input, error });
            vec![]
        }
    }
}

/// The rename dialog's answer: a taken or invalid name is said in the dialog.
fn rename_chosen(app: &App, old: &str, text: String) -> Result<Vec<Effect>, String> {
    let taken = text != old && app.stored_conn(&text).is_some();
    crate::model::validate_name(&text)?;
    if taken {
        return Err(s::name_taken(&text));
    }
    if text == old {
        return Ok(vec![]);
    }
    Ok(vec![Effect::Rename {
        old: old.to_string(),
        new: text,
    }])
}

/// The secret source dialog's answer: a reference to use, or empty for the value kept here.
fn source_chosen(app: &mut App, text: &str) -> Result<Vec<Effect>, String> {
    let Some(f) = selected_form(app) else {
        return Ok(vec![]);
    };
    let recorded: Vec<String> = f
        .base
        .as_ref()
        .map(|b| b.secrets.keys().cloned().collect())
        .unwrap_or_default();
    let Some((field_input, sec, key)) = f.focused_secret_mut() else {
        return Ok(vec![]);
    };
    if text.is_empty() {
        // No reference chosen here: back to what is recorded now (a stored value or the
        // file's reference), which a typed value replaces.
        if sec.reference().is_some() {
            sec.state = if recorded.contains(&key) {
                SecretInput::Stored
            } else {
                SecretInput::Empty
            };
        }
        app.set_status(Level::Info, super::s::SECRET_SOURCE_KEPT);
        return Ok(vec![]);
    }
    let r = crate::model::SecretRef::parse_checked(text).map_err(|e| e.to_string())?;
    let approve = r.command().map(|c| Effect::ApproveCommand {
        command: c.to_string(),
    });
    sec.use_reference(field_input, r);
    app.set_status(Level::Info, super::s::secret_source_set());
    Ok(approve.into_iter().collect())
}

/// The new custom row's key: refused when empty, taken or not a key.
fn add_kv_chosen(app: &mut App, text: &str, secret: bool) -> Result<Vec<Effect>, String> {
    // The connection may have been deleted meanwhile (by another program).
    let Some(f) = selected_form(app) else {
        return Ok(vec![]);
    };
    if !crate::model::valid_custom_key(text) || f.kv.iter().any(|r| r.key == text) {
        return Err(format!(
            "'{}' is empty, taken, or has '.', '=' or spaces",
            crate::sanitize::for_terminal(text)
        ));
    }
    f.kv.push(Field::new_row(text, secret));
    let rows = f.rows();
    f.focus = rows
        .iter()
        .position(|r| *r == Row::Kv(f.kv.len() - 1))
        .unwrap_or(0);
    app.set_editing(true);
    Ok(vec![])
}

pub(super) fn confirmed(app: &mut App, what: Confirm) -> Vec<Effect> {
    match what {
        Confirm::Quit => {
            app.quit = true;
            vec![]
        }
        Confirm::LeaveSetup => {
            app.close_wizard();
            vec![]
        }
        Confirm::Delete(name) => {
            vec![Effect::Delete { name }]
        }
        Confirm::SendKeyTo { target, .. } => match app.target_form(&target) {
            Some(f) => vec![super::test_effect(
                target,
                f,
                crate::conntest::UnknownHosts::Send,
            )],
            None => vec![],
        },
        Confirm::Discard(id) => {
            app.drafts.retain(|(d, _)| *d != id);
            app.set_editing(false);
            app.fix_selection();
            if matches!(id, EntryId::New(_)) {
                app.set_focus(Focus::List);
            }
            app.set_status(Level::Info, s::DISCARDED);
            vec![]
        }
    }
}
