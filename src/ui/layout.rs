//! Where everything goes, as a pure function of state. Drawing and mouse hit-testing share it.

use ratatui::layout::Rect;

use crate::app::App;

/// Narrower terminals get tabs.
pub const TABS_BELOW_WIDTH: u16 = 100;
/// Panes narrower than this are unreadable side by side.
pub const MIN_PANE_WIDTH: u16 = 30;
pub const MIN_PANE_HEIGHT: u16 = 6;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub header: Rect,
    /// Pane index and its rectangle, for the panes on screen.
    pub panes: Vec<(usize, Rect)>,
    /// With tabs: the bar, and each tab's label rectangle.
    pub tabs: Option<(Rect, Vec<(usize, Rect)>)>,
    pub prompt: Rect,
    pub status: Rect,
}

impl Layout {
    pub fn pane_at(&self, x: u16, y: u16) -> Option<usize> {
        self.panes
            .iter()
            .find(|(_, r)| contains(*r, x, y))
            .map(|(i, _)| *i)
    }

    pub fn tab_at(&self, x: u16, y: u16) -> Option<usize> {
        let (_, tabs) = self.tabs.as_ref()?;
        tabs.iter()
            .find(|(_, r)| contains(*r, x, y))
            .map(|(i, _)| *i)
    }

    pub fn rect_of(&self, pane: usize) -> Option<Rect> {
        self.panes.iter().find(|(i, _)| *i == pane).map(|(_, r)| *r)
    }
}

pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}

/// The text area inside a pane's border.
pub fn pane_inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// The layout for the terminal size the app last heard of (for mouse hits).
pub fn compute(app: &App) -> Layout {
    compute_in(app, app.view.size)
}

/// The layout for a screen of `(w, h)`. Drawing passes the frame's own size, which can be
/// ahead of the last resize event while the terminal is being resized.
pub fn compute_in(app: &App, (w, h): (u16, u16)) -> Layout {
    let (header, status, prompt, body) = if app.view.presentation {
        // Panes and one slim prompt line, with a margin all round.
        let prompt = Rect::new(2.min(w), h.saturating_sub(2), w.saturating_sub(4), 1.min(h));
        let body = Rect::new(2.min(w), 1.min(h), w.saturating_sub(4), h.saturating_sub(4));
        (Rect::new(0, 0, w, 0), Rect::new(0, h, w, 0), prompt, body)
    } else {
        let prompt_lines = app.view.prompt.lines().len() as u16;
        let prompt_h = (prompt_lines + 2).clamp(3, (h / 3).max(3));
        let header = Rect::new(0, 0, w, 1.min(h));
        let status = Rect::new(0, h.saturating_sub(1), w, 1.min(h));
        let prompt = Rect::new(
            0,
            h.saturating_sub(1 + prompt_h),
            w,
            prompt_h.min(h.saturating_sub(2)),
        );
        let body_top = 1.min(h);
        let body = Rect::new(0, body_top, w, prompt.y.saturating_sub(body_top));
        (header, status, prompt, body)
    };
    let n = app.session.panes.len();
    let mut lay = Layout {
        header,
        prompt,
        status,
        ..Layout::default()
    };
    if n == 0 || body.height == 0 {
        return lay;
    }
    let focus = app.view.focus.min(n - 1);
    if app.view.zoomed || n == 1 {
        lay.panes = vec![(focus, body)];
        return lay;
    }
    match grid(body, n) {
        Some(rects) => {
            lay.panes = rects
                .into_iter()
                .enumerate()
                .map(|(slot, r)| (app.pane_in_slot(slot), r))
                .collect();
        }
        None => {
            let bar = Rect::new(body.x, body.y, body.width, 1);
            let pane = Rect::new(
                body.x,
                body.y + 1,
                body.width,
                body.height.saturating_sub(1),
            );
            lay.tabs = Some((bar, tab_rects(app, bar)));
            lay.panes = vec![(focus, pane)];
        }
    }
    lay
}

