//! The model picker's state: query, filter, sort and selection over the merged catalogs.

use tui_textarea::TextArea;

use crate::catalog::fuzzy::{Search, Sort};
use crate::catalog::{Entry, Tag};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickMode {
    /// Enter changes the focused pane's model.
    SetModel,
    /// Enter adds a pane with the model.
    AddPane,
    /// Enter appends the model to the focused pane's fallbacks.
    AddFallback,
}

#[derive(Debug)]
pub struct Picker {
    pub mode: PickMode,
    pub input: TextArea<'static>,
    pub tag: Tag,
    pub sort: Sort,
    /// Indices into the entries, in display order.
    pub results: Vec<usize>,
    pub selected: usize,
    pub error: Option<String>,
    /// The config panel to go back to when the picker closes.
    pub return_to: Option<Box<super::panel::Panel>>,
    search: Search,
}

impl Picker {
    pub fn new(mode: PickMode, entries: &[Entry]) -> Self {
        let mut input = TextArea::default();
        input.set_placeholder_text("type to search, or a model id");
        let mut p = Self {
            mode,
            input,
            tag: Tag::All,
            sort: Sort::Relevance,
            results: Vec::new(),
            selected: 0,
            error: None,
            return_to: None,
            search: Search::default(),
        };
        p.refresh(entries);
        p
    }

    pub fn query(&self) -> String {
        self.input.lines().join("")
    }

    /// Re-runs the search after the query, filter or sort changed.
    pub fn refresh(&mut self, entries: &[Entry]) {
        let query = self.query();
        self.results =
            self.search
                .run(entries.iter().map(|e| &e.info), &query, self.tag, self.sort);
        self.selected = 0;
        self.error = None;
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.results.len();
        if n == 0 {
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    pub fn next_tag(&mut self, entries: &[Entry], back: bool) {
        let all = Tag::ALL;
        let i = all.iter().position(|t| *t == self.tag).unwrap_or(0);
        let n = all.len();
        self.tag = all[if back { (i + n - 1) % n } else { (i + 1) % n }];
        self.refresh(entries);
    }

    pub fn next_sort(&mut self, entries: &[Entry]) {
        let all = Sort::ALL;
        let i = all.iter().position(|s| *s == self.sort).unwrap_or(0);
        self.sort = all[(i + 1) % all.len()];
        self.refresh(entries);
    }

    /// The highlighted entry, if any.
    pub fn current<'a>(&self, entries: &'a [Entry]) -> Option<&'a Entry> {
        self.results
            .get(self.selected)
            .and_then(|i| entries.get(*i))
    }
}
