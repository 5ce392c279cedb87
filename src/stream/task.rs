//! One request, start to finish: POST, check the status, decode the SSE body, report events.

use std::time::Duration;

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures::{Stream, StreamExt};

use crate::provider::request::{chat_body_for, headers, TokenField};
use crate::provider::{ApiError, ChatParams, Endpoint};

use super::decode::ChunkDecoder;
use super::event::StreamEvent;

#[derive(Clone, Debug, PartialEq)]
pub struct StreamOptions {
    /// No bytes at all (keep-alive comments count) for this long ends the request as stalled.
    pub stall_timeout: Duration,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            stall_timeout: Duration::from_secs(30),
        }
    }
}

/// The largest single SSE event accepted. A server that never ends an event would otherwise
/// grow the decoder's buffer without bound.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Why the byte stream under the SSE decoder ended early.
#[derive(Debug)]
pub enum BodyError {
    Stalled(Duration),
    Transport(String),
    /// One event grew past [`MAX_EVENT_BYTES`].
    TooLarge,
}

/// Counts the bytes of the event being received; a blank line ends an event.
#[derive(Debug)]
struct EventSize {
    len: usize,
    at_line_start: bool,
    after_cr: bool,
}

impl EventSize {
    fn new() -> Self {
        Self {
            len: 0,
            at_line_start: true,
            after_cr: false,
        }
    }

    /// False once the current event is over the limit.
    fn feed(&mut self, bytes: &[u8]) -> bool {
        for &b in bytes {
            let lf_of_crlf = b == b'\n' && self.after_cr;
            self.after_cr = b == b'\r';
            if lf_of_crlf {
                continue;
            }
            if b == b'\n' || b == b'\r' {
                if self.at_line_start {
                    self.len = 0;
                }
                self.at_line_start = true;
            } else {
                self.at_line_start = false;
                self.len += 1;
            }
        }
        self.len <= MAX_EVENT_BYTES
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Stalled(d) => write!(f, "no data for {}s", d.as_secs()),
            BodyError::Transport(e) => f.write_str(e),
            BodyError::TooLarge => write!(f, "an event over {} MiB", MAX_EVENT_BYTES >> 20),
        }
    }
}

