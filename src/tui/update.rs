//! `update(app, action) -> effects`: the only place the state changes. No terminal, no I/O.

use super::app::*;
use super::form::{Form, KvRow, Row, Secret, input, text_of};
use super::keymap::{Cmd, Ctx, lookup};
use super::strings as s;
use super::wizard::{Step, Wizard, type_order};
use crate::catalogue::FieldKind;
use crate::service::Expect;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
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
        } => {
            app.pending = app.pending.saturating_sub(1);
            match result {
                Ok(stored) => {
                    app.stored = stored;
                    app.drafts.retain(|(d, _)| *d != id);
                    app.selected = Some(EntryId::Stored(name.clone()));
                    let msg = match warnings.first() {
                        Some(w) => format!("{}: '{name}' ({w})", s::SAVED),
                        None => format!("{} '{name}'.", s::SAVED),
                    };
                    app.set_status(Level::Info, msg);
                }
                Err(e) => app.set_status(Level::Error, e),
            }
            vec![]
        }
        Action::Deleted { name, result } => {
            app.pending = app.pending.saturating_sub(1);
            match result {
                Ok(stored) => {
                    app.stored = stored;
                    app.drafts
                        .retain(|(d, _)| *d != EntryId::Stored(name.clone()));
                    app.fix_selection();
                    app.focus = Focus::List;
                    app.set_status(Level::Info, format!("{} '{name}'.", s::DELETED));
                }
                Err(e) => app.set_status(Level::Error, e),
            }
            vec![]
        }
        Action::Renamed { old, new, result } => {
            app.pending = app.pending.saturating_sub(1);
            match result {
                Ok(stored) => {
                    app.stored = stored;
                    app.drafts
                        .retain(|(d, _)| *d != EntryId::Stored(old.clone()));
                    app.selected = Some(EntryId::Stored(new.clone()));
                    app.set_status(Level::Info, format!("Renamed '{old}' to '{new}'."));
                }
                Err(e) => app.set_status(Level::Error, e),
            }
            vec![]
        }
        Action::SecretLoaded {
            conn,
            field,
            result,
        } => {
            app.pending = app.pending.saturating_sub(1);
            match result {
                Ok(v) => {
                    let missing = v.is_none();
                    if let Some(f) = app.ensure_draft(&EntryId::Stored(conn.clone())) {
                        f.secret_loaded(&field, v);
                        if let Some((input, sec, _)) = f.focused_secret_mut() {
                            sec.revealed = true;
                            input.clear_mask_char();
                        }
                    }
                    if missing {
                        app.set_status(
                            Level::Error,
                            format!(
                                "'{field}' of '{conn}' is recorded but missing from the keychain."
                            ),
                        );
                    }
                }
                Err(e) => app.set_status(Level::Error, e),
            }
            vec![]
        }
        Action::BackendSwitched { name, result } => {
            app.pending = app.pending.saturating_sub(1);
            match result {
                Ok(()) => {
                    app.backend_name = name.clone();
                    app.backend = Some(Ok(()));
                    app.vault_exists = name == "vault" || app.vault_exists;
                    app.set_status(
                        Level::Info,
                        format!("Secrets are now kept in the {name} (secrets.age, encrypted)."),
                    );
                }
                Err(e) => {
                    app.set_status(Level::Error, e.clone());
                    if let Some(w) = &mut app.wizard {
                        w.error = Some(e);
                    }
                }
            }
            vec![]
        }
        Action::Tested {
            target,
            ok,
            message,
        } => {
            app.pending = app.pending.saturating_sub(1);
            let form = match &target {
                TestTarget::Entry(id) => app.ensure_draft(id),
                TestTarget::Wizard => app.wizard.as_mut().and_then(|w| w.form.as_mut()),
            };
            if let Some(f) = form {
                f.test = Some((ok, message));
            }
            vec![]
        }
        Action::Loaded(result) => {
            app.loading = false;
            match result {
                Ok(stored) => {
                    app.stored = stored;
                    app.fix_selection();
                    // No connections yet: start with the guided setup.
                    if (app.stored.is_empty() || app.setup_when_loaded) && !app.readonly {
                        return start_wizard(app);
                    }
                }
                Err(e) => app.fatal = Some(e),
            }
            vec![]
        }
        Action::Probed(r) => {
            app.pending = app.pending.saturating_sub(1);
            app.backend = Some(r);
            vec![]
        }
    }
}

