//! The multi-line prompt editor.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

use crate::app::{App, Zone};
use crate::theme::Theme;

pub use crate::app::state::new_editor;

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let focused = app.view.zone == Zone::Prompt && app.overlay.is_none();
    const LONG: &str = " prompt · Enter send to all · Alt+Enter newline · Ctrl+S this pane · Tab pane · Esc panes · F1 help ";
    let title = if usize::from(area.width) >= LONG.chars().count() + 2 {
        LONG
    } else {
        " prompt · Enter send · F1 help "
    };
    let mut editor = app.view.prompt.clone();
    if app.view.presentation {
        editor.set_cursor_style(theme.cursor);
        let [mark, rest] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Length(2),
            ratatui::layout::Constraint::Fill(1),
        ])
        .areas(area);
        f.render_widget(ratatui::text::Span::styled("› ", theme.user), mark);
        f.render_widget(&editor, rest);
        return;
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(title)
        .title_style(theme.title(focused));
    if !app.session.attachments.is_empty() {
        let labels: Vec<String> = app.session.attachments.iter().map(|a| a.label()).collect();
        block = block.title_bottom(
            ratatui::text::Line::from(format!(" 📎 {} · Alt+X drops ", labels.join(", ")))
                .style(theme.title(focused)),
        );
    }
    editor.set_block(block);
    editor.set_placeholder_style(theme.dim);
    editor.set_cursor_style(if focused {
        theme.cursor
    } else {
        ratatui::style::Style::default()
    });
    f.render_widget(&editor, area);
}
