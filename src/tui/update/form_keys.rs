//! Keys on the form: commands (edit, reveal, test, fix, save, add and remove rows) and the
//! effects they start.

use super::super::app::*;
use super::super::keymap::Cmd;
use super::super::strings as s;
use crate::catalogue::{FieldKind, Role};
use crate::service::Expect;
use crate::tui::form::{Form, Row, Secret, SecretInput, input, text_of};
use ratatui::crossterm::event::KeyEvent;

pub(super) fn selected_form(app: &mut App) -> Option<&mut Form> {
    let id = app.selected.clone()?;
    app.ensure_draft(&id)
}

/// The form has nothing to show (no selection, or its entry is gone): back to the list.
pub(super) fn back_to_list(app: &mut App) -> Vec<Effect> {
    app.set_focus(Focus::List);
    vec![]
}

pub(super) fn on_form_cmd(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    let Some(id) = app.selected.clone() else {
        return back_to_list(app);
    };
    match cmd {
        Cmd::Back => {
            if let Some(f) = app.draft_mut(&id) {
                f.hide_secrets();
            }
            // an opened but unchanged draft is dropped, so the list shows no false '*'
            if !app.is_dirty(&id) && matches!(id, EntryId::Stored(_)) {
                app.drafts.retain(|(d, _)| *d != id);
            }
            app.set_focus(Focus::List);
        }
        Cmd::Edit => return edit_focused(app),
        Cmd::Reveal => return reveal(app),
        Cmd::SecretSource => return open_secret_source(app, &id),
        Cmd::ToggleSecret => toggle_secret(app, &id),
        Cmd::Discard if app.is_dirty(&id) => {
            app.popup = Some(Popup::Confirm {
                what: Confirm::Discard(id),
                yes: false,
            });
        }
        Cmd::NextField
        | Cmd::PrevField
        | Cmd::ToggleAdvanced
        | Cmd::Test
        | Cmd::Deployments
        | Cmd::SwitchType
        | Cmd::Fix
        | Cmd::Left
        | Cmd::Right
        | Cmd::RemoveRow => return on_draft_cmd(app, &id, cmd),
        _ => {}
    }
    vec![]
}

/// The form commands that act on the entry's draft (made from the stored connection first).
fn on_draft_cmd(app: &mut App, id: &EntryId, cmd: Cmd) -> Vec<Effect> {
    let Some(f) = app.ensure_draft(id) else {
        return back_to_list(app);
    };
    match cmd {
        Cmd::NextField | Cmd::PrevField => {
            f.hide_secrets();
            f.move_focus(if cmd == Cmd::NextField { 1 } else { -1 });
        }
        Cmd::ToggleAdvanced => f.show_advanced = !f.show_advanced,
        Cmd::Test => {
            return vec![test_effect(
                TestTarget::Entry(id.clone()),
                f,
                Default::default(),
            )];
        }
        Cmd::Deployments => {
            let e = deployments_effect(TestTarget::Entry(id.clone()), f);
            app.set_status(Level::Info, s::LISTING_DEPLOYMENTS);
            return vec![e];
        }
        Cmd::SwitchType => match f.better_type() {
            Some(spec) => {
                *f = f.switched(spec);
                app.set_status(Level::Info, s::switched_type(&spec.label));
            }
            None => app.set_status(Level::Info, s::NOTHING_TO_SWITCH),
        },
        Cmd::Fix => match f.offer() {
            Some(fix) if f.apply_fix() => {
                // The last test was of the URL before the fix.
                f.test = None;
                app.set_status(Level::Info, s::stored_fix(&fix));
            }
            _ => app.set_status(Level::Info, s::NOTHING_TO_FIX),
        },
        Cmd::Left | Cmd::Right => {
            let step = if cmd == Cmd::Right { 1 } else { -1 };
            match f.focused_row() {
                Row::Field(i) if is_choice(f, i) => cycle_choice(f, i, step),
                // Off a choice, ← keeps its old meaning (back) and → has none.
                _ if cmd == Cmd::Left => return on_form_cmd(app, Cmd::Back),
                _ => {}
            }
        }
        Cmd::RemoveRow => {
            if let Row::Kv(i) = f.focused_row() {
                f.kv.remove(i);
                f.focus = f.focus.min(f.rows().len() - 1);
            }
        }
        _ => {}
    }
    vec![]
}

