//! switchboard: one prompt, many models, side by side, in the terminal.
//!
//! Everything but the thin binary lives here so tests and benches can drive it headless.

pub mod app;
pub mod attach;
pub mod catalog;
pub mod clipboard;
pub mod config;
pub mod cost;
pub mod headless;
pub mod hyperlink;
pub mod judge;
pub mod keymap;
pub mod library;
pub mod model;
pub mod models_cmd;
pub mod provider;
pub mod render;
pub mod report;
pub mod route;
pub mod run_output;
pub mod sanitize;
pub mod session;
pub mod sessions_cmd;
pub mod setup;
pub mod sim;
pub mod stream;
pub mod suite;
pub mod telemetry;
pub mod term;
pub mod theme;
pub mod tools;
pub mod tui;
pub mod ui;
pub mod vars;
