//! The application: state, the pure `update`, key bindings and the event loop.

pub mod action;
pub mod answer;
pub mod find;
pub mod keymap;
pub mod panel;
pub mod panel_keys;
pub mod picker;
mod picker_keys;
pub mod run;
pub mod spend;
pub mod state;
pub mod update;
mod vars_keys;
mod vote_keys;

pub use action::{Action, Effect};
pub use state::{App, Pane, Providers, Status, Zone, MAX_PANES};
pub use update::update;
