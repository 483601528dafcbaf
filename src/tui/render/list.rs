//! The connection list pane.

use super::theme::Theme;
use crate::model::KeyStatus;
use crate::sanitize::for_terminal;
use crate::tui::app::{App, EntryId, Focus};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

/// Key marker: ✓ set, ✗ missing, · none needed (Entra ID).
fn key_marker(app: &App, id: &EntryId) -> &'static str {
    match id {
        EntryId::Stored(n) => match app.stored_conn(n).map(|c| c.key_status()) {
            Some(KeyStatus::Set) => "✓",
            Some(KeyStatus::Missing) => "✗",
            _ => "·",
        },
        EntryId::New(_) => " ",
    }
}

pub fn draw(f: &mut Frame, app: &App, r: Rect, theme: &Theme) {
    let focused = app.focus == Focus::List && app.popup.is_none();
    let title = if app.filter.is_empty() {
        format!(" {} ", s::LIST_TITLE)
    } else {
        format!(
            " {} ({}) ",
            s::LIST_TITLE,
            s::matching(app.entries().len(), &for_terminal(&app.filter))
        )
    };
    let block = super::theme::pane(title, focused, theme);
    let entries = app.entries();
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
    let inner_w = r.width.saturating_sub(2) as usize;
    // Only the rows that fit are built: the list may hold 10,000 connections.
    let height = r.height.saturating_sub(2) as usize;
    let selected = app.selected_index();
    let offset = selected.map_or(0, |s| (s + 1).saturating_sub(height.max(1)));
    let items: Vec<ListItem> = entries
        .iter()
        .skip(offset)
        .take(height)
        .map(|id| {
            let dirty = if app.is_dirty(id) { "*" } else { " " };
            let name = for_terminal(&app.entry_name(id));
            let type_id = app.entry_type(id);
            let marker = key_marker(app, id);
            // name column shrinks first; type and markers stay visible
            let fixed = 2 + 1 + type_id.chars().count() + 2;
            let name_w = inner_w.saturating_sub(fixed).max(4);
            let shown: String = if name.chars().count() > name_w {
                name.chars()
                    .take(name_w.saturating_sub(1))
                    .collect::<String>()
                    + "…"
            } else {
                format!("{name:<name_w$}")
            };
            ListItem::new(Line::from(vec![
                Span::styled(dirty, theme.warn()),
                Span::raw(shown),
                Span::raw(" "),
                Span::styled(type_id, theme.dim()),
                Span::raw(" "),
                Span::styled(
                    marker,
                    if marker == "✗" {
                        theme.error()
                    } else {
                        theme.ok()
                    },
                ),
            ]))
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
