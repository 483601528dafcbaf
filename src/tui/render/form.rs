//! The form pane: one generic renderer for every type, driven by the field specs.

use super::theme::Theme;
use crate::catalogue::FieldKind;
use crate::endpoint::Reading;
use crate::sanitize::for_terminal;
use crate::tui::app::{App, Focus};
use crate::tui::form::{Form, Row, Secret, masked_tail, text_of};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use secrecy::ExposeSecret;

fn is_ref(conn: &crate::model::Connection, key: &str) -> bool {
    conn.secrets
        .get(key)
        .is_some_and(|r| r.reference().is_some())
}

/// `by_ref`: the draft reads this secret from a reference (env:/cmd:), so there is no value
/// to show until `r` resolves it.
fn secret_text(
    input: &ratatui_textarea::TextArea,
    sec: &Secret,
    dropped: bool,
    by_ref: bool,
) -> String {
    let text = text_of(input);
    if dropped {
        return s::SECRET_NOT_NEEDED.into();
    }
    // The source column names the reference; the value is not known until it is used.
    if by_ref && sec.loaded.is_none() {
        return s::secret_read_at_use();
    }
    if sec.revealed && (sec.is_typed() || sec.loaded.is_some()) {
        return for_terminal(&text);
    }
    if sec.is_typed() {
        return if text.is_empty() {
            s::SECRET_UNSET.into()
        } else {
            masked_tail(&text)
        };
    }
    match (&sec.loaded, sec.is_stored()) {
        (Some(v), _) => masked_tail(v.expose_secret()),
        (None, true) => s::secret_stored(),
        (None, false) => s::SECRET_UNSET.into(),
    }
}

/// Wraps `text` to `width` columns (by characters; hint texts are short). A word longer than
/// the width (a URL) is broken across lines rather than cut: a clipped URL is wrong advice.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let used = line.chars().count();
        if used > 0 && used + 1 + word.len() > width {
            if word.len() <= width {
                out.push(std::mem::take(&mut line));
            } else if used + 1 < width {
                // Fill the line's end with the long word's start.
                line.push(' ');
                let take = width - used - 1;
                line.extend(word.drain(..take));
                out.push(std::mem::take(&mut line));
            } else {
                out.push(std::mem::take(&mut line));
            }
        } else if used > 0 {
            line.push(' ');
        }
        while word.len() > width {
            out.push(word.drain(..width).collect());
        }
        line.extend(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// What the dated data says about `field` (a retired or retiring api-version, with the one to
/// use), indented under its row.
/// What the rows of a form carry under them, besides their own value.
struct Under<'a> {
    reading: Option<&'a (usize, Reading)>,
    fix: Option<&'a crate::draft::Fix>,
    notices: &'a [crate::azure::lifecycle::ConnNotice],
    rows: &'a [Row],
    width: usize,
}

/// The lines under `row`: under the endpoint its hint and last test (under the name when there
/// is no endpoint to show it under: custom, a default base), under a field its dated notices;
/// a notice about a field without a row here (the recorded model, advanced and collapsed) goes
/// under the endpoint, where the deployment is.
fn lines_under(app: &App, form: &Form, row: &Row, u: &Under, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let indented_test = |lines: &mut Vec<Line<'static>>| {
        for l in entry_test_lines(app, form, u.width.saturating_sub(3), theme) {
            let mut spans = vec![Span::raw("   ")];
            spans.extend(l.spans);
            lines.push(Line::from(spans));
        }
    };
    if *row == Row::Name && u.reading.is_none() && app.wizard().is_none() {
        indented_test(&mut lines);
    }
    let Row::Field(i) = row else {
        return lines;
    };
    let endpoint = u.reading.filter(|(ri, _)| ri == i);
    if let Some((_, r)) = endpoint {
        lines.extend(url_field_lines(app, form, r, u.fix, u.width, theme));
        indented_test(&mut lines);
    }
    lines.extend(dated_lines(u.notices, &form.fields[*i].key, u.width, theme));
    if endpoint.is_some() {
        for key in unshown_fields(form, u.rows, u.notices) {
            lines.extend(dated_lines(u.notices, &key, u.width, theme));
        }
    }
    lines
}

fn dated_lines(
    notices: &[crate::azure::lifecycle::ConnNotice],
    field: &str,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    use crate::azure::lifecycle::Urgency;
    let mut out = Vec::new();
    for n in notices.iter().filter(|n| n.field == field) {
        let (mark, style) = match n.urgency {
            Urgency::Past => ("✗ ", theme.error()),
            Urgency::Soon => ("⚠ ", theme.warn()),
            Urgency::Later => ("ℹ ", theme.dim()),
        };
        for l in wrap(
            &format!("{mark}{}", for_terminal(&n.text)),
            width.saturating_sub(3),
        ) {
            out.push(Line::from(vec![Span::raw("   "), Span::styled(l, style)]));
        }
    }
    out
}