/// A test of what the form holds now (saved or not); a service key bound for a host aiconn does
/// not recognize is sent only once the user confirmed it (`unknown_hosts`).
pub(super) fn test_effect(
    target: TestTarget,
    f: &mut Form,
    unknown_hosts: crate::conntest::UnknownHosts,
) -> Effect {
    let (conn, secrets) = f.to_connection();
    f.test = Some((true, crate::tui::strings::TESTING.into()));
    let stored_name = f
        .base
        .as_ref()
        .map(|b| b.name.clone())
        .or_else(|| f.copy_secrets_from.clone());
    Effect::Test {
        target,
        conn,
        secrets,
        stored_name,
        unknown_hosts,
    }
}

/// A deployment was picked: a deployment URL gets its name; otherwise the name is what the
/// requests use as `model`, and the user is told.
/// Lists the deployments behind `f`'s endpoint, with the key typed in it or else the stored one.
pub(super) fn deployments_effect(target: TestTarget, f: &Form) -> Effect {
    let (conn, mut secrets) = f.to_connection();
    let key = conn
        .role_key(Role::ApiKey)
        .and_then(|k| secrets.shift_remove(k));
    let stored_name = f
        .base
        .as_ref()
        .map(|b| b.name.clone())
        .or_else(|| f.copy_secrets_from.clone());
    Effect::ListDeployments {
        target,
        conn,
        key,
        stored_name,
    }
}

pub(super) fn pick_deployment(app: &mut App, target: &TestTarget, id: &str) {
    let Some(f) = app.target_form(target) else {
        return;
    };
    let Some((i, r)) = f.reading() else {
        return;
    };
    let url = text_of(&f.fields[i].input);
    // A URL naming a deployment (on Azure, or a gateway with the same path) gets the new name.
    if let Some(old) = r.deployment
        && let Some(at) = url.find(&format!("/deployments/{old}"))
    {
        let end = at + "/deployments/".len() + old.len();
        let new = format!("{}/deployments/{id}{}", &url[..at], &url[end..]);
        f.fields[i].input = input(&new);
        f.test = None;
        app.set_status(Level::Info, s::deployment_set(id));
    } else {
        app.set_status(Level::Info, s::deployment_as_model(id));
    }
}

pub(super) fn edit_focused(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.selected.clone() else {
        return back_to_list(app);
    };
    let Some(f) = app.ensure_draft(&id) else {
        return back_to_list(app);
    };
    match f.focused_row() {
        Row::Advanced => f.show_advanced = !f.show_advanced,
        Row::AddConfig | Row::AddSecret => {
            let secret = f.focused_row() == Row::AddSecret;
            app.popup = Some(Popup::Input {
                for_: InputFor::AddKv { secret },
                input: input(""),
                error: None,
            });
        }
        Row::Field(i) if is_choice(f, i) && f.field_spec(i).kind == FieldKind::Enum => {
            cycle_choice(f, i, 1)
        }
        row if typeable(f, &id, row) => app.set_editing(true),
        _ => app.set_status(Level::Info, s::RENAME_FROM_LIST),
    }
    vec![]
}

/// A field with values to step through with ←/→: an enum (Enter steps too), or an
/// api-version with its known versions (Enter types one instead).
pub(super) fn is_choice(f: &Form, i: usize) -> bool {
    !f.field_spec(i).choices().is_empty()
}

/// Steps a choice field by `step` (wrapping); an unknown value goes to the first (or last).
pub(super) fn cycle_choice(f: &mut Form, i: usize, step: isize) {
    let values = f.field_spec(i).choices();
    let cur = text_of(&f.fields[i].input);
    let n = values.len() as isize;
    let next = match values.iter().position(|v| v.eq_ignore_ascii_case(&cur)) {
        Some(p) => (p as isize + step).rem_euclid(n),
        None if step > 0 => 0,
        None => n - 1,
    };
    f.fields[i].input = input(&values[next as usize]);
}

/// A printable key on the form: on a text field it starts typing with that character
/// (commands on the form are not letters, so a value is never read as commands).
pub(super) fn type_into_focused(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let Some(id) = app.selected.clone() else {
        return vec![];
    };
    let Some(f) = app.ensure_draft(&id) else {
        return vec![];
    };
    let row = f.focused_row();
    if !typeable(f, &id, row) {
        if row == Row::Name {
            app.set_status(Level::Info, s::RENAME_FROM_LIST);
        }
        return vec![];
    }
    if app.readonly {
        return super::refuse_readonly(app);
    }
    app.status = None;
    app.set_editing(true);
    super::typing::on_edit_key(app, k)
}

/// Rows that take typed (or pasted) text. A stored connection's name does not: renaming
/// moves its secrets, so it goes through the list's rename. Enums cycle instead.
pub(super) fn typeable(f: &Form, id: &EntryId, row: Row) -> bool {
    match row {
        Row::Name => matches!(id, EntryId::New(_)),
        Row::Field(i) => f.field_spec(i).kind != FieldKind::Enum,
        Row::Kv(_) => true,
        Row::AddConfig | Row::AddSecret | Row::Advanced => false,
    }
}

