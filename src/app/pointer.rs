//! The mouse and scrolling.

use crossterm::event::{MouseButton, MouseEventKind};

use super::state::{App, Zone};
use crate::ui::layout;

pub(super) fn on_mouse(app: &mut App, m: crossterm::event::MouseEvent) {
    if app.overlay.is_some() {
        return;
    }
    let lay = layout::compute(app);
    let hit = lay.pane_at(m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(i) = hit.or_else(|| lay.tab_at(m.column, m.row)) {
                app.view.focus = i;
                app.view.zone = Zone::Panes;
            } else if layout::contains(lay.prompt, m.column, m.row) {
                app.view.zone = Zone::Prompt;
            }
        }
        MouseEventKind::ScrollUp => scroll(app, hit.unwrap_or(app.view.focus), |_, _| -3),
        MouseEventKind::ScrollDown => scroll(app, hit.unwrap_or(app.view.focus), |_, _| 3),
        _ => {}
    }
}

/// Moves pane `i`'s view by `delta(total_lines, page)` lines; reaching the end follows the tail.
pub(super) fn scroll(app: &mut App, i: usize, delta: impl Fn(usize, usize) -> isize) {
    let lay = layout::compute(app);
    let Some(rect) = lay.rect_of(i) else {
        return;
    };
    let inner = layout::pane_inner(rect);
    let Some(pane) = app.session.panes.get(i) else {
        return;
    };
    let total = pane
        .cache
        .borrow_mut()
        .view(
            pane,
            inner.width as usize,
            &app.view.theme,
            app.view.expand_thinking,
        )
        .total();
    let Some(pane) = app.session.panes.get_mut(i) else {
        return;
    };
    let page = (inner.height as usize).max(1);
    let max_top = total.saturating_sub(page);
    let top = pane.scroll.unwrap_or(max_top) as isize;
    let new_top =
        (top + delta(total, page.saturating_sub(1).max(1))).clamp(0, max_top as isize) as usize;
    pane.scroll = (new_top < max_top).then_some(new_top);
}
