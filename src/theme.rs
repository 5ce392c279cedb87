//! Semantic styles. Drawing code asks for a role, never for a colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Debug)]
pub struct Theme {
    pub border_focused: Style,
    pub border: Style,
    pub title_focused: Style,
    pub title: Style,
    pub served: Style,
    pub simulated: Style,
    pub stats: Style,
    pub dim: Style,
    pub user: Style,
    pub answer: Style,
    pub code: Style,
    pub reasoning: Style,
    pub error: Style,
    pub notice: Style,
    pub header: Style,
    pub header_accent: Style,
    pub key: Style,
    pub cursor: Style,
    pub tab_active: Style,
    pub overlay: Style,
    pub gauge_ok: Style,
    pub gauge_warn: Style,
    pub gauge_high: Style,
    pub gauge_over: Style,
    pub selection: Style,
    pub tag: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}

impl Theme {
    pub fn dark() -> Self {
        Self {
            border_focused: Style::default().fg(Color::Cyan),
            border: Style::default().fg(Color::DarkGray),
            title_focused: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            title: Style::default().fg(Color::Gray),
            served: Style::default().fg(Color::Green),
            simulated: Style::default().fg(Color::Magenta),
            stats: Style::default().fg(Color::Gray),
            dim: Style::default().fg(Color::DarkGray),
            user: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            answer: Style::default(),
            code: Style::default().fg(Color::LightBlue),
            reasoning: Style::default()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            error: Style::default().fg(Color::Red),
            notice: Style::default().fg(Color::Yellow),
            header: Style::default().add_modifier(Modifier::BOLD),
            header_accent: Style::default().fg(Color::Magenta),
            key: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            cursor: Style::default().add_modifier(Modifier::REVERSED),
            tab_active: Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            overlay: Style::default(),
            gauge_ok: Style::default().fg(Color::Green),
            gauge_warn: Style::default().fg(Color::Yellow),
            gauge_high: Style::default().fg(Color::LightRed),
            gauge_over: Style::default()
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            selection: Style::default()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD),
            tag: Style::default().fg(Color::Magenta),
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.border_focused
        } else {
            self.border
        }
    }

    pub fn gauge(&self, level: crate::cost::budget::Level) -> Style {
        use crate::cost::budget::Level;
        match level {
            Level::Ok => self.gauge_ok,
            Level::Warn => self.gauge_warn,
            Level::High => self.gauge_high,
            Level::Over => self.gauge_over,
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.title_focused
        } else {
            self.title
        }
    }
}