fn refuse_readonly(app: &mut App) -> Vec<Effect> {
    app.set_status(Level::Error, s::READONLY_REFUSED);
    vec![]
}

fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
    if app.loading || app.fatal.is_some() {
        // Nothing to act on yet (or at all): only quitting works.
        if ctrl_c || k.code == KeyCode::Char('q') {
            app.quit = true;
        }
        return vec![];
    }
    if app.too_small() {
        // Nothing can be seen, so nothing may change; quitting still works.
        if ctrl_c || k.code == KeyCode::Char('q') {
            return request_quit(app);
        }
        return vec![];
    }
    if app.popup.is_some() {
        return on_popup_key(app, k);
    }
    if app.wizard.is_some() {
        return on_wizard_key(app, k);
    }
    if app.filter_typing {
        return on_filter_key(app, k);
    }
    if app.editing {
        return on_edit_key(app, k);
    }
    let ctx = if app.focus == Focus::List {
        Ctx::List
    } else {
        Ctx::Form
    };
    let Some(cmd) = lookup(ctx, &k) else {
        return vec![];
    };
    app.status = None;
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
        (Ctx::List, c) => on_list_cmd(app, c),
        (_, c) => on_form_cmd(app, c),
    }
}

fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.any_dirty() || app.wizard.as_ref().is_some_and(|w| w.form.is_some()) {
        app.popup = Some(Popup::Confirm {
            what: Confirm::Quit,
            yes: false,
        });
    } else {
        app.quit = true;
    }
    vec![]
}

fn move_selection(app: &mut App, to: impl Fn(usize, usize) -> usize) {
    let entries = app.entries();
    if entries.is_empty() {
        return;
    }
    let cur = app.selected_index().unwrap_or(0);
    app.selected = Some(entries[to(cur, entries.len())].clone());
}

fn on_list_cmd(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::Up => move_selection(app, |i, _| i.saturating_sub(1)),
        Cmd::Down => move_selection(app, |i, n| (i + 1).min(n - 1)),
        Cmd::Top => move_selection(app, |_, _| 0),
        Cmd::Bottom => move_selection(app, |_, n| n - 1),
        Cmd::Open if app.selected.is_some() => app.focus = Focus::Form,
        Cmd::New => {
            app.popup = Some(Popup::PickType {
                cursor: 0,
                for_: PickFor::New,
            })
        }
        Cmd::Setup => return start_wizard(app),
        Cmd::Filter => {
            app.filter_typing = true;
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
                    app.set_status(Level::Error, "Save or discard the changes before renaming.");
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
                f.base = None;
                f.copy_secrets_from = from;
                f.focus = 0;
                let nid = EntryId::New(app.next_new);
                app.next_new += 1;
                app.drafts.push((nid.clone(), f));
                app.selected = Some(nid);
                app.focus = Focus::Form;
            }
        }
        _ => {}
    }
    vec![]
}

/// Opens the guided setup (and probes the secret backend, so the key step can warn).
pub fn start_wizard(app: &mut App) -> Vec<Effect> {
    app.wizard = Some(Wizard::new());
    if app.backend.is_none() {
        app.pending += 1;
        return vec![Effect::Probe];
    }
    vec![]
}

fn selected_form(app: &mut App) -> Option<&mut Form> {
    let id = app.selected.clone()?;
    app.ensure_draft(&id)
}

