//! The connection list pane: a heading row and one row per connection, columns fitted to the
//! width (`list_cols.rs`).

use super::list_cols::{Fit, Place, RowText, Tone, cut_endpoint, fit, row_text};
use super::theme::Theme;
use crate::sanitize::for_terminal;
use crate::textfit::middle;
use crate::tui::app::{App, Focus};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{HighlightSpacing, List, ListItem, ListState, Paragraph, Wrap};

fn style(t: Tone, theme: &Theme) -> Style {
    match t {
        Tone::Plain => Style::new(),
        Tone::Dim => theme.dim(),
        Tone::Ok => theme.ok(),
        Tone::Warn => theme.warn(),
        Tone::Error => theme.error(),
    }
}

fn title(app: &App, entries: usize) -> String {
    // Where the selection is, k9s-style: "3/30".
    let pos = app
        .selected_index()
        .map(|i| format!(" {}/{}", i + 1, entries))
        .unwrap_or_default();
    if app.filter.is_empty() {
        format!(" {}{pos} ", s::LIST_TITLE)
    } else {
        format!(
            " {}{pos} ({}) ",
            s::LIST_TITLE,
            s::matching(entries, &for_terminal(&app.filter))
        )
    }
}

pub fn draw(f: &mut Frame, app: &App, r: Rect, theme: &Theme) {
    let focused = app.focus() == Focus::List && app.popup.is_none();
    let entries = app.entries();
    let block = super::theme::pane(title(app, entries.len()), focused, theme);
    if app.stored.is_empty() && entries.is_empty() {
        let p = Paragraph::new(vec![
            Line::from(s::EMPTY_LIST),
            Line::from(""),
            Line::from(Span::styled(s::EMPTY_LIST_ACTION, theme.key())),
        ])
        .wrap(Wrap { trim: true })
        .block(block);
        f.render_widget(p, r);
        return;
    }
    let inner = block.inner(r);
    f.render_widget(block, r);
    // The `>` highlight column comes first.
    let inner_w = inner.width.saturating_sub(1) as usize;
    // A heading row, then only the rows that fit: the list may hold 10,000 connections.
    let height = inner.height.saturating_sub(1) as usize;
    let selected = app.selected_index();
    let offset = selected.map_or(0, |s| (s + 1).saturating_sub(height.max(1)));
    let rows: Vec<RowText> = entries
        .iter()
        .skip(offset)
        .take(height)
        .map(|id| row_text(app, id))
        .collect();
    let cols = fit(&rows, inner_w);
    let head = Rect { height: 1, ..inner };
    f.render_widget(
        Paragraph::new(Span::styled(heading(&cols), theme.dim())),
        head,
    );
    let body = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let items: Vec<ListItem> = rows
        .iter()
        .map(|row| ListItem::new(row_line(row, &cols, theme)))
        .collect();
    let list = List::new(items)
        .highlight_style(theme.selected())
        .highlight_symbol(">")
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = ListState::default().with_selected(selected.map(|s| s - offset));
    f.render_stateful_widget(list, body, &mut state);
    if focused && let Some(i) = selected {
        // Screen readers and braille displays follow the hardware cursor.
        let y = body.y + (i.saturating_sub(offset)) as u16;
        if y < body.y + body.height {
            f.set_cursor_position((body.x, y));
        }
    }
}

fn pad(text: &str, w: usize) -> String {
    format!("{:<w$}", middle(text, w))
}

/// The heading row, over the same columns as the rows.
fn heading(c: &Fit) -> String {
    let test = if c.test_w >= 4 {
        s::COL_TEST
    } else {
        s::COL_TEST_SHORT
    };
    let mut h = format!(
        "  {} {} {} {:<tw$} ",
        pad(s::COL_NAME, c.w[0]),
        pad(s::COL_TYPE, c.w[1]),
        pad(
            if c.key_words {
                s::COL_KEY
            } else {
                s::COL_KEY_SHORT
            },
            c.w[2]
        ),
        test,
        tw = c.test_w,
    );
    match c.place {
        Place::Endpoint => h.push_str(&format!(" {}", s::COL_ENDPOINT)),
        Place::Host => h.push_str(&format!(" {}", s::COL_HOST)),
        Place::Nothing => {}
    }
    h
}

fn row_line(row: &RowText, c: &Fit, theme: &Theme) -> Line<'static> {
    let key = if c.key_words && row.key_word.chars().count() <= c.w[2] {
        pad(&row.key_word, c.w[2])
    } else if c.key_words {
        pad(&row.key_short, c.w[2])
    } else {
        pad(row.key_mark, c.w[2])
    };
    let mut spans = vec![
        Span::styled(row.dirty, theme.warn()),
        Span::raw(pad(&row.name, c.w[0])),
        Span::raw(" "),
        Span::styled(pad(&row.type_id, c.w[1]), theme.dim()),
        Span::raw(" "),
        Span::styled(key, style(row.key_tone, theme)),
        Span::raw(" "),
        Span::styled(pad(&row.test, c.test_w), style(row.test_tone, theme)),
        Span::styled(if row.flagged { "⚠" } else { " " }, theme.warn()),
    ];
    let last = match c.place {
        Place::Endpoint => Some(cut_endpoint(&row.endpoint, row.endpoint_head, c.w[3])),
        Place::Host => Some(middle(&row.host, c.w[3])),
        Place::Nothing => None,
    };
    if let Some(text) = last {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(text, theme.dim()));
    }
    Line::from(spans)
}
