#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! SSE decoding must not depend on how the network cuts the bytes: every recorded stream is
//! fed whole, then split at every byte position (and in single bytes), and must decode the same.

use bytes::Bytes;
use futures::stream;
use switchboard::provider::ApiError;
use switchboard::stream::task::{decode_sse, BodyError};
use switchboard::stream::StreamEvent;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/sse/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn decode(pieces: Vec<Vec<u8>>) -> Vec<StreamEvent> {
    let items: Vec<Result<Bytes, BodyError>> =
        pieces.into_iter().map(|p| Ok(Bytes::from(p))).collect();
    let mut out = Vec::new();
    decode_sse(stream::iter(items), |e| out.push(e)).await;
    out
}

async fn assert_split_invariant(bytes: &[u8]) -> Vec<StreamEvent> {
    let whole = decode(vec![bytes.to_vec()]).await;
    for i in 0..=bytes.len() {
        let split = decode(vec![bytes[..i].to_vec(), bytes[i..].to_vec()]).await;
        assert_eq!(split, whole, "split at byte {i}");
    }
    let singles = decode(bytes.iter().map(|b| vec![*b]).collect()).await;
    assert_eq!(singles, whole, "one byte at a time");
    whole
}

fn text_of(events: &[StreamEvent]) -> (String, String) {
    let mut content = String::new();
    let mut reasoning = String::new();
    for e in events {
        match e {
            StreamEvent::Delta(t) => content.push_str(t),
            StreamEvent::Reasoning(t) => reasoning.push_str(t),
            _ => {}
        }
    }
    (content, reasoning)
}

#[tokio::test]
async fn complete_stream_with_comments_crlf_utf8_and_usage() {
    let events = assert_split_invariant(&fixture("complete.sse")).await;
    let (content, reasoning) = text_of(&events);
    assert_eq!(
        content,
        "Hello, 世界! Ünïcödé ✓\n```rust\nfn main() {}\n```"
    );
    assert_eq!(reasoning, "Let me think… 🤔");
    assert!(matches!(events.first(), Some(StreamEvent::Generation(_))));
    assert_eq!(
        events.get(1),
        Some(&StreamEvent::Served {
            model: "anthropic/claude-3.5-sonnet".into(),
            provider: Some("Anthropic".into()),
        })
    );
    assert!(events.contains(&StreamEvent::Finish("stop".into())));
    let usage = events
        .iter()
        .find_map(|e| match e {
            StreamEvent::Usage(u) => Some(u.clone()),
            _ => None,
        })
        .expect("usage chunk decoded");
    assert_eq!(usage.cost, Some(0.000171));
    assert_eq!(usage.completion_tokens, Some(9));
    assert_eq!(usage.reasoning_tokens(), Some(4));
    assert_eq!(events.last(), Some(&StreamEvent::Done));
    assert_eq!(events.iter().filter(|e| e.is_terminal()).count(), 1);
}

#[tokio::test]
async fn mid_stream_error_is_terminal_and_keeps_partial_text() {
    let events = assert_split_invariant(&fixture("midstream_error.sse")).await;
    assert_eq!(text_of(&events).0, "Partial answ");
    match events.last() {
        Some(StreamEvent::Error(ApiError::MidStream {
            code,
            message,
            error_type,
        })) => {
            assert_eq!(code, "429");
            assert_eq!(message, "Rate limit exceeded");
            assert_eq!(error_type.as_deref(), Some("rate_limit_exceeded"));
        }
        other => panic!("expected a mid-stream error, got {other:?}"),
    }
    assert!(
        !events.contains(&StreamEvent::Done),
        "[DONE] after the error is not a success"
    );
}

#[tokio::test]
async fn missing_done_is_reported_as_cut_off() {
    let events = assert_split_invariant(&fixture("missing_done.sse")).await;
    assert_eq!(text_of(&events).0, "Cut óff mid sentence");
    assert_eq!(events.last(), Some(&StreamEvent::Error(ApiError::CutOff)));
}

#[tokio::test]
async fn transport_failure_mid_body_is_cut_off_and_stall_is_stalled() {
    let bytes = fixture("missing_done.sse");
    let items = vec![
        Ok(Bytes::from(bytes)),
        Err(BodyError::Transport("connection reset".into())),
    ];
    let mut out = Vec::new();
    decode_sse(stream::iter(items), |e| out.push(e)).await;
    assert_eq!(out.last(), Some(&StreamEvent::Error(ApiError::CutOff)));

    let stalled = std::time::Duration::from_secs(30);
    let items = vec![Err(BodyError::Stalled(stalled))];
    let mut out = Vec::new();
    decode_sse(stream::iter(items), |e| out.push(e)).await;
    assert_eq!(out, vec![StreamEvent::Error(ApiError::Stalled(stalled))]);
}