/// Columns when they fit, then a grid with as few rows as possible; `None` means tabs.
fn grid(body: Rect, n: usize) -> Option<Vec<Rect>> {
    if body.width < TABS_BELOW_WIDTH {
        return None;
    }
    let n16 = u16::try_from(n).ok()?;
    for rows in 1..=n16 {
        let cols = n16.div_ceil(rows);
        if body.width / cols < MIN_PANE_WIDTH || body.height / rows < MIN_PANE_HEIGHT {
            continue;
        }
        let mut rects = Vec::with_capacity(n);
        let mut left = n16;
        for r in 0..rows {
            let in_row = cols.min(left);
            left -= in_row;
            let y = body.y + body.height * r / rows;
            let y_end = body.y + body.height * (r + 1) / rows;
            for c in 0..in_row {
                // A short last row stretches across the full width.
                let x = body.x + body.width * c / in_row;
                let x_end = body.x + body.width * (c + 1) / in_row;
                rects.push(Rect::new(x, y, x_end - x, y_end - y));
            }
        }
        return Some(rects);
    }
    None
}

/// What a pane is called while judging is blind.
pub fn blind_name(slot: usize) -> String {
    let letter = char::from(b'A' + u8::try_from(slot % 26).unwrap_or(0));
    format!("Model {letter}")
}

fn tab_rects(app: &App, bar: Rect) -> Vec<(usize, Rect)> {
    let mut x = bar.x;
    let mut out = Vec::new();
    for (i, label) in tab_labels(app).into_iter().enumerate() {
        let w = (unicode_width::UnicodeWidthStr::width(label.as_str()) as u16 + 2)
            .min(bar.right().saturating_sub(x));
        if w == 0 {
            break;
        }
        out.push((app.pane_in_slot(i), Rect::new(x, bar.y, w, 1)));
        x += w + 1;
    }
    out
}

/// Tab labels; shortened when they would not fit.
pub fn tab_labels(app: &App) -> Vec<String> {
    let n = app.session.panes.len().max(1);
    let budget = (app.view.size.0 as usize / n).saturating_sub(3).max(6);
    (0..app.session.panes.len())
        .map(|slot| {
            let p = &app.session.panes[app.pane_in_slot(slot)];
            let name = if app.hidden() {
                blind_name(slot)
            } else {
                p.model.rsplit('/').next().unwrap_or(&p.model).to_string()
            };
            let label = format!("{} {}", slot + 1, name);
            if label.chars().count() > budget {
                let mut s: String = label.chars().take(budget.saturating_sub(1)).collect();
                s.push('…');
                s
            } else {
                label
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_then_grid_then_tabs() {
        let body = Rect::new(0, 1, 200, 40);
        assert_eq!(grid(body, 3).map(|r| r.len()), Some(3));
        assert!(grid(body, 3)
            .unwrap()
            .iter()
            .all(|r| r.y == 1 && r.height == 40));
        let eight = grid(body, 8).unwrap();
        assert_eq!(eight.iter().filter(|r| r.y == 1).count(), 4);
        let five = grid(Rect::new(0, 0, 120, 40), 5).unwrap();
        assert_eq!(five.len(), 5);
        assert_eq!(
            five[3].width + five[4].width,
            120,
            "short last row stretches"
        );
        assert_eq!(
            grid(Rect::new(0, 0, 90, 40), 2),
            None,
            "narrow terminal uses tabs"
        );
        assert_eq!(
            grid(Rect::new(0, 0, 120, 8), 8),
            None,
            "too short for a grid"
        );
    }

    #[test]
    fn grid_tiles_without_gaps() {
        for n in 1..=8 {
            let body = Rect::new(0, 1, 211, 47);
            if let Some(rects) = grid(body, n) {
                let area: u32 = rects
                    .iter()
                    .map(|r| u32::from(r.width) * u32::from(r.height))
                    .sum();
                assert_eq!(area, 211 * 47, "n={n}");
            }
        }
    }
}
