//! The mouse and scrolling, by what the last frame showed (`App::drawn`).

use crossterm::event::{MouseButton, MouseEventKind};

use super::state::{App, Zone};

pub(super) fn on_mouse(app: &mut App, m: crossterm::event::MouseEvent) {
    if app.overlay.is_some() {
        return;
    }
    // Indices as drawn; panes closed since then are found by their id, or not at all.
    let current = |app: &App, drawn: Option<usize>| {
        let id = app
            .view
            .drawn
            .panes
            .iter()
            .find(|p| Some(p.index) == drawn)?
            .id;
        app.pane_index(id)
    };
    let hit = current(app, app.view.drawn.pane_at(m.column, m.row));
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            let tab = app
                .view
                .drawn
                .tab_at(m.column, m.row)
                .filter(|i| *i < app.session.panes.len());
            if let Some(i) = hit.or(tab) {
                app.view.focus = i;
                app.view.zone = Zone::Panes;
            } else if app.view.drawn.in_prompt(m.column, m.row) {
                app.view.zone = Zone::Prompt;
            }
        }
        MouseEventKind::ScrollUp => scroll(app, hit.unwrap_or(app.view.focus), |_, _| -3),
        MouseEventKind::ScrollDown => scroll(app, hit.unwrap_or(app.view.focus), |_, _| 3),
        _ => {}
    }
}

/// Moves pane `i`'s view by `delta(total_lines, page)` lines; reaching the end follows the tail.
/// A pane the last frame did not show does not move.
pub(super) fn scroll(app: &mut App, i: usize, delta: impl Fn(usize, usize) -> isize) {
    let Some(pane) = app.session.panes.get(i) else {
        return;
    };
    let Some(&drawn) = app.view.drawn.pane(pane.id) else {
        return;
    };
    let (total, page) = (drawn.total, drawn.page.max(1));
    let id = pane.id;
    let max_top = total.saturating_sub(page);
    let top = app.view.transcripts.scroll(id).unwrap_or(max_top) as isize;
    let new_top =
        (top + delta(total, page.saturating_sub(1).max(1))).clamp(0, max_top as isize) as usize;
    app.view
        .transcripts
        .set_scroll(id, (new_top < max_top).then_some(new_top));
}