fn on_form_cmd(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    let Some(id) = app.selected.clone() else {
        app.focus = Focus::List;
        return vec![];
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
            app.focus = Focus::List;
        }
        Cmd::NextField | Cmd::PrevField => {
            let f = app.ensure_draft(&id).expect("selected exists");
            f.hide_secrets();
            f.move_focus(if cmd == Cmd::NextField { 1 } else { -1 });
        }
        Cmd::ToggleAdvanced => {
            let f = app.ensure_draft(&id).expect("selected exists");
            f.show_advanced = !f.show_advanced;
        }
        Cmd::Edit => return edit_focused(app),
        Cmd::Reveal => return reveal(app),
        Cmd::Test => {
            let mut pending = app.pending;
            let f = app.ensure_draft(&id).expect("selected exists");
            let e = test_effect(TestTarget::Entry(id.clone()), f, &mut pending);
            app.pending = pending;
            return vec![e];
        }
        Cmd::Fix => {
            let f = app.ensure_draft(&id).expect("selected exists");
            if !f.apply_fix() {
                app.set_status(Level::Info, s::NOTHING_TO_FIX);
            }
        }
        Cmd::AddConfig | Cmd::AddSecret if app.form(&id).is_some_and(|f| f.spec.is_custom()) => {
            app.popup = Some(Popup::Input {
                for_: InputFor::AddKv {
                    secret: cmd == Cmd::AddSecret,
                },
                input: input(""),
                error: None,
            });
        }
        Cmd::RemoveRow => {
            let f = app.ensure_draft(&id).expect("selected exists");
            if let Row::Kv(i) = f.focused_row() {
                f.kv.remove(i);
                f.focus = f.focus.min(f.rows().len() - 1);
            }
        }
        Cmd::ToggleSecret => {
            let f = app.ensure_draft(&id).expect("selected exists");
            if let Row::Kv(i) = f.focused_row() {
                let row = &mut f.kv[i];
                match &row.secret {
                    None => {
                        row.input.set_mask_char('•');
                        row.secret = Some(Secret {
                            typed: true,
                            ..Default::default()
                        });
                    }
                    Some(sec) if sec.stored && !sec.typed && sec.loaded.is_none() => {
                        app.set_status(
                            Level::Error,
                            "Load the secret first (r), then mark it as not secret.",
                        );
                    }
                    Some(_) => {
                        row.input.clear_mask_char();
                        row.secret = None;
                        app.set_status(
                            Level::Info,
                            "This value will be stored in connections.toml in clear.",
                        );
                    }
                }
            }
        }
        Cmd::Discard if app.is_dirty(&id) => {
            app.popup = Some(Popup::Confirm {
                what: Confirm::Discard(id),
                yes: false,
            });
        }
        _ => {}
    }
    vec![]
}

/// A test of what the form holds now (saved or not).
fn test_effect(target: TestTarget, f: &mut Form, pending: &mut usize) -> Effect {
    let (conn, secrets) = f.to_connection();
    f.test = Some((true, super::strings::TESTING.into()));
    *pending += 1;
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
    }
}

fn edit_focused(app: &mut App) -> Vec<Effect> {
    let id = app.selected.clone().expect("form has a selection");
    let f = app.ensure_draft(&id).expect("selected exists");
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
        Row::Field(i) if f.field_spec(i).kind == FieldKind::Enum => {
            let spec = f.field_spec(i);
            let cur = text_of(&f.fields[i].input);
            let pos = spec
                .values
                .iter()
                .position(|v| v.eq_ignore_ascii_case(&cur))
                .map_or(0, |p| p + 1);
            f.fields[i].input = input(&spec.values[pos % spec.values.len()]);
        }
        Row::Name if matches!(id, EntryId::Stored(_)) => {
            app.set_status(
                Level::Info,
                "Rename from the list (R): it moves the secrets too.",
            );
        }
        _ => app.editing = true,
    }
    vec![]
}

fn reveal(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.selected.clone() else {
        return vec![];
    };
    let stored = match &id {
        EntryId::Stored(n) => app.stored_conn(n).cloned(),
        EntryId::New(_) => None,
    };
    let f = app.ensure_draft(&id).expect("selected exists");
    let Some((input, sec, key)) = f.focused_secret_mut() else {
        return vec![];
    };
    if sec.revealed {
        sec.revealed = false;
        input.set_mask_char('•');
        return vec![];
    }
    if sec.stored && !sec.typed && sec.loaded.is_none() {
        // Loaded from the keychain only now, on an explicit key press.
        if let Some(conn) = stored {
            app.pending += 1;
            return vec![Effect::LoadSecret { conn, field: key }];
        }
    }
    sec.revealed = true;
    input.clear_mask_char();
    vec![]
}

