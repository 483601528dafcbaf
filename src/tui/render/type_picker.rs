//! The type picker of `n`: the advice (wrapped), the types one per row (cut with `…` when
//! narrow), and the highlighted type's whole sentence under the list, so nothing is lost at
//! 80 columns.

use super::centered;
use super::theme::Theme;
use crate::tui::app::App;
use crate::tui::strings as s;
use crate::tui::wizard::type_order;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(f: &mut Frame, app: &App, cursor: usize, area: Rect, theme: &Theme) {
    let types = type_order();
    let w = area.width.saturating_sub(4).min(90);
    let inner_w = w.saturating_sub(2) as usize;
    let dim = |t: &str| -> Vec<Line<'static>> {
        super::form::wrap(t, inner_w)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.dim())))
            .collect()
    };
    let mut head = dim(s::PICK_TYPE_ADVICE);
    head.push(if app.az_available {
        Line::from(Span::styled(s::AZ_OFFER, theme.key()))
    } else {
        Line::from("")
    });
    let mut foot = vec![Line::from("")];
    if let Some(t) = types.get(cursor) {
        foot.extend(dim(&format!("{}: {}", t.label, t.summary)));
    }
    let want = head.len() + types.len() + foot.len() + 2;
    let h = (want as u16).min(area.height);
    let inner = super::popup::frame(f, centered(area, w, h), s::PICK_TYPE_TITLE, theme);
    // The rows that fit between the advice and the sentence, scrolled to keep the cursor.
    let room = (inner.height as usize)
        .saturating_sub(head.len() + foot.len())
        .max(1);
    let skip = (cursor + 1).saturating_sub(room);
    let mut lines = head;
    for (i, t) in types.iter().enumerate().skip(skip).take(room) {
        lines.push(super::theme::type_row(t, i == cursor, inner_w, theme));
    }
    lines.extend(foot);
    f.render_widget(Paragraph::new(lines), inner);
}
