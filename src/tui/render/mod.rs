//! Drawing: reads the state, never changes it.

mod azure_pick;
mod form;
mod list;
mod list_cols;
mod message;
mod popup;
mod theme;
mod type_picker;
mod wizard;

use super::app::{App, Focus, Level, MIN_SIZE, WIDE};
use super::strings as s;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
pub use theme::Theme;

pub fn draw(f: &mut Frame, app: &App, location: &str) {
    let area = f.area();
    let theme = Theme {
        color: !app.no_color,
    };
    f.render_widget(Clear, area);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = vec![
            Line::from(Span::styled(s::TOO_SMALL, theme.error())),
            Line::from(s::too_small(MIN_SIZE, (area.width, area.height))),
        ];
        let y = area.height.saturating_sub(2) / 2;
        let r = Rect {
            x: area.x,
            y: area.y + y,
            width: area.width,
            height: area.height.saturating_sub(y).min(2),
        };
        f.render_widget(Paragraph::new(text).centered().wrap(Wrap { trim: true }), r);
        return;
    }
    // A status longer than the width takes a second row instead of being cut (an error's
    // advice is at its end); longer still, it wraps and ends with "…".
    let status_rows = match (app.status_message(), app.pending) {
        (Some((_, t)), 0) if t.chars().count() + 3 > area.width as usize => 2,
        _ => 1,
    };
    let [top, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    title_bar(f, app, top, location, &theme);
    if let Some(e) = app.fatal() {
        let text = vec![
            Line::from(Span::styled(s::LOAD_FAILED, theme.error())),
            Line::from(""),
            Line::from(crate::sanitize::for_terminal(e)),
            Line::from(""),
            Line::from(s::LOAD_FAILED_ACTION),
        ];
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), body);
    } else if app.loading() {
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {}", s::LOADING), theme.dim())),
            body,
        );
    } else if let Some(w) = app.wizard() {
        wizard::draw(f, app, w, body, &theme);
    } else if area.width >= WIDE {
        let [l, r] = Layout::horizontal([
            Constraint::Length(list_width(app, area.width)),
            Constraint::Min(20),
        ])
        .areas(body);
        list::draw(f, app, l, &theme);
        form::draw(f, app, r, &theme);
    } else if app.focus() == Focus::List {
        list::draw(f, app, body, &theme);
    } else {
        form::draw(f, app, body, &theme);
    }
    status_line(f, app, status, &theme);
    key_bar(f, app, keys, &theme);
    if let Some(p) = &app.popup {
        popup::draw(f, app, p, area, &theme);
    }
}

fn title_bar(f: &mut Frame, app: &App, r: Rect, location: &str, theme: &Theme) {
    let mut spans = vec![Span::styled(format!(" {} ", s::APP), theme.title())];
    if app.readonly {
        spans.push(Span::styled(
            format!("[{}] ", s::READONLY_TAG),
            theme.warn().add_modifier(ratatui::style::Modifier::BOLD),
        ));
    }
    let n = app.stored.len();
    spans.push(Span::styled(
        format!(
            "{n} connection{} · {location}",
            if n == 1 { "" } else { "s" }
        ),
        theme.dim(),
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

fn status_line(f: &mut Frame, app: &App, r: Rect, theme: &Theme) {
    let line = if let Some((done, total)) = app.health.progress {
        // `T`: its progress, over the "working" of the run itself.
        Line::from(Span::styled(
            format!(" {}", s::testing_all(done, total)),
            theme.warn(),
        ))
    } else if app.pending > 0 {
        Line::from(Span::styled(format!(" {}", s::WORKING), theme.warn()))
    } else if let Some((level, text)) = app.status_message() {
        let style = if level == Level::Error {
            theme.error()
        } else {
            theme.ok()
        };
        let mark = if level == Level::Error { "! " } else { "" };
        let text = format!(" {mark}{}", crate::sanitize::for_terminal(&text));
        let shown: Vec<Line> = fit_status(&text, r.width as usize, r.height as usize)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style)))
            .collect();
        f.render_widget(Paragraph::new(shown), r);
        return;
    } else if app.filter_typing() || !app.filter.is_empty() {
        let cursor = if app.filter_typing() { "▏" } else { "" };
        Line::from(vec![
            Span::styled(format!(" {}", s::FILTER_PROMPT), theme.key()),
            Span::raw(format!(
                "{}{cursor}  ",
                crate::sanitize::for_terminal(&app.filter)
            )),
            Span::styled(
                s::matching(
                    app.entries().len(),
                    &crate::sanitize::for_terminal(&app.filter),
                ),
                theme.dim(),
            ),
        ])
    } else {
        Line::default()
    };
    f.render_widget(Paragraph::new(line), r);
}