fn save(app: &mut App) -> Vec<Effect> {
    app.editing = false;
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
        app.set_status(Level::Error, s::invalid_save(&e.message));
        return vec![];
    }
    let (conn, secrets) = f.to_connection();
    let expect = match &f.base {
        Some(b) => Expect::Unchanged(b.clone()),
        None => Expect::Absent,
    };
    if let (EntryId::Stored(old), true) = (&id, conn.name != id_name(&id)) {
        app.set_status(Level::Error, format!("Rename '{old}' from the list (R)."));
        return vec![];
    }
    let copy_secrets_from = f.copy_secrets_from.clone();
    app.pending += 1;
    vec![Effect::Save {
        id,
        conn,
        secrets,
        expect,
        copy_secrets_from,
    }]
}

fn id_name(id: &EntryId) -> String {
    match id {
        EntryId::Stored(n) => n.clone(),
        EntryId::New(_) => String::new(),
    }
}

fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], "")
}

fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    let text = single_line(text);
    if app.too_small() || app.readonly {
        return vec![];
    }
    if let Some(Popup::Input { input, .. }) = &mut app.popup {
        input.insert_str(&text);
        return vec![];
    }
    if let Some(w) = &mut app.wizard {
        if let Some(t) = wizard_input(w) {
            t.insert_str(&text);
            mark_typed_wizard(w);
        }
        return vec![];
    }
    if app.focus == Focus::Form && app.popup.is_none() {
        // Pasting onto a field starts editing it: API keys are always pasted.
        if !app.editing {
            let id = app.selected.clone();
            let ok = id
                .and_then(|id| {
                    app.ensure_draft(&id)
                        .map(|f| matches!(f.focused_row(), Row::Field(_) | Row::Kv(_)))
                })
                .unwrap_or(false);
            if !ok {
                return vec![];
            }
            app.editing = true;
        }
        if let Some(f) = selected_form(app) {
            with_focused_input(f, |t, sec| {
                if let Some(sec) = sec
                    && !sec.typed
                {
                    *t = input("");
                    t.set_mask_char('•');
                    sec.typed = true;
                }
                t.insert_str(&text);
            });
        }
    }
    vec![]
}

/// Runs `f` on the focused row's input (and its secret state).
fn with_focused_input(
    f: &mut Form,
    op: impl FnOnce(&mut ratatui_textarea::TextArea<'static>, Option<&mut Secret>),
) {
    match f.focused_row() {
        Row::Name => op(&mut f.name, None),
        Row::Field(i) => {
            let fld = &mut f.fields[i];
            op(&mut fld.input, fld.secret.as_mut())
        }
        Row::Kv(i) => {
            let r = &mut f.kv[i];
            op(&mut r.input, r.secret.as_mut())
        }
        _ => {}
    }
}

fn on_edit_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    match lookup(Ctx::Editing, &k) {
        Some(Cmd::NextField) | Some(Cmd::PrevField) => {
            app.editing = false;
            let f = selected_form(app).expect("editing has a form");
            f.hide_secrets();
            f.move_focus(if lookup(Ctx::Editing, &k) == Some(Cmd::NextField) {
                1
            } else {
                -1
            });
            vec![]
        }
        Some(Cmd::Commit) => {
            app.editing = false;
            vec![]
        }
        Some(Cmd::Save) => save(app),
        Some(Cmd::Quit) => request_quit(app),
        Some(Cmd::Reveal) => {
            if let Some(f) = selected_form(app)
                && let Some((input, sec, _)) = f.focused_secret_mut()
            {
                sec.revealed = !sec.revealed;
                if sec.revealed {
                    input.clear_mask_char()
                } else {
                    input.set_mask_char('•')
                }
            }
            vec![]
        }
        _ => {
            let f = selected_form(app).expect("editing has a form");
            with_focused_input(f, |t, sec| {
                if let Some(sec) = sec {
                    // The first keystroke on a stored secret starts a new value.
                    if !sec.typed {
                        *t = input("");
                        t.set_mask_char('•');
                        sec.typed = true;
                    }
                }
                t.input(k);
            });
            vec![]
        }
    }
}

fn on_filter_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    match k.code {
        KeyCode::Enter => app.filter_typing = false,
        KeyCode::Esc => {
            app.filter_typing = false;
            app.filter.clear();
        }
        KeyCode::Backspace => {
            app.filter.pop();
        }
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => app.filter.push(c),
        KeyCode::Char('c') => return request_quit(app),
        _ => {}
    }
    app.fix_selection();
    vec![]
}