pub(super) fn reveal(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.selected.clone() else {
        return vec![];
    };
    let stored = match &id {
        EntryId::Stored(n) => app.stored_conn(n).cloned(),
        EntryId::New(_) => None,
    };
    let Some(f) = app.ensure_draft(&id) else {
        return back_to_list(app);
    };
    // A reference chosen in this draft is resolved as the draft records it, not as stored.
    let mut draft_conn = f.to_connection().0;
    let by_draft_ref = matches!(id, EntryId::Stored(_));
    if let EntryId::Stored(n) = &id {
        // The result is routed back by the stored name, whatever the draft's name field says.
        draft_conn.name = n.clone();
    }
    let Some((input, sec, key)) = f.focused_secret_mut() else {
        return vec![];
    };
    if by_draft_ref && sec.reference().is_some() && sec.loaded.is_none() {
        return vec![Effect::LoadSecret {
            conn: draft_conn,
            field: key,
        }];
    }
    if sec.revealed {
        sec.show(input, false);
        return vec![];
    }
    if sec.is_stored() && sec.loaded.is_none() {
        // Loaded from the keychain only now, on an explicit key press.
        if let Some(conn) = stored {
            return vec![Effect::LoadSecret { conn, field: key }];
        }
    }
    sec.show(input, true);
    vec![]
}

/// `S` on a secret: the dialog for its source, holding the reference in use (the draft's,
/// else the stored one).
fn open_secret_source(app: &mut App, id: &EntryId) -> Vec<Effect> {
    let stored = match id {
        EntryId::Stored(n) => app.stored_conn(n).cloned(),
        EntryId::New(_) => None,
    };
    let Some(f) = app.ensure_draft(id) else {
        return back_to_list(app);
    };
    let Some((_, sec, key)) = f.focused_secret_mut() else {
        app.set_status(Level::Info, s::secret_source_not_secret());
        return vec![];
    };
    let now = sec.reference().cloned().or_else(|| {
        stored
            .as_ref()
            .and_then(|c| c.secrets.get(&key))
            .and_then(|r| r.reference().cloned())
    });
    let text = now.map(|r| r.to_file_text()).unwrap_or_default();
    app.set_status(Level::Info, s::SECRET_SOURCE_HOW);
    app.popup = Some(Popup::Input {
        for_: InputFor::SecretSource { field: key },
        input: input(&text),
        error: None,
    });
    vec![]
}

/// A custom row marked secret (masked, typed) or plain again; a stored secret must be loaded
/// first, so its value is not lost.
fn toggle_secret(app: &mut App, id: &EntryId) {
    let Some(f) = app.ensure_draft(id) else {
        app.set_focus(Focus::List);
        return;
    };
    if let Row::Kv(i) = f.focused_row() {
        let row = &mut f.kv[i];
        match &row.secret {
            None => {
                crate::tui::form::mask(&mut row.input, true);
                row.secret = Some(Secret {
                    state: SecretInput::Typed,
                    ..Default::default()
                });
            }
            Some(sec) if sec.is_stored() && sec.loaded.is_none() => {
                app.set_status(Level::Error, s::load_before_unmark());
            }
            Some(_) => {
                crate::tui::form::mask(&mut row.input, false);
                row.secret = None;
                app.set_status(Level::Info, s::STORED_IN_CLEAR);
            }
        }
    }
}

pub(super) fn save(app: &mut App) -> Vec<Effect> {
    app.set_editing(false);
    let Some(id) = app.selected.clone() else {
        return vec![];
    };
    let Some(f) = app.draft(&id) else {
        app.set_status(Level::Info, s::NOTHING_TO_SAVE);
        return vec![];
    };
    if !app.is_dirty(&id) {
        app.set_status(Level::Info, s::NOTHING_TO_SAVE);
        return vec![];
    }
    let errs = f.errors();
    if let Some(e) = errs.first() {
        let msg = s::invalid_save(&e.message);
        if let Some(f) = app.draft_mut(&id) {
            f.save_tried = true;
        }
        app.set_status(Level::Error, msg);
        return vec![];
    }
    let (conn, secrets) = f.to_connection();
    let expect = match &f.base {
        Some(b) => Expect::Unchanged(b.clone()),
        None => Expect::Absent,
    };

    let copy_secrets_from = f.copy_secrets_from.clone();
    vec![Effect::Save {
        id,
        conn,
        secrets,
        expect,
        copy_secrets_from,
    }]
}
