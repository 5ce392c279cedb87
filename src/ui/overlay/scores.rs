//! The word diff of two answers.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::keymap::Mode;
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

pub(super) fn diff(
    app: &App,
    (left, right): (usize, usize),
    words: &crate::render::diff::WordDiff,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let name = |i: usize| {
        let model = app.session.panes.get(i).map_or("?", |p| p.model.as_str());
        if app.hidden() {
            crate::ui::layout::blind_name(app.slot_of(i))
        } else {
            format!("{} {model}", app.slot_of(i) + 1)
        }
    };
    let (lines, removed, added) = (&words.lines, words.removed, words.added);
    let block = boxed(" diff ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let head = Line::from(vec![
        Span::styled(name(left), theme.title_focused),
        Span::styled(" → ", theme.dim),
        Span::styled(name(right), theme.title_focused),
        Span::styled(
            format!(
                "   −{removed} words  +{added} words   {}/{} another pane · any other key closes",
                app.config.keys.label(Mode::Diff, "prev"),
                app.config.keys.label(Mode::Diff, "next")
            ),
            theme.dim,
        ),
    ]);
    let width = usize::from(inner.width.max(1));
    let mut out = vec![head];
    for l in lines {
        out.extend(crate::render::line::wrap(l, width, theme.marker));
    }
    let visible: Vec<Line> = out.into_iter().take(usize::from(inner.height)).collect();
    f.render_widget(Paragraph::new(visible), inner);
}