fn on_popup_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let popup = app.popup.take().expect("checked");
    match popup {
        Popup::Help { scroll } => {
            let scroll = match k.code {
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => {
                    return vec![];
                }
                KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(10),
                KeyCode::PageUp => scroll.saturating_sub(10),
                _ => scroll,
            };
            app.popup = Some(Popup::Help { scroll });
            vec![]
        }
        Popup::Confirm { what, yes } => match k.code {
            KeyCode::Left
            | KeyCode::Right
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Char('h')
            | KeyCode::Char('l') => {
                app.popup = Some(Popup::Confirm { what, yes: !yes });
                vec![]
            }
            KeyCode::Char('y') => confirmed(app, what),
            KeyCode::Enter if yes => confirmed(app, what),
            KeyCode::Enter | KeyCode::Esc | KeyCode::Char('n') => vec![],
            _ => {
                app.popup = Some(Popup::Confirm { what, yes });
                vec![]
            }
        },
        Popup::PickType { cursor, for_ } => {
            let n = type_order().len();
            match k.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    app.popup = Some(Popup::PickType {
                        cursor: cursor.saturating_sub(1),
                        for_,
                    })
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    app.popup = Some(Popup::PickType {
                        cursor: (cursor + 1).min(n - 1),
                        for_,
                    })
                }
                KeyCode::Enter => {
                    let spec = type_order()[cursor];
                    let id = EntryId::New(app.next_new);
                    app.next_new += 1;
                    app.drafts.push((id.clone(), Form::new(spec)));
                    app.selected = Some(id);
                    app.focus = Focus::Form;
                    app.editing = true;
                }
                KeyCode::Esc => {}
                _ => app.popup = Some(Popup::PickType { cursor, for_ }),
            }
            vec![]
        }
        Popup::Input {
            for_,
            mut input,
            error,
        } => match k.code {
            KeyCode::Esc => vec![],
            KeyCode::Enter => {
                let text = text_of(&input).trim().to_string();
                match &for_ {
                    InputFor::Rename(old) => {
                        if let Err(e) = crate::model::validate_name(&text) {
                            app.popup = Some(Popup::Input {
                                for_,
                                input,
                                error: Some(e),
                            });
                            return vec![];
                        }
                        if text == *old {
                            return vec![];
                        }
                        app.pending += 1;
                        vec![Effect::Rename {
                            old: old.clone(),
                            new: text,
                        }]
                    }
                    InputFor::VaultPassphrase { create, first } => {
                        let typed = text_of(&input);
                        let retry = |e: &str| {
                            let mut t = super::form::input("");
                            t.set_mask_char('•');
                            Some(Popup::Input {
                                for_: InputFor::VaultPassphrase {
                                    create: *create,
                                    first: None,
                                },
                                input: t,
                                error: Some(e.to_string()),
                            })
                        };
                        if *create && first.is_none() {
                            if typed.chars().count() < 8 {
                                app.popup = retry("Use at least 8 characters.");
                                return vec![];
                            }
                            let mut t = super::form::input("");
                            t.set_mask_char('•');
                            app.popup = Some(Popup::Input {
                                for_: InputFor::VaultPassphrase {
                                    create: true,
                                    first: Some(typed),
                                },
                                input: t,
                                error: None,
                            });
                            return vec![];
                        }
                        if first.as_ref().is_some_and(|f| *f != typed) {
                            app.popup = retry("The two passphrases differ; type it again.");
                            return vec![];
                        }
                        app.pending += 1;
                        vec![Effect::UseVault {
                            passphrase: secrecy::SecretString::from(typed),
                        }]
                    }
                    InputFor::AddKv { secret } => {
                        let f = selected_form(app).expect("form open");
                        if !crate::model::valid_custom_key(&text)
                            || f.kv.iter().any(|r| r.key == text)
                        {
                            let e = format!(
                                "'{}' is empty, taken, or has '.', '=' or spaces",
                                crate::sanitize::for_terminal(&text)
                            );
                            app.popup = Some(Popup::Input {
                                for_,
                                input,
                                error: Some(e),
                            });
                            return vec![];
                        }
                        let mut t = super::form::input("");
                        let sec = secret.then(|| {
                            t.set_mask_char('•');
                            Secret {
                                typed: true,
                                ..Default::default()
                            }
                        });
                        f.kv.push(KvRow {
                            key: text,
                            input: t,
                            secret: sec,
                        });
                        let rows = f.rows();
                        f.focus = rows
                            .iter()
                            .position(|r| *r == Row::Kv(f.kv.len() - 1))
                            .unwrap_or(0);
                        app.editing = true;
                        vec![]
                    }
                }
            }
            _ => {
                if lookup(Ctx::Editing, &k) == Some(Cmd::Quit) {
                    return request_quit(app);
                }
                input.input(k);
                app.popup = Some(Popup::Input { for_, input, error });
                vec![]
            }
        },
    }
}