/// The fields `notices` are about that have no row among `rows`.
fn unshown_fields(
    form: &Form,
    rows: &[Row],
    notices: &[crate::azure::lifecycle::ConnNotice],
) -> Vec<String> {
    let shown = |key: &str| {
        rows.iter()
            .any(|r| matches!(r, Row::Field(i) if form.fields[*i].key == key))
    };
    let mut keys: Vec<String> = Vec::new();
    for n in notices.iter().filter(|n| !shown(&n.field)) {
        if !keys.contains(&n.field) {
            keys.push(n.field.clone());
        }
    }
    keys
}

pub fn hint_lines(
    r: &Reading,
    width: usize,
    theme: &Theme,
    fix: Option<&crate::draft::Fix>,
) -> Vec<Line<'static>> {
    let style = if r.warns() { theme.warn() } else { theme.ok() };
    let mark = if r.warns() { "⚠ " } else { "ℹ " };
    let mut lines: Vec<Line> = wrap(&format!("{mark}{}", r.hint), width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect();
    if let Some(t) = &r.tip {
        lines.extend(
            wrap(t, width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme.dim()))),
        );
    }
    if let Some(fix) = fix {
        lines.extend(
            wrap(&s::press_f_to_store(fix), width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme.key()))),
        );
    }
    lines
}

pub fn draw(f: &mut Frame, app: &App, r: Rect, theme: &Theme) {
    let focused = app.focus() == Focus::Form && app.popup.is_none();
    let Some(id) = app.selected.clone() else {
        let p = Paragraph::new(s::NO_SELECTION)
            .block(Block::default().borders(Borders::ALL))
            .wrap(Wrap { trim: true });
        f.render_widget(p, r);
        return;
    };
    let Some(form) = app.form(&id) else { return };
    let dirty = if app.is_dirty(&id) { " *" } else { "" };
    let name = for_terminal(&app.entry_name(&id));
    let title = format!(" {name} · {}{dirty} ", form.spec.label);
    let block = super::theme::pane(title, focused, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    draw_form(f, app, &form, inner, focused, theme);
}

/// Renders `form` into `area` (also used by the wizard's extras step).
pub fn draw_form(f: &mut Frame, app: &App, form: &Form, area: Rect, focused: bool, theme: &Theme) {
    let errors = form.shown_errors();
    let reading = form.reading();
    let width = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0usize;
    let mut cursor: Option<(u16, u16)> = None;
    let rows = form.rows();
    let focused_row = form.focused_row();
    let draft = form.draft();
    let (conn, _) = draft.into_save();
    let fix = form.offer();
    let notices = crate::azure::lifecycle::connection_notices(&conn, app.today);
    let under = Under {
        reading: reading.as_ref(),
        fix: fix.as_ref(),
        notices: &notices,
        rows: &rows,
        width,
    };
    // The label column fits the longest label, within a third of the width.
    let longest = rows
        .iter()
        .map(|r| row_label_len(form, r))
        .max()
        .unwrap_or(8);
    let label_w = (longest + 3).clamp(12, (width / 3).max(12));
    for row in &rows {
        let is_focus = focused && *row == focused_row;
        if is_focus {
            focus_line = lines.len();
        }
        let (label, value, invalid, value_style) = row_cells(form, row, &conn, &errors, theme);
        let label_cell = label_cell(&label, invalid, is_focus, label_w, theme);
        let value_w = width.saturating_sub(label_w + 1);
        let shown = cut(value, value_w);
        if is_focus && app.editing() {
            cursor = Some((area.x + label_w as u16 + 1, lines.len() as u16));
            lines.push(Line::from(vec![label_cell, Span::raw(" ")]));
        } else {
            let mut spans = vec![
                label_cell,
                Span::raw(" "),
                Span::styled(shown.clone(), value_style),
            ];
            // Where the value comes from, as `aiconn show` says it (room permitting).
            let source = value_source(form, &draft, row, app.readonly);
            if !source.is_empty() && shown.chars().count() + source.chars().count() + 3 <= value_w {
                spans.push(Span::styled(format!("  · {source}"), theme.dim()));
            }
            lines.push(Line::from(spans));
        }
        lines.extend(lines_under(app, form, row, &under, theme));
    }
    // The focused field's help and its first error, at the bottom.
    let footer = if focused {
        footer_lines(form, focused_row, &errors, width, theme)
    } else {
        Vec::new()
    };
    let body_h = area.height.saturating_sub(footer.len() as u16) as usize;
    // Scroll so the focused row stays visible.
    let scroll = focus_line.saturating_sub(body_h.saturating_sub(4).max(1));
    let body: Vec<Line> = lines.into_iter().skip(scroll).take(body_h).collect();
    f.render_widget(
        Paragraph::new(body),
        Rect {
            height: body_h as u16,
            ..area
        },
    );
    if !footer.is_empty() {
        let fr = Rect {
            y: area.y + body_h as u16,
            height: footer.len() as u16,
            ..area
        };
        f.render_widget(Paragraph::new(footer), fr);
    }
    if let Some((x, y)) = cursor {
        let y = y.saturating_sub(scroll as u16);
        if (y as usize) < body_h {
            let input_area = Rect {
                x,
                y: area.y + y,
                width: area.width.saturating_sub(label_w as u16 + 1),
                height: 1,
            };
            draw_editing_input(f, form, input_area);
        }
    }
}

/// A row's label cell, `label_w` wide: `>` on the focused row, `!` on an invalid one.
fn label_cell(
    label: &str,
    invalid: bool,
    is_focus: bool,
    label_w: usize,
    theme: &Theme,
) -> Span<'static> {
    let marker = if invalid { "!" } else { " " };
    let prefix = if is_focus { ">" } else { " " };
    let text = format!(
        "{:<label_w$}",
        cut(format!("{prefix}{marker}{label}"), label_w)
    );
    let mut style = if invalid { theme.error() } else { Style::new() };
    if is_focus {
        style = style.patch(theme.selected());
    }
    Span::styled(text, style)
}

