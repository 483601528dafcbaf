//! Popups: confirmations ("No" preselected), the type picker, one-line inputs, help.

use super::centered;
use super::theme::Theme;
use crate::sanitize::for_terminal;
use crate::tui::app::{App, Confirm, Focus, InputFor, Popup};
use crate::tui::form::text_of;
use crate::tui::keymap::{BINDINGS, Ctx, key_label};
use crate::tui::screen::{Screen, Typing};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

/// The help's key column: two spaces and 16 for the keys.
const KEYS_W: usize = 18;

pub(super) fn frame(f: &mut Frame, r: Rect, title: &str, theme: &Theme) -> Rect {
    f.render_widget(Clear, r);
    let b = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme.title()))
        .border_style(theme.focused_border());
    let inner = b.inner(r);
    f.render_widget(b, r);
    inner
}

pub fn draw(f: &mut Frame, app: &App, p: &Popup, area: Rect, theme: &Theme) {
    match p {
        Popup::Confirm { what, yes } => draw_confirm(f, what, *yes, area, theme),
        Popup::Azure(p) => super::azure_pick::draw(f, app, p, area, theme),
        Popup::Message { scroll } => super::message::draw(f, app, *scroll, area, theme),
        Popup::PickDeployment { items, cursor, .. } => {
            draw_pick_deployment(f, items, *cursor, area, theme);
        }
        Popup::PickType { cursor, .. } => super::type_picker::draw(f, app, *cursor, area, theme),
        Popup::Input { for_, input, error } => {
            draw_input(f, for_, input, error.as_deref(), area, theme);
        }
        Popup::Help { scroll } => draw_help(f, app, *scroll, area, theme),
    }
}

/// A yes/no question, "No" preselected.
fn draw_confirm(f: &mut Frame, what: &Confirm, yes: bool, area: Rect, theme: &Theme) {
    let question = match what {
        Confirm::Delete(n) => s::confirm_delete(&for_terminal(n)),
        Confirm::Discard(_) => s::CONFIRM_DISCARD.into(),
        Confirm::Quit => s::CONFIRM_QUIT.into(),
        Confirm::LeaveSetup => s::CONFIRM_LEAVE_SETUP.into(),
        Confirm::SendKeyTo { host, .. } => s::confirm_send_key_to(&for_terminal(host)),
    };
    let r = centered(area, 60, 7);
    let inner = frame(f, r, s::CONFIRM_TITLE, theme);
    let button = |label: &str, on: bool| {
        let style = if on { theme.selected() } else { theme.key() };
        Span::styled(
            format!(
                " {}{label}{} ",
                if on { "[" } else { " " },
                if on { "]" } else { " " }
            ),
            style,
        )
    };
    let text = vec![
        Line::from(question),
        Line::from(""),
        Line::from(vec![
            button(s::NO, !yes),
            Span::raw("   "),
            button(s::YES, yes),
        ])
        .centered(),
    ];
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
}

fn draw_pick_deployment(
    f: &mut Frame,
    items: &[crate::conntest::deployments::Deployment],
    cursor: usize,
    area: Rect,
    theme: &Theme,
) {
    let h = (items.len() as u16 + 4).min(area.height);
    let r = centered(area, area.width.saturating_sub(4).min(90), h);
    let inner = frame(f, r, s::PICK_DEPLOYMENT_TITLE, theme);
    let width = items
        .iter()
        .map(|d| d.id.chars().count())
        .max()
        .unwrap_or(2);
    let mut lines = vec![
        Line::from(Span::styled(s::PICK_DEPLOYMENT_ADVICE, theme.dim())),
        Line::from(""),
    ];
    for (i, d) in items.iter().enumerate() {
        let on = i == cursor;
        let text = format!(
            "{} {:<width$}  {}  {}",
            if on { ">" } else { " " },
            for_terminal(&d.id),
            for_terminal(d.model.as_deref().unwrap_or("-")),
            for_terminal(d.status.as_deref().unwrap_or(""))
        );
        lines.push(Line::from(Span::styled(
            text,
            if on {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            },
        )));
    }
    let skip = cursor.saturating_sub(inner.height.saturating_sub(3) as usize);
    let mut shown: Vec<Line> = lines[..2].to_vec();
    shown.extend(lines.into_iter().skip(2 + skip));
    f.render_widget(Paragraph::new(shown), inner);
}

