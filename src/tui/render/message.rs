//! `^L`: the status message in full, wrapped, in a popup (the status line holds two rows).

use super::centered;
use super::theme::Theme;
use crate::tui::app::{App, Level};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(f: &mut Frame, app: &App, scroll: u16, area: Rect, theme: &Theme) {
    let Some((level, text)) = app.status_message() else {
        return;
    };
    let w = area.width.saturating_sub(4).min(90);
    let inner_w = w.saturating_sub(2) as usize;
    let lines = super::form::wrap(&crate::sanitize::for_terminal(&text), inner_w);
    let h = (lines.len() as u16 + 3).min(area.height);
    let inner = super::popup::frame(f, centered(area, w, h), s::MESSAGE_TITLE, theme);
    let style = if level == Level::Error {
        theme.error()
    } else {
        theme.ok()
    };
    let shown: Vec<Line> = lines
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect();
    super::popup::scrolled(f, inner, shown, scroll, &s::message_close(), theme);
}