fn confirmed(app: &mut App, what: Confirm) -> Vec<Effect> {
    match what {
        Confirm::Quit => {
            app.quit = true;
            vec![]
        }
        Confirm::LeaveSetup => {
            app.wizard = None;
            vec![]
        }
        Confirm::Delete(name) => {
            app.pending += 1;
            vec![Effect::Delete { name }]
        }
        Confirm::Discard(id) => {
            app.drafts.retain(|(d, _)| *d != id);
            app.editing = false;
            app.fix_selection();
            if matches!(id, EntryId::New(_)) {
                app.focus = Focus::List;
            }
            app.set_status(Level::Info, s::DISCARDED);
            vec![]
        }
    }
}

/// The input the current wizard step types into.
fn wizard_input(w: &mut Wizard) -> Option<&mut ratatui_textarea::TextArea<'static>> {
    let url = w.form.as_ref().and(w.url_field());
    let key = w.form.as_ref().and(w.key_field());
    let extras = w.form.as_ref().map(|_| w.extras()).unwrap_or_default();
    let focus = w.extras_focus;
    let f = w.form.as_mut()?;
    match w.step {
        Step::Name => Some(&mut f.name),
        Step::Endpoint => url.map(|i| &mut f.fields[i].input),
        Step::Key => key.map(|i| &mut f.fields[i].input),
        Step::Extras => extras.get(focus).map(|i| &mut f.fields[*i].input),
        _ => None,
    }
}

fn mark_typed_wizard(w: &mut Wizard) {
    if w.step == Step::Key
        && let Some(i) = w.key_field()
        && let Some(sec) = w.form.as_mut().and_then(|f| f.fields[i].secret.as_mut())
    {
        sec.typed = true;
    }
}

/// Opens the passphrase popup that switches secrets to the vault.
pub fn offer_vault(app: &mut App) {
    let mut t = input("");
    t.set_mask_char('•');
    app.popup = Some(Popup::Input {
        for_: InputFor::VaultPassphrase {
            create: !app.vault_exists,
            first: None,
        },
        input: t,
        error: None,
    });
}

