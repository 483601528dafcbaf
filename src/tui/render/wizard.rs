//! The guided setup screens.

use super::form::hint_lines;
use super::theme::Theme;
use crate::catalogue::FieldKind;
use crate::model::Backend;
use crate::sanitize::for_terminal;
use crate::tui::app::App;
use crate::tui::form::{masked_tail, text_of};
use crate::tui::strings as s;
use crate::tui::wizard::{Step, Wizard, type_order};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn step_title(w: &Wizard) -> String {
    // The paste step is a way in, not a step of the setup: the count starts at the service.
    let steps: Vec<Step> = w
        .steps()
        .into_iter()
        .filter(|s| *s != Step::Paste)
        .collect();
    let i = steps.iter().position(|s| *s == w.step).unwrap_or(0) + 1;
    if w.step == Step::Type {
        return s::WIZARD_TYPE_TITLE.into();
    }
    if w.step == Step::Paste {
        return s::WIZARD_PASTE_TITLE.into();
    }
    let name = match w.step {
        Step::Paste => s::PASTE_LABEL,
        Step::Type => s::STEP_TYPE,
        Step::Name => s::STEP_NAME,
        Step::Endpoint => s::STEP_ENDPOINT,
        Step::Key => s::STEP_KEY,
        Step::Extras => s::STEP_EXTRAS,
        Step::Review => s::STEP_REVIEW,
    };
    format!(" New connection · step {i} of {} · {name} ", steps.len())
}

/// `text` with every key-like token masked.
fn mask_keys(text: &str) -> String {
    let mut out = text.to_string();
    for k in crate::endpoint::key_tokens(text) {
        out = out.replace(&k, crate::tui::form::MASK_AT_REST);
    }
    out
}

/// The rows `lines` take once wrapped at `width` (where the next line starts).
fn wrapped_rows(lines: &[Line], width: usize) -> u16 {
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(width.max(1)) as u16)
        .sum()
}

/// What every step's lines are drawn from.
#[derive(Clone, Copy)]
struct StepCtx<'a> {
    app: &'a App,
    w: &'a Wizard,
    inner: Rect,
    theme: &'a Theme,
}

/// Where the step's text cursor goes: x, y of the input and the column in it.
type Cursor = Option<(u16, u16, usize)>;

fn field_line(label: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label}: "), theme.key()),
        Span::raw(value),
    ])
}

pub fn draw(f: &mut Frame, app: &App, w: &Wizard, r: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(step_title(w), theme.focused_border()))
        .border_style(theme.focused_border());
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines: Vec<Line> = Vec::new();
    let c = StepCtx {
        app,
        w,
        inner,
        theme,
    };
    let step = match w.step {
        Step::Paste => paste_step,
        Step::Type => type_step,
        Step::Name => name_step,
        Step::Endpoint => endpoint_step,
        Step::Key => key_step,
        Step::Extras => extras_step,
        Step::Review => review_step,
    };
    let cursor = step(&c, &mut lines);
    if let Some(n) = &w.notice {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(n.clone(), theme.ok())));
    }
    if let Some(e) = &w.error {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(format!("! {e}"), theme.error())));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((x, y, col)) = cursor
        && y < inner.y + inner.height
    {
        f.set_cursor_position((
            (x + col as u16).min(inner.x + inner.width.saturating_sub(1)),
            y,
        ));
    }
}

/// The way in: paste what you have (a URL, a snippet, a key).
fn paste_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx {
        app,
        w,
        inner,
        theme,
        ..
    } = *c;
    let width = c.inner.width as usize;
    let field_line = |label: &str, value: String| field_line(label, value, theme);
    lines.push(Line::from(s::PASTE_INTRO));
    lines.push(Line::from(Span::styled(s::PASTE_PROMISE, theme.dim())));
    lines.push(Line::from(""));
    // Typed rather than pasted (no bracketed paste): a key in it is never echoed.
    let v = text_of(&w.paste);
    let shown = for_terminal(&mask_keys(&v));
    let label = format!("{}: ", s::PASTE_LABEL);
    let cursor = Some((
        inner.x + label.chars().count() as u16,
        inner.y + wrapped_rows(lines, width),
        shown.chars().count(),
    ));
    lines.push(field_line(s::PASTE_LABEL, shown));
    lines.push(Line::from(""));
    let skip = if app.az_available {
        s::PASTE_SKIP_AZ
    } else {
        s::PASTE_SKIP
    };
    lines.push(Line::from(Span::styled(skip, theme.dim())));
    cursor
}

