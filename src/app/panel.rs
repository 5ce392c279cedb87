//! The config panel over one pane; its fields, and how each one shows, parses, validates and
//! changes a pane, are in `field` and `value`.

use tui_textarea::TextArea;

mod field;
mod value;

use crate::model::PaneId;

pub use field::{fields, Field, Kind, SECTIONS};

/// How a line of the request view is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Head,
    Note,
    Code,
    Dim,
    Error,
}

/// The panel over the focused pane.
#[derive(Debug)]
pub struct Panel {
    /// The pane's place among the panes, found again from `id` at every key.
    pub pane: usize,
    pub id: PaneId,
    pub selected: usize,
    /// The open inline editor, if a field is being edited.
    pub editing: Option<TextArea<'static>>,
    /// Why the text being edited is not valid (shown as you type).
    pub error: Option<String>,
    /// The highlighted fallback while the fallbacks row is selected.
    pub fallback: usize,
    pub show_json: bool,
    /// The first row of the request body shown.
    pub json_scroll: usize,
    /// How far the request body can scroll, as it was last drawn (it depends on the width).
    pub json_max: std::cell::Cell<usize>,
    /// The outcome of the last save or connection test.
    pub status: Option<(String, bool)>,
    /// Naming a workspace to save.
    pub naming: Option<TextArea<'static>>,
    /// The request the pane would send next, as last made.
    pub body: Vec<(String, Tone)>,
}

impl Panel {
    pub fn new(pane: usize, id: PaneId) -> Self {
        Self {
            pane,
            id,
            selected: 0,
            editing: None,
            error: None,
            fallback: 0,
            show_json: false,
            json_scroll: 0,
            json_max: std::cell::Cell::new(0),
            status: None,
            naming: None,
            body: Vec::new(),
        }
    }

    pub fn field(&self) -> Field {
        let all = fields();
        all[self.selected.min(all.len() - 1)]
    }
}

#[cfg(test)]
mod tests;
