//! The connection list pane.

use super::theme::Theme;
use crate::model::KeyStatus;
use crate::sanitize::for_terminal;
use crate::textfit::middle;
use crate::tui::app::{App, EntryId, Focus};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

/// Key marker: ✓ set, ✗ missing, ⚠ an `env:` reference to an unset variable, · none needed
/// (Entra ID).
fn key_marker(app: &App, id: &EntryId) -> &'static str {
    match id {
        EntryId::Stored(n) => match app.stored_conn(n).map(|c| c.key_status()) {
            Some(KeyStatus::Set) => "✓",
            Some(KeyStatus::Missing) => "✗",
            Some(KeyStatus::EnvUnset) => "⚠",
            _ => "·",
        },
        EntryId::New(_) => " ",
    }
}

pub fn draw(f: &mut Frame, app: &App, r: Rect, theme: &Theme) {
    let focused = app.focus() == Focus::List && app.popup.is_none();
    let entries = app.entries();
    // Where the selection is, k9s-style: "3/30".
    let pos = app
        .selected_index()
        .map(|i| format!(" {}/{}", i + 1, entries.len()))
        .unwrap_or_default();
    let title = if app.filter.is_empty() {
        format!(" {}{pos} ", s::LIST_TITLE)
    } else {
        format!(
            " {}{pos} ({}) ",
            s::LIST_TITLE,
            s::matching(entries.len(), &for_terminal(&app.filter))
        )
    };
    let block = super::theme::pane(title, focused, theme);
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
    // Borders and the `>` highlight column.
    let inner_w = r.width.saturating_sub(3) as usize;
    // Only the rows that fit are built: the list may hold 10,000 connections.
    let height = r.height.saturating_sub(2) as usize;
    let selected = app.selected_index();
    let offset = selected.map_or(0, |s| (s + 1).saturating_sub(height.max(1)));
    let rows: Vec<RowText> = entries
        .iter()
        .skip(offset)
        .take(height)
        .map(|id| row_text(app, id))
        .collect();
    let w = column_widths(&rows, inner_w);
    let items: Vec<ListItem> = rows
        .into_iter()
        .map(|row| {
            let mut spans = vec![
                Span::styled(row.dirty, theme.warn()),
                Span::raw(format!("{:<w$}", middle(&row.name, w[0]), w = w[0])),
                Span::raw(" "),
                Span::styled(
                    format!("{:<w$}", middle(&row.type_id, w[1]), w = w[1]),
                    theme.dim(),
                ),
                Span::raw(" "),
                Span::styled(
                    row.key,
                    if row.key == "✗" {
                        theme.error()
                    } else {
                        theme.ok()
                    },
                ),
                Span::styled(if row.flagged { "⚠" } else { " " }, theme.warn()),
            ];
            if w[2] > 0 {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(middle(&row.host, w[2]), theme.dim()));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected())
        .highlight_symbol(">");
    let mut state = ListState::default().with_selected(selected.map(|s| s - offset));
    f.render_stateful_widget(list, r, &mut state);
    if focused {
        // Screen readers and braille displays follow the hardware cursor.
        if let Some(i) = app.selected_index() {
            let y = r.y + 1 + (i.saturating_sub(offset)) as u16;
            if y < r.y + r.height.saturating_sub(1) {
                f.set_cursor_position((r.x + 1, y));
            }
        }
    }
}

/// One list row's texts, before fitting.
struct RowText {
    dirty: &'static str,
    name: String,
    type_id: String,
    key: &'static str,
    /// A field is invalid, or the endpoint reading warns.
    flagged: bool,
    /// The endpoint's host (what the connection points at).
    host: String,
}

fn row_text(app: &App, id: &EntryId) -> RowText {
    let (endpoint, flagged) = match (app.draft(id), id) {
        (Some(f), _) => {
            let ep = f
                .reading()
                .map(|(i, _)| crate::tui::form::text_of(&f.fields[i].input));
            let warns = f.reading().is_some_and(|(_, r)| r.warns());
            (ep, warns || !f.errors().is_empty())
        }
        (None, EntryId::Stored(n)) => match app.stored_conn(n) {
            Some(c) => {
                let ep = c.endpoint_ref().map(str::to_string);
                let warns = ep.as_deref().is_some_and(|e| {
                    !e.is_empty() && crate::endpoint::classify_for_type(e, c.type_id()).warns()
                });
                (ep, warns || !c.validate().is_empty())
            }
            None => (None, false),
        },
        (None, EntryId::New(_)) => (None, false),
    };
    let host = endpoint
        .as_deref()
        .map(|e| match url::Url::parse(e) {
            Ok(u) => u.host_str().map_or_else(|| e.to_string(), str::to_string),
            Err(_) => e.to_string(),
        })
        .unwrap_or_default();
    RowText {
        dirty: if app.is_dirty(id) { "*" } else { " " },
        name: for_terminal(&app.entry_name(id)),
        type_id: app.entry_type(id),
        key: key_marker(app, id),
        flagged,
        host: for_terminal(&host),
    }
}

/// Widths of the name, type and host columns in `inner_w` (dirty, key and ⚠ marks take one
/// column each). The host column goes first when there is no room for 8 of its characters.
fn column_widths(rows: &[RowText], inner_w: usize) -> [usize; 3] {
    let max = |f: &dyn Fn(&RowText) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let name = max(&|r| r.name.chars().count()).max(4);
    let ty = max(&|r| r.type_id.chars().count());
    let host = max(&|r| r.host.chars().count());
    // dirty + name + ' ' + type + ' ' + key + ⚠ [+ ' ' + host]
    let fixed = 1 + 1 + 1 + 2;
    let with_host = crate::textfit::widths(
        &[name, ty, host],
        &[8.min(name), 6.min(ty), 8.min(host)],
        inner_w.saturating_sub(fixed + 1),
        0,
    );
    let fits = |w: &[usize]| w.iter().sum::<usize>() + fixed < inner_w;
    if host > 0 && fits(&with_host) {
        return [with_host[0], with_host[1], with_host[2]];
    }
    let w = crate::textfit::widths(
        &[name, ty],
        &[4.min(name), 6.min(ty)],
        inner_w.saturating_sub(fixed),
        0,
    );
    [w[0], w[1], 0]
}
