//! Turning conversations into lines for a given width.

pub mod transcript;
pub mod wrap;
