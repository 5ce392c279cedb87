//! The application: state, the pure `update`, key bindings and the event loop.

pub mod action;
mod boards;
mod commands;
pub use crate::model::answer;
pub mod drawn;
pub mod executor;
pub mod find;
pub mod judging;
mod notice;
mod overlay_keys;
pub mod panel;
pub mod panel_keys;
mod panes;
pub mod picker;
mod picker_keys;
mod pointer;
mod prompt_keys;
pub mod request_view;
pub mod search;
mod sending;
mod sessions;
pub mod spend;
pub mod state;
mod streams;
mod suite_steps;
mod tool_steps;
pub mod transcripts;
mod turn;
pub mod update;
mod vars_keys;
mod vote_keys;

pub use action::{Action, Effect};
pub use state::{App, Pane, Providers, Status, Zone, MAX_PANES};
pub use update::update;
