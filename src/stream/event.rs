//! What a running request reports to the loop.

use crate::provider::{ApiError, Usage};

#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// The server accepted the request (2xx) and streaming begins.
    Started {
        generation_id: Option<String>,
    },
    /// The model and upstream provider that actually serve the answer, once known or changed.
    Served {
        model: String,
        provider: Option<String>,
    },
    /// Answer text.
    Delta(String),
    /// Reasoning ("thinking") text, kept apart from the answer.
    Reasoning(String),
    Finish(String),
    Usage(Usage),
    /// Terminal: the request failed. Nothing follows.
    Error(ApiError),
    /// Terminal: `[DONE]` arrived.
    Done,
}

impl StreamEvent {
    pub fn is_terminal(&self) -> bool {
        matches!(self, StreamEvent::Error(_) | StreamEvent::Done)
    }
}
