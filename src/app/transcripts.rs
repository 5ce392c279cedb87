//! What the view keeps of each pane, by its id: where it is scrolled, and its lines as last
//! drawn. The panes themselves are plain data; this is the screen's side of them.

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;

use crate::model::{Pane, PaneId};
use crate::render::transcript::TranscriptCache;

/// Every pane's scroll and rendered lines.
#[derive(Debug, Default)]
pub struct Transcripts {
    /// Where a pane is pinned; a pane not here follows its tail.
    scroll: HashMap<PaneId, usize>,
    /// Lines kept between frames and made while drawing, which only reads the app: hence a
    /// cell. Apart from the scroll, so reading one never waits on the other.
    caches: RefCell<HashMap<PaneId, TranscriptCache>>,
}

impl Transcripts {
    /// The first line pane `id` is pinned at, or `None` when it follows the tail.
    pub fn scroll(&self, id: PaneId) -> Option<usize> {
        self.scroll.get(&id).copied()
    }

    pub fn set_scroll(&mut self, id: PaneId, top: Option<usize>) {
        match top {
            Some(top) => self.scroll.insert(id, top),
            None => self.scroll.remove(&id),
        };
    }

    /// Pane `id` follows its tail again.
    pub fn follow(&mut self, id: PaneId) {
        self.scroll.remove(&id);
    }

    /// Pane `id`'s rendered lines, made empty the first time they are asked for. One pane's
    /// lines are borrowed at a time.
    pub fn cache(&self, id: PaneId) -> RefMut<'_, TranscriptCache> {
        RefMut::map(self.caches.borrow_mut(), |m| m.entry(id).or_default())
    }

    /// Drops what is kept of panes no longer open. Called every frame, so it does nothing
    /// (and allocates nothing) unless some pane has gone.
    pub fn keep_only(&self, open: &[Pane]) {
        if let Ok(mut m) = self.caches.try_borrow_mut() {
            if m.len() > open.len() {
                m.retain(|id, _| open.iter().any(|p| p.id == *id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scroll_can_be_read_while_lines_are_borrowed() {
        let mut t = Transcripts::default();
        let (a, b) = (PaneId(1), PaneId(2));
        t.set_scroll(a, Some(3));
        let lines = t.cache(a);
        assert_eq!(t.scroll(a), Some(3));
        assert_eq!(t.scroll(b), None);
        drop(lines);
        t.follow(a);
        assert_eq!(t.scroll(a), None);
        let kept = Pane::new("m", "p");
        t.cache(kept.id);
        t.keep_only(std::slice::from_ref(&kept));
        assert_eq!(t.caches.borrow().len(), 1);
        assert!(
            t.caches.borrow().contains_key(&kept.id),
            "the open pane's lines stay"
        );
    }
}