/// `text` wrapped into `rows` rows of `width`; cut, the last row ends with `…` and the key
/// that shows it whole.
fn fit_status(text: &str, width: usize, rows: usize) -> Vec<String> {
    let mut lines = form::wrap(text, width);
    if lines.len() <= rows {
        return lines;
    }
    lines.truncate(rows);
    let more = s::status_cut();
    if let Some(last) = lines.last_mut() {
        let keep = width.saturating_sub(more.chars().count() + 1);
        while last.chars().count() > keep {
            last.pop();
        }
        last.push('…');
        last.push_str(&more);
    }
    lines
}

/// The status message does not fit its two rows (`^L` shows it whole).
pub fn status_is_cut(app: &App) -> bool {
    let Some((_, text)) = app.status_message() else {
        return false;
    };
    let width = app.size.0 as usize;
    // As drawn: a leading space and the error mark.
    form::wrap(
        &format!(" ! {}", crate::sanitize::for_terminal(&text)),
        width,
    )
    .len()
        > 2
}

fn key_bar(f: &mut Frame, app: &App, r: Rect, theme: &Theme) {
    // Built from the keymap for the current mode: it cannot disagree with the bindings. A
    // command that does nothing where the user is (reveal off a secret) is left out, and the
    // help key is kept when the rest does not fit: it lists everything.
    let mut pairs = super::bar::hints_for(app);
    let help = pairs
        .iter()
        .position(|(_, h)| *h == s::HELP_HINT)
        .map(|i| pairs.remove(i));
    let cost = |(k, h): &(String, &str)| k.chars().count() + h.chars().count() + 3;
    let room = (r.width as usize).saturating_sub(help.as_ref().map_or(0, cost));
    let mut spans = Vec::new();
    let mut width = 0usize;
    for pair in pairs.iter().chain(help.iter()) {
        let w = cost(pair);
        let is_help = help.as_ref().is_some_and(|h| h == pair);
        if !is_help && width + w > room {
            continue;
        }
        width += w;
        spans.push(Span::styled(format!(" {}", pair.0), theme.key()));
        spans.push(Span::raw(format!(" {} ", pair.1)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

/// The list pane fits its longest row, between 30 columns and 40% of the screen (from 160
/// columns all but 90: room for full endpoints, and the form still has 90).
fn list_width(app: &App, total: u16) -> u16 {
    // From the records directly: this runs every frame, over every connection. The endpoint's
    // length bounds its host's (no URL parse per connection per frame); the key's source is
    // counted as a backend's name.
    let stored = app
        .stored
        .iter()
        .map(|c| c.name.chars().count() + c.type_id().len() + c.endpoint_ref().map_or(0, str::len));
    let drafts = app
        .drafts
        .iter()
        .map(|(id, f)| app.entry_name(id).chars().count() + f.spec.id.len());
    // Borders, `>`, `*`, the gaps, the key (8), the test column (4) and ⚠.
    let longest = stored.chain(drafts).max().unwrap_or(23) + 23;
    let most = if total >= 160 {
        total - 90
    } else {
        total * 2 / 5
    };
    (longest as u16).clamp(30, most.max(30))
}

/// A rectangle of `w`x`h` centred in `r` (clamped to it).
pub fn centered(r: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(r.width);
    let h = h.min(r.height);
    Rect {
        x: r.x + (r.width - w) / 2,
        y: r.y + (r.height - h) / 2,
        width: w,
        height: h,
    }
}