/// A one-line input (a passphrase masked), with its error under it.
fn draw_input(
    f: &mut Frame,
    for_: &InputFor,
    input: &TextArea<'static>,
    error: Option<&str>,
    area: Rect,
    theme: &Theme,
) {
    let title = match for_ {
        InputFor::Rename(_) => s::RENAME_TITLE,
        InputFor::AddKv { .. } => s::ADD_KEY_TITLE,
        InputFor::SecretSource { .. } => s::SECRET_SOURCE_TITLE,
        InputFor::VaultPassphrase { create: false, .. } => s::VAULT_UNLOCK_TITLE,
        InputFor::VaultPassphrase { first: None, .. } => s::VAULT_NEW_TITLE,
        InputFor::VaultPassphrase { .. } => s::VAULT_AGAIN_TITLE,
    };
    let masked = matches!(for_, InputFor::VaultPassphrase { .. });
    let r = centered(area, 50, 5);
    let inner = frame(f, r, title, theme);
    let line_r = Rect { height: 1, ..inner };
    f.render_widget(
        Paragraph::new(if masked {
            crate::tui::form::mask_of(&text_of(input), usize::MAX)
        } else {
            for_terminal(&text_of(input))
        }),
        line_r,
    );
    let col = crate::tui::form::cursor_col(input);
    f.set_cursor_position((
        inner.x + (col as u16).min(inner.width.saturating_sub(1)),
        inner.y,
    ));
    if let Some(e) = error {
        let er = Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!("! {e}"), theme.error())).wrap(Wrap { trim: true }),
            er,
        );
    }
}

/// Every binding of the keymap, by context, the one the help was opened from marked.
fn draw_help(f: &mut Frame, app: &App, scroll: u16, area: Rect, theme: &Theme) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(76),
        area.height.saturating_sub(2),
    );
    let inner = frame(f, r, s::HELP_TITLE, theme);
    let mut lines = Vec::new();
    // The help covers the screen it was opened from: that context is marked.
    let current = match &app.screen {
        Screen::Main {
            typing: Typing::Field,
            ..
        } => None,
        Screen::Main {
            focus: Focus::List, ..
        } => Some(Ctx::List),
        Screen::Main { .. } => Some(Ctx::Form),
        Screen::Loading | Screen::Fatal(_) | Screen::Wizard { .. } => None,
    };
    for ctx in Ctx::ALL {
        let title = ctx.title();
        let mark = if Some(ctx) == current { " (here)" } else { "" };
        lines.push(Line::from(Span::styled(
            format!("{title}{mark}"),
            theme.title(),
        )));
        for b in BINDINGS.iter().filter(|b| b.ctx == ctx) {
            let keys: Vec<String> = b.keys.iter().map(key_label).collect();
            let ro = if app.readonly && b.mutates {
                " (off: read-only)"
            } else {
                ""
            };
            // Wrapped under its own column: no row is cut at 80 columns.
            let keys = format!("  {:<16}", keys.join(" "));
            let text_w = (inner.width as usize).saturating_sub(KEYS_W).max(10);
            let mut text = super::form::wrap(&format!("{}{ro}", b.help), text_w);
            if keys.chars().count() > KEYS_W {
                lines.push(Line::from(Span::styled(keys, theme.key())));
                text.iter_mut()
                    .for_each(|t| t.insert_str(0, &" ".repeat(KEYS_W)));
                lines.extend(text.into_iter().map(Line::from));
                continue;
            }
            for (n, t) in text.into_iter().enumerate() {
                let lead = if n == 0 {
                    keys.clone()
                } else {
                    " ".repeat(KEYS_W)
                };
                lines.push(Line::from(vec![
                    Span::styled(lead, theme.key()),
                    Span::raw(t),
                ]));
            }
        }
    }
    scrolled(f, inner, lines, scroll, s::HELP_CLOSE, theme);
}

/// `lines` in `inner`, scrolled by `scroll` (bounded to the last page), with `close` (how to
/// leave) on the bottom row: the help and the whole status message read alike.
pub(super) fn scrolled(
    f: &mut Frame,
    inner: Rect,
    lines: Vec<Line>,
    scroll: u16,
    close: &str,
    theme: &Theme,
) {
    let body = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let max = (lines.len() as u16).saturating_sub(body.height);
    f.render_widget(Paragraph::new(lines).scroll((scroll.min(max), 0)), body);
    let foot = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: 1,
        ..inner
    };
    f.render_widget(
        Paragraph::new(Span::styled(close.to_string(), theme.dim())),
        foot,
    );
}
