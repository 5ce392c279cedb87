//! Turning conversations into styled, wrapped lines: markdown, highlighted code, and a cache
//! so a frame's cost does not grow with the transcript.

pub mod diff;
pub mod highlight;
pub mod line;
pub mod markdown;
pub mod stream;
pub mod transcript;
pub mod wrap;
