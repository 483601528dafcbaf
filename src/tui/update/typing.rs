//! Keys and pastes while typing into a field or the filter.

use super::*;

pub(super) fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], "")
}

/// A paste goes where a typed key would: the stored screen and popup say where (`mode()`),
/// never a guess from what happens to be open underneath.
pub(super) fn on_paste(app: &mut App, text: &str) -> Vec<Effect> {
    match app.mode() {
        Mode::Popup => {
            if let Some(Popup::Input { input, .. }) = &mut app.popup {
                input.insert_str(single_line(text));
            }
        }
        Mode::Filter => {
            app.filter
                .extend(single_line(text).chars().filter(|c| !c.is_control()));
            app.fix_selection();
        }
        Mode::Wizard if !app.readonly => return paste_into_wizard(app, text),
        Mode::Browse | Mode::Editing if !app.readonly && app.focus() == Focus::Form => {
            paste_into_form(app, &single_line(text));
        }
        _ => {}
    }
    vec![]
}

fn paste_into_wizard(app: &mut App, text: &str) -> Vec<Effect> {
    // "Paste what you have": several lines are a snippet, read at once (never shown).
    if app.wizard().is_some_and(|w| w.step == Step::Paste) {
        let typed = app.wizard().map(|w| text_of(&w.paste)).unwrap_or_default();
        return super::wizard::take_paste(app, &format!("{typed}{text}"));
    }
    if let Some(w) = app.wizard_mut()
        && let Some(t) = wizard_input(w)
    {
        t.insert_str(single_line(text));
        mark_typed_wizard(w);
    }
    vec![]
}

/// Pasting onto a field starts editing it: API keys are always pasted.
fn paste_into_form(app: &mut App, text: &str) {
    if !app.editing() {
        let id = app.selected.clone();
        let ok = id
            .and_then(|id| {
                app.ensure_draft(&id)
                    .map(|f| typeable(f, &id, f.focused_row()))
            })
            .unwrap_or(false);
        if !ok {
            return;
        }
        app.set_editing(true);
    }
    if let Some(f) = selected_form(app) {
        with_focused_input(f, |t, sec| {
            if let Some(sec) = sec {
                sec.start_typing(t);
            }
            t.insert_str(text);
        });
        f.test = None;
    }
}

/// Empties a one-line input, keeping its mask (Ctrl-U means this everywhere, as in a shell).
pub(super) fn clear_text(t: &mut ratatui_textarea::TextArea<'static>) {
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t.delete_line_by_head();
}

/// Runs `f` on the focused row's input (and its secret state).
pub(super) fn with_focused_input(
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

pub(super) fn on_edit_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    match lookup(Ctx::Editing, &k) {
        Some(Cmd::NextField) | Some(Cmd::PrevField) => {
            app.set_editing(false);
            let Some(f) = selected_form(app) else {
                return form_keys::back_to_list(app);
            };
            f.hide_secrets();
            f.move_focus(if lookup(Ctx::Editing, &k) == Some(Cmd::NextField) {
                1
            } else {
                -1
            });
            vec![]
        }
        Some(Cmd::Commit) => {
            app.set_editing(false);
            vec![]
        }
        Some(Cmd::Save) => save(app),
        // the hint under the field offers ^F while the URL is being typed
        Some(Cmd::Fix) => {
            app.set_editing(false);
            form_keys::on_form_cmd(app, Cmd::Fix)
        }
        Some(Cmd::Quit) => request_quit(app),
        Some(Cmd::ClearText) => {
            let Some(f) = selected_form(app) else {
                return form_keys::back_to_list(app);
            };
            with_focused_input(f, |t, sec| {
                if let Some(sec) = sec {
                    sec.start_typing(t);
                }
                clear_text(t);
            });
            vec![]
        }
        Some(Cmd::Reveal) => {
            if let Some(f) = selected_form(app)
                && let Some((input, sec, _)) = f.focused_secret_mut()
            {
                let on = !sec.revealed;
                sec.show(input, on);
            }
            vec![]
        }
        _ => {
            let Some(f) = selected_form(app) else {
                return form_keys::back_to_list(app);
            };
            with_focused_input(f, |t, sec| {
                if let Some(sec) = sec {
                    // The first keystroke on a stored secret starts a new value.
                    sec.start_typing(t);
                }
                t.input(k);
            });
            // A test result is of the values before this key: it would mislead now.
            f.test = None;
            vec![]
        }
    }
}

pub(super) fn on_filter_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    match lookup(Ctx::Filter, &k) {
        Some(Cmd::Commit) => app.set_filter_typing(false),
        Some(Cmd::Cancel) => {
            app.set_filter_typing(false);
            app.filter.clear();
        }
        Some(Cmd::Quit) => return request_quit(app),
        Some(Cmd::ClearText) => app.filter.clear(),
        // Unbound keys are the filter's text.
        _ => match k.code {
            KeyCode::Backspace => {
                app.filter.pop();
            }
            KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => app.filter.push(c),
            _ => {}
        },
    }
    app.fix_selection();
    vec![]
}
