//! What a running request reports to the loop.

use std::time::Duration;

use crate::provider::{ApiError, Usage};
use crate::route::HopRecord;

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
    /// A piece of tool call `index`: its id and name when first seen, then argument text.
    ToolCall {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    Finish(String),
    Usage(Usage),
    /// An attempt failed before its first token; kept in the answer's hop trail.
    Hop(HopRecord),
    /// Waiting `wait` before retry `attempt` of `of` on the same model.
    Retrying {
        reason: String,
        wait: Duration,
        attempt: u32,
        of: u32,
    },
    /// Moving on to the next model in the chain.
    FellBack {
        model: String,
        provider: String,
    },
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
