//! Styles. Focus, selection and errors never rely on colour alone (reverse, bold, symbols),
//! and only the 16 ANSI colours are used; NO_COLOR drops colour entirely.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn focused_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self) -> Style {
        Style::new()
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn key(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// A bordered pane whose title and border show whether it has the focus.
pub fn pane(title: String, focused: bool, theme: &Theme) -> ratatui::widgets::Block<'static> {
    let style = if focused {
        theme.focused_border()
    } else {
        theme.title()
    };
    ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .title(ratatui::text::Span::styled(title, style))
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        })
}

/// One row of the connection-type picker (the `n` popup and the guided setup's first step).
pub fn type_row(
    t: &crate::catalogue::TypeSpec,
    on: bool,
    width: usize,
    theme: &Theme,
) -> ratatui::text::Line<'static> {
    let full = format!(
        "{} {:<24} {}",
        if on { ">" } else { " " },
        t.label,
        t.summary
    );
    // Cut visibly: the picker shows the highlighted type's whole sentence below the list.
    let text: String = if full.chars().count() > width {
        let mut t: String = full.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        full
    };
    ratatui::text::Line::from(ratatui::text::Span::styled(
        text,
        if on { theme.selected() } else { Style::new() },
    ))
}
