//! The multi-line prompt editor.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

use crate::app::{App, Zone};
use crate::keymap::Mode;
use crate::theme::Theme;

pub use crate::app::state::new_editor;

pub fn draw(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let focused = app.view.zone == Zone::Prompt && app.overlay.is_none();
    let keys = &app.config.keys;
    let key = |action: &str| keys.label(Mode::Prompt, action);
    let long = format!(
        " prompt · {} send to all · {} newline · {} this pane · {} pane · {} panes · {} help ",
        key("send"),
        key("newline"),
        key("send_focused"),
        key("next_pane"),
        key("switch"),
        key("help")
    );
    let title = if usize::from(area.width) >= long.chars().count() + 2 {
        long
    } else {
        format!(" prompt · {} send · {} help ", key("send"), key("help"))
    };
    let mut editor = app.view.prompt.clone();
    editor.set_placeholder_text(format!(
        "Ask every model something…  ({} or {} for help)",
        key("help"),
        keys.own(Mode::Prompt, "help")
    ));
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
            ratatui::text::Line::from(format!(
                " 📎 {} · {} drops ",
                labels.join(", "),
                key("drop_images")
            ))
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
