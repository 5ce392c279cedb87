//! The box every overlay is drawn in, and where it goes on the screen.

use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use crate::theme::Theme;

pub fn boxed(title: &'static str, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.title_focused))
        .style(theme.overlay)
}

/// A rectangle of at most `w`×`h`, centred, leaving a margin where it can.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2)).max(area.width.min(10));
    let h = h.min(area.height.saturating_sub(2)).max(area.height.min(3));
    Rect::new(
        area.x + (area.width.saturating_sub(w)) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    )
}
