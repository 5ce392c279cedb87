//! What the last frame showed, as the loop recorded it after drawing: where each pane was,
//! how many lines it had and how many fit. Scrolling, clicks and jumps use these numbers, so
//! `update` never lays the screen out or wraps a transcript itself.

use ratatui::layout::Rect;

/// One pane as it was drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawnPane {
    /// Its index in `App::panes` when it was drawn.
    pub index: usize,
    pub id: crate::model::PaneId,
    /// The pane with its border.
    pub rect: Rect,
    /// Its transcript's wrapped lines in all.
    pub total: usize,
    /// How many lines its page shows.
    pub page: usize,
}

/// The last frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawn {
    pub panes: Vec<DrawnPane>,
    /// With tabs: each tab's pane index and label rectangle.
    pub tabs: Vec<(usize, Rect)>,
    pub prompt: Rect,
    /// The settings panel's request body, while shown: whether it sits beside the fields, and
    /// the rows a page key moves.
    pub body: Option<(bool, usize)>,
    /// A pane is still re-wrapping what it does not show after a change of width: another
    /// frame should follow.
    pub rewrapping: bool,
    /// Addresses shown that link to a page, for the terminal's hyperlinks.
    pub links: Vec<crate::hyperlink::Link>,
}

impl Drawn {
    /// How pane `id` was drawn, if it was.
    pub fn pane(&self, id: crate::model::PaneId) -> Option<&DrawnPane> {
        self.panes.iter().find(|p| p.id == id)
    }

    /// The pane under a cell.
    pub fn pane_at(&self, x: u16, y: u16) -> Option<usize> {
        self.panes
            .iter()
            .find(|p| contains(p.rect, x, y))
            .map(|p| p.index)
    }

    /// The tab under a cell.
    pub fn tab_at(&self, x: u16, y: u16) -> Option<usize> {
        self.tabs
            .iter()
            .find(|(_, r)| contains(*r, x, y))
            .map(|(i, _)| *i)
    }

    pub fn in_prompt(&self, x: u16, y: u16) -> bool {
        contains(self.prompt, x, y)
    }
}

fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}
