//! One request, start to finish: POST, check the status, decode the SSE body, report events.

use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};

use crate::provider::request::{chat_body_for, headers, TokenField};
use crate::provider::{ApiError, ChatParams, Endpoint};

use super::decode::ChunkDecoder;
use super::event::StreamEvent;
pub use super::sse::MAX_EVENT_BYTES;
use super::sse::{SseDecoder, SseError};

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

/// Why the byte stream under the SSE decoder ended early.
#[derive(Debug)]
pub enum BodyError {
    Stalled(Duration),
    Transport(String),
    /// One event grew past [`MAX_EVENT_BYTES`].
    TooLarge,
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
        emit(decoder.close().unwrap_or(StreamEvent::Done));
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

/// Ends the stream with [`BodyError::Stalled`] when no bytes arrive for `timeout` (noticed
/// within an eighth of it after). One timer serves the whole stream, going off every eighth of
/// the timeout; a piece only sets a flag. (A timer set, or even the clock read, per piece costs
/// more than the piece at a token per event.)
pub fn stall_guard<S>(inner: S, timeout: Duration) -> impl Stream<Item = Result<Bytes, BodyError>>
where
    S: Stream<Item = Result<Bytes, BodyError>> + Unpin,
{
    use std::future::Future;
    use std::task::Poll;

    const TICKS: u32 = 8;
    let tick = (timeout / TICKS).max(Duration::from_millis(1));
    let mut inner = Some(inner);
    let mut arrived = false;
    // Ticks in a row with nothing arrived.
    let mut quiet = 0;
    let mut timer = Box::pin(tokio::time::sleep(tick));
    futures::stream::poll_fn(move |cx| {
        let Some(stream) = inner.as_mut() else {
            return Poll::Ready(None);
        };
        match stream.poll_next_unpin(cx) {
            Poll::Ready(Some(item)) => {
                arrived = true;
                return Poll::Ready(Some(item));
            }
            Poll::Ready(None) => {
                inner = None;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        loop {
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            quiet = if std::mem::take(&mut arrived) {
                0
            } else {
                quiet + 1
            };
            if quiet >= TICKS {
                inner = None;
                return Poll::Ready(Some(Err(BodyError::Stalled(timeout))));
            }
            timer.as_mut().reset(tokio::time::Instant::now() + tick);
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
    let mut sse = SseDecoder::new();
    let mut bytes = std::pin::pin!(bytes);
    while let Some(item) = bytes.next().await {
        match item {
            Ok(b) => {
                let read = sse.feed(&b, |data| {
                    decoder.decode_with(data, &mut emit);
                    !decoder.finished()
                });
                if decoder.finished() {
                    return;
                }
                if let Err(e) = read {
                    let SseError::TooLarge = e;
                    return emit(StreamEvent::Error(ApiError::Malformed(
                        BodyError::TooLarge.to_string(),
                    )));
                }
            }
            Err(BodyError::Stalled(d)) => {
                return emit(StreamEvent::Error(ApiError::Stalled(d)));
            }
            // A connection that breaks mid-body means the answer is incomplete, unless it had
            // already failed.
            Err(BodyError::Transport(_)) => {
                return emit(
                    decoder
                        .close()
                        .unwrap_or(StreamEvent::Error(ApiError::CutOff)),
                );
            }
            Err(e @ BodyError::TooLarge) => {
                return emit(StreamEvent::Error(ApiError::Malformed(e.to_string())));
            }
        }
    }
    emit(
        decoder
            .close()
            .unwrap_or(StreamEvent::Error(ApiError::CutOff)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn a_stall_is_told_after_the_timeout_and_not_before() {
        let timeout = Duration::from_millis(400);
        let (tx, rx) = futures::channel::mpsc::unbounded();
        let mut guarded = std::pin::pin!(stall_guard(rx, timeout));
        let feeder = tokio::spawn(async move {
            // Pieces closer together than the timeout, for three times the timeout.
            for _ in 0..12 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if tx.unbounded_send(Ok(Bytes::from_static(b"x"))).is_err() {
                    return;
                }
            }
            // The sender stays open: the stream never ends, it stalls.
            std::future::pending::<()>().await;
        });
        let mut last = Instant::now();
        let mut pieces = 0;
        let stalled = loop {
            let item = tokio::time::timeout(Duration::from_secs(30), guarded.next())
                .await
                .expect("a stall is told within 30 s");
            match item {
                Some(Ok(_)) => {
                    pieces += 1;
                    last = Instant::now();
                }
                Some(Err(e)) => break e,
                None => panic!("the stream ended"),
            }
        };
        feeder.abort();
        assert_eq!(pieces, 12, "no stall while pieces come");
        assert!(matches!(stalled, BodyError::Stalled(d) if d == timeout));
        assert!(last.elapsed() >= timeout, "told after {:?}", last.elapsed());
    }
}
