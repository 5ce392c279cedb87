//! What a running request reports to the loop.

use std::time::Duration;

use crate::provider::{ApiError, Usage};

/// One failed attempt, reported as `StreamEvent::Hop` and kept with the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct HopRecord {
    pub model: String,
    pub provider: String,
    pub outcome: String,
    /// How long was waited before the next attempt.
    pub wait: Option<Duration>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// The server accepted the request (2xx) and streaming begins.
    Started {
        generation_id: Option<String>,
    },
    /// The generation's id as the chunks carry it (`id`), for servers that send no
    /// `X-Generation-Id` header; reported once.
    Generation(String),
    /// The model and upstream provider that actually serve the answer, once known or changed.
    Served {
        model: String,
        provider: Option<String>,
    },
    /// Answer text.
    Delta(String),
    /// Reasoning ("thinking") text, kept apart from the answer.
    Reasoning(String),
    /// Structured reasoning items of one delta, as received; merged per `index` by the answer
    /// ([`crate::provider::reasoning::merge`]) and sent back on the assistant message.
    ReasoningDetails(Vec<serde_json::Value>),
    /// A piece of tool call `index`: its id and name when first seen, then argument text.
    ToolCall {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    Finish(String),
    /// The upstream provider's own finish reason (`end_turn`, `MAX_TOKENS`, `SAFETY`, …).
    NativeFinish(String),
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
    /// The server refused `max_tokens`; the request was sent again with this field, which the
    /// provider should use from now on.
    TokenField(crate::provider::request::TokenField),
    /// Pages a web search found, cited in the answer.
    Citations(Vec<crate::provider::citation::Citation>),
    /// OpenRouter's account of its routing: attempts, endpoints, a summary.
    RouterMetadata(serde_json::Value),
    /// The request body as the upstream provider received it (`debug.echo_upstream_body`).
    UpstreamBody(serde_json::Value),
    /// Terminal: the request failed. Nothing follows.
    Error(ApiError),
    /// Terminal: `[DONE]` arrived.
    Done,
}

impl StreamEvent {
    pub fn is_terminal(&self) -> bool {
        matches!(self, StreamEvent::Error(_) | StreamEvent::Done)
    }

    /// The event with every server-sent text cleaned of escapes and control characters
    /// ([`crate::sanitize::clean`]): what the playground and `switchboard run` keep, show and
    /// print. Tool arguments stay as sent: they are checked as JSON, and drawn as code.
    pub fn cleaned(self) -> Self {
        use crate::sanitize::clean;
        match self {
            StreamEvent::Served { model, provider } => StreamEvent::Served {
                model: clean(&model),
                provider: provider.map(|p| clean(&p)),
            },
            StreamEvent::Delta(t) => StreamEvent::Delta(crate::sanitize::clean_owned(t)),
            StreamEvent::Reasoning(t) => StreamEvent::Reasoning(crate::sanitize::clean_owned(t)),
            StreamEvent::NativeFinish(t) => StreamEvent::NativeFinish(clean(&t)),
            StreamEvent::Generation(t) => StreamEvent::Generation(clean(&t)),
            StreamEvent::ToolCall {
                index,
                id,
                name,
                arguments,
            } => StreamEvent::ToolCall {
                index,
                id: id.map(|s| clean(&s)),
                name: name.map(|s| clean(&s)),
                arguments,
            },
            StreamEvent::Hop(mut hop) => {
                hop.outcome = clean(&hop.outcome);
                StreamEvent::Hop(hop)
            }
            StreamEvent::Retrying {
                reason,
                wait,
                attempt,
                of,
            } => StreamEvent::Retrying {
                reason: clean(&reason),
                wait,
                attempt,
                of,
            },
            StreamEvent::Error(e) => StreamEvent::Error(e.cleaned()),
            StreamEvent::Citations(c) => {
                StreamEvent::Citations(c.into_iter().map(|c| c.cleaned()).collect())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_server_text_is_cleaned_and_tool_arguments_are_kept() {
        let evil = "a\u{1b}]52;c;aGk=\u{7}b";
        let hop = StreamEvent::Hop(HopRecord {
            model: "m".into(),
            provider: "p".into(),
            outcome: evil.into(),
            wait: None,
        })
        .cleaned();
        assert!(matches!(hop, StreamEvent::Hop(h) if h.outcome == "ab"));
        let call = StreamEvent::ToolCall {
            index: 0,
            id: Some(evil.into()),
            name: Some(evil.into()),
            arguments: "{\"x\":1}".into(),
        }
        .cleaned();
        assert_eq!(
            call,
            StreamEvent::ToolCall {
                index: 0,
                id: Some("ab".into()),
                name: Some("ab".into()),
                arguments: "{\"x\":1}".into(),
            }
        );
        let retry = StreamEvent::Retrying {
            reason: evil.into(),
            wait: Duration::ZERO,
            attempt: 1,
            of: 2,
        }
        .cleaned();
        assert!(matches!(retry, StreamEvent::Retrying { reason, .. } if reason == "ab"));
        assert_eq!(
            StreamEvent::Delta(evil.into()).cleaned(),
            StreamEvent::Delta("ab".into())
        );
    }
}