/// A row's label, value, whether it is invalid, and the value's style.
fn row_cells(
    form: &Form,
    row: &Row,
    conn: &crate::model::Connection,
    errors: &[crate::model::FieldError],
    theme: &Theme,
) -> (String, String, bool, Style) {
    let bad = form
        .path_of(*row)
        .is_some_and(|p| errors.iter().any(|e| e.at == p));
    match row {
        Row::Name => (
            s::NAME_LABEL.into(),
            for_terminal(&text_of(&form.name)),
            bad,
            Style::new(),
        ),
        Row::Field(i) => {
            let fld = &form.fields[*i];
            let spec = form.field_spec(*i);
            let value = match &fld.secret {
                Some(sec) => secret_text(
                    &fld.input,
                    sec,
                    conn.is_dropped(&fld.key),
                    is_ref(conn, &fld.key),
                ),
                None if spec.kind == FieldKind::Enum => {
                    format!("‹ {} ›", for_terminal(&text_of(&fld.input)))
                }
                None => for_terminal(&text_of(&fld.input)),
            };
            let is_default = spec.default.as_deref() == Some(text_of(&fld.input).as_str());
            let style = if is_default {
                theme.dim()
            } else {
                Style::new()
            };
            let req = if conn.is_required(spec) { "*" } else { "" };
            (format!("{}{req}", spec.label), value, bad, style)
        }
        Row::Kv(i) => {
            let kv = &form.kv[*i];
            let value = match &kv.secret {
                Some(sec) => secret_text(&kv.input, sec, false, is_ref(conn, &kv.key)),
                None => for_terminal(&text_of(&kv.input)),
            };
            let kind = if kv.secret.is_some() {
                "secret"
            } else {
                "config"
            };
            (
                format!("{} ({kind})", for_terminal(&kv.key)),
                value,
                bad,
                Style::new(),
            )
        }
        Row::AddConfig => (s::ADD_CONFIG.into(), "(+)".into(), false, theme.dim()),
        Row::AddSecret => (s::ADD_SECRET.into(), "(*)".into(), bad, theme.dim()),
        Row::Advanced => {
            let t = if form.show_advanced {
                s::ADVANCED_HIDE
            } else {
                s::ADVANCED_SHOW
            };
            let k = crate::tui::keymap::label(
                crate::tui::keymap::Ctx::Form,
                crate::tui::keymap::Cmd::ToggleAdvanced,
            );
            (t.into(), format!("(Enter or {k})"), false, theme.dim())
        }
    }
}

/// `text` cut to `w` characters, the last one an ellipsis when anything was left out.
fn cut(text: String, w: usize) -> String {
    if text.chars().count() > w {
        text.chars().take(w.saturating_sub(1)).collect::<String>() + "…"
    } else {
        text
    }
}

/// The focused row's first error and its field's help, shown at the bottom.
fn footer_lines(
    form: &Form,
    focused_row: Row,
    errors: &[crate::model::FieldError],
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut footer: Vec<Line> = Vec::new();
    if let Some(e) = form
        .path_of(focused_row)
        .and_then(|p| errors.iter().find(|e| e.at == p))
    {
        footer.push(Line::from(Span::styled(
            format!("! {}", for_terminal(&e.message)),
            theme.error(),
        )));
    }
    if let Row::Field(i) = focused_row {
        let spec = form.field_spec(i);
        let mut help = spec.help.clone();
        if let Some(ex) = &spec.example {
            help.push_str(&format!(" e.g. {ex}"));
        }
        footer.extend(
            wrap(&help, width)
                .into_iter()
                .take(2)
                .map(|l| Line::from(Span::styled(l, theme.dim()))),
        );
    }
    footer
}