fn type_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx {
        w, inner, theme, ..
    } = *c;
    let width = c.inner.width as usize;
    lines.push(Line::from(s::PICK_TYPE));
    lines.push(Line::from(Span::styled(
        crate::tui::strings::PICK_TYPE_ADVICE,
        theme.dim(),
    )));
    lines.push(Line::from(""));
    let avail = inner.height.saturating_sub(4) as usize;
    let skip = w.type_cursor.saturating_sub(avail.saturating_sub(1));
    for (i, t) in type_order().iter().enumerate().skip(skip).take(avail) {
        let on = i == w.type_cursor;
        lines.push(super::theme::type_row(t, on, width, theme));
    }
    // A row cut with `…` is read whole here, room permitting.
    if let Some(t) = type_order().get(w.type_cursor)
        && avail >= type_order().len() + 3
    {
        lines.push(Line::from(""));
        let whole = format!("{}: {}", t.label, t.summary);
        lines.push(Line::from(Span::styled(whole, theme.dim())));
    }
    None
}

fn name_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx {
        w, inner, theme, ..
    } = *c;
    let field_line = |label: &str, value: String| field_line(label, value, theme);
    let form = w.form()?;
    lines.push(Line::from(format!(
        "A short name for this {} connection (letters, digits, '_' or '-').",
        form.spec.label
    )));
    lines.push(Line::from(""));
    let v = for_terminal(&text_of(&form.name));
    let cursor = Some((
        inner.x + 6,
        inner.y + 2,
        text_of(&form.name).chars().count(),
    ));
    lines.push(field_line(s::NAME_LABEL, v));
    cursor
}

fn endpoint_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx {
        w, inner, theme, ..
    } = *c;
    let width = c.inner.width as usize;
    let field_line = |label: &str, value: String| field_line(label, value, theme);
    let form = w.form()?;
    let i = w.url_field()?;
    let spec = form.field_spec(i);
    lines.push(Line::from(s::paste_endpoint(&spec.label)));
    if let Some(ex) = &spec.example {
        lines.push(Line::from(Span::styled(format!("e.g. {ex}"), theme.dim())));
    }
    lines.push(Line::from(""));
    let v = text_of(&form.fields[i].input);
    let cursor = Some((
        inner.x + spec.label.chars().count() as u16 + 2,
        inner.y + lines.len() as u16,
        v.chars().count(),
    ));
    lines.push(field_line(&spec.label, for_terminal(&v)));
    lines.push(Line::from(""));
    if let Some((_, r)) = form.reading() {
        lines.extend(hint_lines(&r, width, theme, None));
        if let Some(b) = form.draft().blocker() {
            lines.push(Line::from(Span::styled(
                s::enter_stores(b.fix()),
                theme.key(),
            )));
        }
    }
    cursor
}