fn on_wizard_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let w = app.wizard.as_mut().expect("checked");
    if lookup(Ctx::Editing, &k) == Some(Cmd::Quit) {
        return request_quit(app);
    }
    let ctrl_v = k.code == KeyCode::Char('v') && k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl_v
        && w.step == Step::Key
        && matches!(app.backend, Some(Err(_)))
        && app.backend_name != "vault"
    {
        offer_vault(app);
        return vec![];
    }
    match (w.step, k.code) {
        (Step::Type, KeyCode::Up | KeyCode::Char('k')) => {
            w.type_cursor = w.type_cursor.saturating_sub(1)
        }
        (Step::Type, KeyCode::Down | KeyCode::Char('j')) => {
            w.type_cursor = (w.type_cursor + 1).min(type_order().len() - 1)
        }
        (Step::Type, KeyCode::Enter | KeyCode::Tab) => {
            let spec = type_order()[w.type_cursor];
            // Keep what was typed if the same type is picked again after going back.
            if w.form.as_ref().is_none_or(|f| f.spec.id != spec.id) {
                w.form = Some(Form::new(spec));
            }
            w.advance(1);
        }
        (Step::Type, KeyCode::Esc) => {
            // Leaving loses what was typed on later steps: ask, as for any discard.
            if w.form.is_some() {
                app.popup = Some(Popup::Confirm {
                    what: Confirm::LeaveSetup,
                    yes: false,
                });
            } else {
                app.wizard = None;
            }
        }
        (Step::Review, KeyCode::Left | KeyCode::BackTab) => w.choice = (w.choice + 2) % 3,
        (Step::Review, KeyCode::Right | KeyCode::Tab) => w.choice = (w.choice + 1) % 3,
        (Step::Review, KeyCode::Esc) => w.advance(-1),
        (Step::Review, KeyCode::Char('s')) => return wizard_finish(app, 0),
        (Step::Review, KeyCode::Char('e')) => return wizard_finish(app, 1),
        (Step::Review, KeyCode::Char('t')) => {
            let f = w.form.as_mut().expect("review has a form");
            return vec![test_effect(TestTarget::Wizard, f, &mut app.pending)];
        }
        (Step::Review, KeyCode::Enter) => {
            let c = w.choice;
            return wizard_finish(app, c);
        }
        (Step::Extras, KeyCode::Up) => w.extras_focus = w.extras_focus.saturating_sub(1),
        (Step::Extras, KeyCode::Down) => {
            w.extras_focus = (w.extras_focus + 1).min(w.extras().len().saturating_sub(1))
        }
        (Step::Extras, KeyCode::Enter | KeyCode::Tab) if w.extras_focus + 1 < w.extras().len() => {
            w.extras_focus += 1
        }
        (_, KeyCode::Esc | KeyCode::BackTab) => w.advance(-1),
        (Step::Endpoint, KeyCode::Enter | KeyCode::Tab)
            if w.notice.is_none() && wizard_fixable(w) =>
        {
            // First Enter on a pasted Target URI stores its base and says so; the next goes on.
            let f = w.form.as_mut().expect("form");
            f.apply_fix();
            let (i, _) = f.reading().expect("fixable has a reading");
            w.notice = Some(format!(
                "Stored the base {}: the part before the operation path.",
                text_of(&f.fields[i].input)
            ));
        }
        (_, KeyCode::Enter | KeyCode::Tab) => match w.check() {
            Ok(()) => w.advance(1),
            Err(e) => w.error = Some(e),
        },
        (Step::Extras, KeyCode::Left | KeyCode::Right) if wizard_enum(w).is_some() => {
            let i = wizard_enum(w).expect("checked");
            let f = w.form.as_mut().expect("form");
            let spec = f.field_spec(i);
            let cur = text_of(&f.fields[i].input);
            let pos = spec.values.iter().position(|v| *v == cur).unwrap_or(0);
            let next = if k.code == KeyCode::Right {
                pos + 1
            } else {
                pos + spec.values.len() - 1
            };
            f.fields[i].input = input(&spec.values[next % spec.values.len()]);
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

fn wizard_fixable(w: &Wizard) -> bool {
    w.form()
        .reading()
        .is_some_and(|(_, r)| r.had_request_path && r.normalized_base.is_some())
}

fn wizard_enum(w: &Wizard) -> Option<usize> {
    let i = *w.extras().get(w.extras_focus)?;
    (w.form().field_spec(i).kind == FieldKind::Enum).then_some(i)
}

fn wizard_finish(app: &mut App, choice: usize) -> Vec<Effect> {
    let w = app.wizard.take().expect("checked");
    match choice {
        0 | 1 => {
            let mut form = w.form.clone().expect("review has a form");
            let id = EntryId::New(app.next_new);
            app.next_new += 1;
            if choice == 0
                && let Some(e) = form.errors().first()
            {
                app.set_status(Level::Error, s::invalid_save(&e.message));
                app.wizard = Some(Wizard { choice: 1, ..w });
                return vec![];
            }
            if let Some(row) = w.first_error_row() {
                form.focus = form.rows().iter().position(|r| *r == row).unwrap_or(0);
            }
            app.drafts.push((id.clone(), form));
            app.selected = Some(id);
            app.focus = Focus::Form;
            if choice == 0 { save(app) } else { vec![] }
        }
        // Cancel: the wizard is closed on purpose; nothing was saved.
        _ => vec![],
    }
}