/// Under the URL field: what the URL is (with the fix on offer), a better type, the last test.
fn url_field_lines(
    app: &App,
    form: &Form,
    r: &Reading,
    fix: Option<&crate::draft::Fix>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let offer = fix.filter(|_| !app.readonly);
    for l in hint_lines(r, width.saturating_sub(3), theme, offer) {
        let mut spans = vec![Span::raw("   ")];
        spans.extend(l.spans);
        lines.push(Line::from(spans));
    }
    if let Some(t) = form.better_type().filter(|_| !app.readonly) {
        for l in wrap(&s::offer_switch(&t.label), width.saturating_sub(3)) {
            lines.push(Line::from(vec![
                Span::raw("   "),
                Span::styled(l, theme.key()),
            ]));
        }
    }
    for l in test_lines(form, width.saturating_sub(3), theme) {
        let mut spans = vec![Span::raw("   ")];
        spans.extend(l.spans);
        lines.push(Line::from(spans));
    }
    lines
}

/// The input being edited, at `input_area`, with the terminal's cursor in it.
fn draw_editing_input(f: &mut Frame, form: &Form, input_area: Rect) {
    let Some(t) = editing_input(form) else {
        return;
    };
    let raw = text_of(t);
    if raw
        .chars()
        .any(|c| c.is_control() || crate::sanitize::is_format_char(c))
    {
        // never hand control characters to the terminal, even while editing
        f.render_widget(Paragraph::new(for_terminal(&raw)), input_area);
    } else {
        f.render_widget(t, input_area);
    }
    let col = crate::tui::form::cursor_col(t);
    f.set_cursor_position((
        input_area.x + (col as u16).min(input_area.width.saturating_sub(1)),
        input_area.y,
    ));
}

/// The last connection test, next to the endpoint.
pub fn test_lines(form: &Form, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Some((ok, msg)) = &form.test else {
        return vec![];
    };
    let (mark, style) = if *ok {
        ("✓ test: ", theme.ok())
    } else {
        ("✗ test: ", theme.error())
    };
    wrap(&format!("{mark}{}", for_terminal(msg)), width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// The form's last test; without one, the entry's last result in the list (`T`), marked when
/// the endpoint or key changed since.
fn entry_test_lines(app: &App, form: &Form, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    if form.test.is_some() || app.wizard().is_some() {
        return test_lines(form, width, theme);
    }
    let Some(m) = app
        .selected
        .as_ref()
        .and_then(|id| crate::tui::health::mark(app, id))
    else {
        return vec![];
    };
    let (mark, style) = match m.health {
        crate::conntest::all::Health::Ok => ("✓ test: ", theme.ok()),
        crate::conntest::all::Health::Failed => ("✗ test: ", theme.error()),
        crate::conntest::all::Health::Skipped => ("– test: ", theme.dim()),
    };
    let (stale, style) = if m.stale {
        (s::TEST_STALE, theme.dim())
    } else {
        ("", style)
    };
    wrap(&format!("{mark}{stale}{}", for_terminal(m.message)), width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// Where the value comes from, as the draft says (`file` only in the read-only view).
fn value_source(form: &Form, draft: &crate::draft::Draft, row: &Row, readonly: bool) -> String {
    let Some(path) = form
        .path_of(*row)
        .filter(|_| matches!(row, Row::Field(_) | Row::Kv(_)))
    else {
        return String::new();
    };
    match draft.source(&path) {
        Some(crate::draft::ValueSource::File) if !readonly => String::new(),
        Some(src) => src.to_string(),
        None => String::new(),
    }
}

fn row_label_len(form: &Form, row: &Row) -> usize {
    match row {
        Row::Name => 4,
        Row::Field(i) => form.field_spec(*i).label.chars().count() + 1,
        Row::Kv(i) => form.kv[*i].key.chars().count() + 9,
        Row::AddConfig | Row::AddSecret => 12,
        Row::Advanced => s::ADVANCED_SHOW.chars().count(),
    }
}

fn editing_input(form: &Form) -> Option<&ratatui_textarea::TextArea<'static>> {
    match form.focused_row() {
        Row::Name => Some(&form.name),
        Row::Field(i) => Some(&form.fields[i].input),
        Row::Kv(i) => Some(&form.kv[i].input),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_every_character_of_a_long_url_and_fits_the_width() {
        let text = "Use the base https://contoso.openai.azure.com/openai/v1/ for the v1 API.";
        for width in 5..80 {
            let lines = wrap(text, width);
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{width}: {lines:?}"
            );
            let joined: String = lines.concat().split_whitespace().collect();
            let want: String = text.split_whitespace().collect();
            assert_eq!(joined, want, "{width}");
        }
    }
}