fn key_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx {
        app,
        w,
        inner,
        theme,
        ..
    } = *c;
    let width = c.inner.width as usize;
    let field_line = |label: &str, value: String| field_line(label, value, theme);
    let form = w.form()?;
    let i = w.key_field()?;
    if let Some(Err(why)) = &app.backend {
        lines.push(Line::from(Span::styled(
            format!("! {}: {}", s::BACKEND_DOWN, s::backend_down(why)),
            theme.error(),
        )));
        if app.secret_backend != Backend::Vault {
            lines.push(Line::from(Span::styled(
                crate::tui::strings::OFFER_VAULT,
                theme.key(),
            )));
        }
        lines.push(Line::from(s::GO_ON_UNSAVED));
        lines.push(Line::from(""));
    } else if app.backend.is_none() && app.secret_backend != Backend::Vault {
        // The vault is never probed (that would ask for its passphrase early).
        lines.push(Line::from(Span::styled(s::CHECKING_KEYCHAIN, theme.dim())));
    }
    // No promise of a keychain that was just found unusable.
    let keychain_down = matches!(app.backend, Some(Err(_)));
    lines.push(Line::from(if app.secret_backend == Backend::Vault {
        s::PASTE_KEY_VAULT
    } else if keychain_down {
        s::PASTE_KEY_NOWHERE
    } else {
        s::PASTE_KEY_KEYCHAIN
    }));
    lines.push(Line::from(""));
    let v = text_of(&form.fields[i].input);
    let shown = crate::tui::form::mask_of(&v, width.saturating_sub(10));
    let cursor = Some((
        inner.x + 9,
        inner.y + lines.len() as u16,
        shown.chars().count(),
    ));
    lines.push(field_line("API key", shown));
    cursor
}

fn extras_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx {
        w, inner, theme, ..
    } = *c;
    let mut cursor = None;
    let form = w.form()?;
    lines.push(Line::from(s::EXTRAS_INTRO));
    lines.push(Line::from(""));
    for (n, i) in w.extras().into_iter().enumerate() {
        let spec = form.field_spec(i);
        let v = text_of(&form.fields[i].input);
        let on = n == w.extras_focus;
        let shown = if spec.kind == FieldKind::Enum {
            format!("‹ {v} ›")
        } else {
            for_terminal(&v)
        };
        if on && spec.kind != FieldKind::Enum {
            cursor = Some((
                inner.x + spec.label.chars().count() as u16 + 4,
                inner.y + lines.len() as u16,
                v.chars().count(),
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} {}: ", if on { ">" } else { " " }, spec.label),
                if on { theme.selected() } else { theme.key() },
            ),
            Span::raw(shown),
        ]));
        if on {
            lines.push(Line::from(Span::styled(
                format!("    {}", spec.help),
                theme.dim(),
            )));
        }
    }
    cursor
}

fn review_step<'a>(c: &StepCtx<'a>, lines: &mut Vec<Line<'a>>) -> Cursor {
    let StepCtx { w, theme, .. } = *c;
    let width = c.inner.width as usize;
    let field_line = |label: &str, value: String| field_line(label, value, theme);
    let form = w.form()?;
    let (c, new) = form.to_connection();
    lines.push(field_line(s::TYPE_LABEL, form.spec.label.clone()));
    lines.push(field_line(s::NAME_LABEL, for_terminal(&c.name)));
    for (i, fld) in form.fields.iter().enumerate() {
        let spec = form.field_spec(i);
        if spec.advanced {
            continue;
        }
        let v = match &fld.secret {
            Some(_) => new
                .get(&fld.key)
                .map(|s| masked_tail(secrecy::ExposeSecret::expose_secret(s)))
                .unwrap_or_else(|| "(not set)".into()),
            None => for_terminal(&text_of(&fld.input)),
        };
        lines.push(field_line(&spec.label, v));
    }
    if let Some((_, r)) = form.reading() {
        lines.push(Line::from(""));
        lines.extend(hint_lines(&r, width, theme, None));
    }
    lines.extend(super::form::test_lines(form, width, theme));
    let errs = form.errors();
    if let Some(e) = errs.first() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("! {}", e.message),
            theme.error(),
        )));
    }
    lines.push(Line::from(""));
    let buttons = s::REVIEW_BUTTONS;
    let mut spans = Vec::new();
    for (b, c) in buttons.iter().zip(crate::tui::wizard::ReviewChoice::ALL) {
        let on = c == w.choice;
        spans.push(Span::styled(
            format!(
                " {}{b}{} ",
                if on { "[" } else { " " },
                if on { "]" } else { " " }
            ),
            if on { theme.selected() } else { theme.key() },
        ));
        spans.push(Span::raw("  "));
    }
    lines.push(Line::from(spans));
    lines.push(Line::from(Span::styled(
        "s save · e edit in the full form · t test the connection · Esc back",
        theme.dim(),
    )));
    None
}
