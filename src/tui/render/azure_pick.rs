//! The sign-in flow's popup: the current list (subscriptions, resources, deployments) with its
//! filter, and what the worker is doing or what went wrong under it. Reads the state only.

use super::centered;
use super::popup::frame;
use super::theme::Theme;
use crate::azure::lifecycle::Urgency;
use crate::sanitize::for_terminal;
use crate::tui::app::App;
use crate::tui::azure_pick::{AzurePick, Busy, Pick, Stage, whole_label};
use crate::tui::strings as s;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn heading(p: &AzurePick) -> String {
    match p.stage {
        Stage::Subscriptions => s::AZ_PICK_SUBSCRIPTION.into(),
        Stage::Accounts => s::az_accounts_in(p.subscription.as_deref().unwrap_or("")),
        Stage::Deployments => {
            s::az_deployments_of(p.account.as_ref().map_or("", |a| a.name.as_str()))
        }
    }
}

/// One row's text and its style (a retirement inside 60 days or past is a warning).
fn row(app: &App, p: &AzurePick, pick: Pick, theme: &Theme) -> (String, Style) {
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    match pick {
        Pick::Subscription(i) => {
            let x = &p.subscriptions[i];
            (format!("{:<32} {}", x.name, x.id), Style::new())
        }
        Pick::Account(i) => {
            let a = &p.accounts[i];
            let tag = if a.key_auth_disabled {
                format!("  ({})", s::AZ_KEYLESS_TAG)
            } else {
                String::new()
            };
            let text = format!("{:<28} {:<11} {}{tag}", a.name, a.kind, a.location);
            (text, Style::new())
        }
        Pick::Whole => {
            let label = p.account.as_ref().map_or("", whole_label);
            (label.to_string(), Style::new())
        }
        Pick::Project(i) => {
            let name = (p.account.as_ref())
                .and_then(|a| a.projects.get(i))
                .map_or("", |x| x.name.as_str());
            (format!("{name:<20} {}", s::AZ_PROJECT_TAG), Style::new())
        }
        Pick::Deployment(i) => {
            let Some(d) = p.account.as_ref().and_then(|a| a.deployments.get(i)) else {
                return (String::new(), Style::new());
            };
            let notice = (d.lifecycle.as_ref()).and_then(|l| l.notice(app.today));
            let style = match notice {
                Some((_, Urgency::Soon | Urgency::Past)) => theme.warn(),
                _ => Style::new(),
            };
            let text = format!(
                "{:<20} {:<22} {:<12} {}",
                d.name,
                dash(&d.model),
                dash(&d.version),
                notice.map(|(t, _)| t).unwrap_or_default()
            );
            (text, style)
        }
    }
}

/// What goes under the list: the worker's progress, else the error, else the note.
fn message(p: &AzurePick, theme: &Theme) -> Option<Line<'static>> {
    let busy = p.busy.map(|b| match b {
        Busy::SigningIn => s::AZ_SIGNING_IN,
        Busy::Listing => s::AZ_LISTING,
        Busy::Reading => s::AZ_READING,
        Busy::Connecting => s::AZ_CONNECTING,
    });
    // The note (the only subscription, used without asking) belongs to its resources list.
    let note = p.note.as_ref().filter(|_| p.stage == Stage::Accounts);
    match (busy, &p.error, note) {
        (Some(b), _, _) => Some(Line::from(Span::styled(b, theme.dim()))),
        (None, Some(e), _) => Some(Line::from(Span::styled(for_terminal(e), theme.error()))),
        (None, None, Some(n)) => Some(Line::from(Span::styled(for_terminal(n), theme.dim()))),
        (None, None, None) => None,
    }
}

pub fn draw(f: &mut Frame, app: &App, p: &AzurePick, area: Rect, theme: &Theme) {
    let rows = p.rows();
    let width = area.width.saturating_sub(4).min(100);
    let msg = message(p, theme);
    let msg_h = msg.as_ref().map_or(0, |l| {
        (l.width() as u16 / width.saturating_sub(2).max(1) + 1).min(4)
    });
    let h = (rows.len() as u16 + 5 + msg_h).clamp(8, area.height.saturating_sub(2).max(8));
    let r = centered(area, width, h);
    let inner = frame(f, r, s::AZ_TITLE, theme);
    let [top, list, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(msg_h),
    ])
    .areas(inner);
    let filter = if p.filtering || !p.filter.is_empty() {
        Line::from(vec![
            Span::styled(s::FILTER_PROMPT, theme.key()),
            Span::raw(for_terminal(&p.filter)),
        ])
    } else {
        Line::from("")
    };
    let head = Line::from(Span::styled(for_terminal(&heading(p)), theme.title()));
    f.render_widget(Paragraph::new(vec![head, filter]), top);
    let mut lines: Vec<Line> = Vec::new();
    if rows.is_empty() && p.busy.is_none() && !p.filter.is_empty() {
        lines.push(Line::from(Span::styled(s::AZ_NO_ROWS, theme.dim())));
    }
    let skip = p
        .cursor
        .saturating_sub(list.height.saturating_sub(1) as usize);
    for (i, pick) in rows.iter().enumerate().skip(skip) {
        let on = i == p.cursor && p.busy.is_none();
        let (text, style) = row(app, p, *pick, theme);
        let text = format!("{} {}", if on { ">" } else { " " }, for_terminal(&text));
        lines.push(Line::from(Span::styled(
            text,
            if on { theme.selected() } else { style },
        )));
    }
    f.render_widget(Paragraph::new(lines), list);
    if let Some(m) = msg {
        f.render_widget(Paragraph::new(m).wrap(Wrap { trim: true }), bottom);
    }
}