/// Runs one streaming request and reports every event through `emit`. Always ends with exactly
/// one terminal event ([`StreamEvent::Done`] or [`StreamEvent::Error`]). Dropping the future
/// cancels the request and closes the connection.
pub async fn run_request<F>(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    params: &ChatParams,
    opts: &StreamOptions,
    mut emit: F,
) where
    F: FnMut(StreamEvent),
{
    let mut endpoint = std::borrow::Cow::Borrowed(endpoint);
    let response = loop {
        let body = chat_body_for(&endpoint, params);
        let capped = body.get("max_tokens").is_some();
        let mut req = client.post(endpoint.chat_url()).json(&body);
        for (k, v) in headers(&endpoint) {
            req = req.header(k, v);
        }
        let response = match tokio::time::timeout(opts.stall_timeout, req.send()).await {
            Err(_) => return emit(StreamEvent::Error(ApiError::Stalled(opts.stall_timeout))),
            Ok(Err(e)) => return emit(StreamEvent::Error(send_error(&e))),
            Ok(Ok(r)) => r,
        };
        if response.status().as_u16() != 400 || !capped {
            break response;
        }
        let body = tokio::time::timeout(opts.stall_timeout, response.text())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        if !crate::provider::error::refuses_max_tokens(&body) {
            return emit(StreamEvent::Error(ApiError::from_response(
                400, &body, None,
            )));
        }
        // OpenAI's reasoning models want `max_completion_tokens`: switch once, and say so,
        // so the app keeps the choice for this provider.
        emit(StreamEvent::TokenField(TokenField::MaxCompletionTokens));
        endpoint.to_mut().options.token_field = TokenField::MaxCompletionTokens;
    };
    let status = response.status();
    if !status.is_success() {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (retry_after, reset) = (header("retry-after"), header("x-ratelimit-reset"));
        let body = tokio::time::timeout(opts.stall_timeout, response.text())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        return emit(StreamEvent::Error(ApiError::from_reply(
            status.as_u16(),
            &body,
            retry_after.as_deref(),
            reset.as_deref(),
        )));
    }
    let generation_id = response
        .headers()
        .get("x-generation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    emit(StreamEvent::Started { generation_id });
    let is_json = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if is_json {
        // Some servers ignore `stream: true` and answer in one piece.
        return decode_whole(response, opts, emit).await;
    }
    let bytes = stall_guard(
        response
            .bytes_stream()
            .map(|r| r.map_err(|e| BodyError::Transport(e.to_string()))),
        opts.stall_timeout,
    );
    decode_sse(bytes, emit).await;
}

async fn decode_whole<F>(response: reqwest::Response, opts: &StreamOptions, mut emit: F)
where
    F: FnMut(StreamEvent),
{
    let body = match tokio::time::timeout(opts.stall_timeout, response.text()).await {
        Err(_) => return emit(StreamEvent::Error(ApiError::Stalled(opts.stall_timeout))),
        Ok(Err(_)) => return emit(StreamEvent::Error(ApiError::CutOff)),
        Ok(Ok(b)) => b,
    };
    let mut decoder = ChunkDecoder::new();
    for e in decoder.decode(&body) {
        emit(e);
    }
    if !decoder.finished() {
        emit(StreamEvent::Done);
    }
}

fn send_error(e: &reqwest::Error) -> ApiError {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    // reqwest's top-level message is vague ("error sending request"); the cause says why.
    while let Some(s) = source {
        msg = s.to_string();
        source = s.source();
    }
    if e.is_connect() && e.is_timeout() {
        // The innermost cause is only "deadline has elapsed".
        ApiError::Connect("timed out".into())
    } else if e.is_connect() {
        ApiError::Connect(msg)
    } else {
        ApiError::Transport(msg)
    }
}

/// Ends the stream with [`BodyError::Stalled`] when no bytes arrive for `timeout`.
pub fn stall_guard<S>(inner: S, timeout: Duration) -> impl Stream<Item = Result<Bytes, BodyError>>
where
    S: Stream<Item = Result<Bytes, BodyError>> + Unpin,
{
    futures::stream::unfold(Some(inner), move |state| async move {
        let mut inner = state?;
        match tokio::time::timeout(timeout, inner.next()).await {
            Ok(Some(item)) => Some((item, Some(inner))),
            Ok(None) => None,
            Err(_) => Some((Err(BodyError::Stalled(timeout)), None)),
        }
    })
}

/// Decodes an SSE byte stream into events. Ends with exactly one terminal event: EOF before
/// `[DONE]` is reported as a cut-off answer.
pub async fn decode_sse<S, F>(bytes: S, mut emit: F)
where
    S: Stream<Item = Result<Bytes, BodyError>>,
    F: FnMut(StreamEvent),
{
    let mut decoder = ChunkDecoder::new();
    let mut size = EventSize::new();
    let bounded = bytes.map(move |item| match item {
        Ok(b) if !size.feed(&b) => Err(BodyError::TooLarge),
        other => other,
    });
    let mut events = std::pin::pin!(bounded.eventsource());
    while let Some(item) = events.next().await {
        match item {
            Ok(ev) => {
                for e in decoder.decode(&ev.data) {
                    emit(e);
                }
                if decoder.finished() {
                    return;
                }
            }
            Err(EventStreamError::Transport(BodyError::Stalled(d))) => {
                return emit(StreamEvent::Error(ApiError::Stalled(d)));
            }
            // A connection that breaks mid-body means the answer is incomplete.
            Err(EventStreamError::Transport(BodyError::Transport(_))) => {
                return emit(StreamEvent::Error(ApiError::CutOff));
            }
            Err(EventStreamError::Transport(e @ BodyError::TooLarge)) => {
                return emit(StreamEvent::Error(ApiError::Malformed(e.to_string())));
            }
            Err(e) => {
                return emit(StreamEvent::Error(ApiError::Malformed(e.to_string())));
            }
        }
    }
    emit(StreamEvent::Error(ApiError::CutOff));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_size_resets_at_blank_lines_in_every_line_ending() {
        for sep in ["\n\n", "\r\n\r\n", "\r\r"] {
            let mut size = EventSize::new();
            let line = "x".repeat(MAX_EVENT_BYTES / 2);
            for _ in 0..5 {
                assert!(
                    size.feed(format!("data: {line}{sep}").as_bytes()),
                    "{sep:?}"
                );
            }
        }
    }

    #[test]
    fn an_endless_event_is_refused() {
        let mut size = EventSize::new();
        let piece = format!("data: {}\n", "x".repeat(1 << 20));
        let fed = (0..32).take_while(|_| size.feed(piece.as_bytes())).count();
        assert_eq!(
            fed, 15,
            "16 MiB of data lines with no blank line between them"
        );
    }

    #[test]
    fn a_crlf_split_across_chunks_is_one_line_end() {
        let mut size = EventSize::new();
        assert!(size.feed(b"data: a\r"));
        assert!(size.feed(b"\ndata: b\r"));
        assert!(size.feed(b"\n"));
        assert_eq!(size.len, 14);
        assert!(size.feed(b"\r\n"));
        assert_eq!(size.len, 0);
    }
}
