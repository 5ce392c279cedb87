use super::*;

#[test]
fn a_text_chunk_that_cites_pages_is_read_in_full() {
    let chunk = |extra: &str| {
        format!(
            r#"{{"id":"g","model":"m","choices":[{{"index":0,"delta":{{"content":"hi"{extra}}},"finish_reason":null}}]}}"#
        )
    };
    let mut d = ChunkDecoder::new();
    let mut ev = d.decode(&chunk(""));
    ev.extend(d.decode(&chunk("")));
    ev.extend(d.decode(&chunk("")));
    ev.extend(d.decode(&chunk(
        r#","annotations":[{"type":"url_citation","url_citation":{"url":"https://a.example","title":"A","start_index":0,"end_index":2}}]"#,
    )));
    assert!(
        ev.iter()
            .any(|e| matches!(e, StreamEvent::Citations(c) if c.len() == 1 && c[0].end == Some(2))),
        "{ev:?}"
    );
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, StreamEvent::Delta(t) if t == "hi"))
            .count(),
        4
    );
}

#[test]
fn usage_chunk_with_empty_choices() {
    let mut d = ChunkDecoder::new();
    let ev = d.decode(
        r#"{"id":"gen-1","model":"m","provider":"P","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8,"cost":0.001}}"#,
    );
    assert_eq!(ev.len(), 3);
    assert_eq!(ev[0], StreamEvent::Generation("gen-1".into()));
    assert!(
        matches!(&ev[2], StreamEvent::Usage(u) if u.cost == Some(0.001) && u.completion_tokens == Some(5))
    );
}

#[test]
fn served_reported_once_and_on_change() {
    let mut d = ChunkDecoder::new();
    let a = d.decode(r#"{"model":"a","provider":"X","choices":[{"delta":{"content":"1"}}]}"#);
    let b = d.decode(r#"{"model":"a","provider":"X","choices":[{"delta":{"content":"2"}}]}"#);
    let c = d.decode(r#"{"model":"b","choices":[{"delta":{"content":"3"}}]}"#);
    assert!(
        matches!(&a[0], StreamEvent::Served { model, provider } if model == "a" && provider.as_deref() == Some("X"))
    );
    assert_eq!(b, vec![StreamEvent::Delta("2".into())]);
    assert!(matches!(&c[0], StreamEvent::Served { model, provider: None } if model == "b"));
}

#[test]
fn reasoning_content_alias_and_error_is_terminal() {
    let mut d = ChunkDecoder::new();
    let r = d.decode(r#"{"choices":[{"delta":{"reasoning_content":"hmm"}}]}"#);
    assert_eq!(r, vec![StreamEvent::Reasoning("hmm".into())]);
    let e = d.decode(
        r#"{"error":{"code":"server_error","message":"boom"},"choices":[{"delta":{"content":""},"finish_reason":"error"}]}"#,
    );
    assert!(
        matches!(&e[..], [StreamEvent::Error(ApiError::MidStream { code, message, .. })] if code == "server_error" && message == "boom")
    );
    assert!(d.finished());
    assert!(d.decode("[DONE]").is_empty());
}

#[test]
fn reasoning_details_come_with_their_text_and_alone() {
    let mut d = ChunkDecoder::new();
    let both = d.decode(
        r#"{"choices":[{"delta":{"reasoning":"Hm","reasoning_details":[{"type":"reasoning.text","text":"Hm","index":0}]}}]}"#,
    );
    assert_eq!(both[0], StreamEvent::Reasoning("Hm".into()));
    assert!(matches!(&both[1], StreamEvent::ReasoningDetails(v) if v.len() == 1));
    let alone = d.decode(
        r#"{"choices":[{"delta":{"reasoning_details":[{"type":"reasoning.summary","summary":"S","index":0},{"type":"reasoning.encrypted","data":"x","index":1}]}}]}"#,
    );
    assert_eq!(alone[0], StreamEvent::Reasoning("S".into()));
    assert!(matches!(&alone[1], StreamEvent::ReasoningDetails(v) if v.len() == 2));
}

#[test]
fn finish_error_without_an_error_object_fails_the_answer() {
    let mut d = ChunkDecoder::new();
    let e = d.decode(
        r#"{"choices":[{"delta":{"content":"x"},"finish_reason":"error","native_finish_reason":"MALFORMED_FUNCTION_CALL"}]}"#,
    );
    assert_eq!(
        e,
        vec![
            StreamEvent::Delta("x".into()),
            StreamEvent::NativeFinish("MALFORMED_FUNCTION_CALL".into())
        ]
    );
    // The usage that follows is still read; text after the failure is not.
    let usage = d.decode(
        r#"{"choices":[{"delta":{"content":"late"}}],"usage":{"completion_tokens":5,"cost":0.002}}"#,
    );
    assert!(
        matches!(&usage[..], [StreamEvent::Usage(u)] if u.cost == Some(0.002)),
        "{usage:?}"
    );
    let end = d.decode("[DONE]");
    assert!(
        matches!(&end[..], [StreamEvent::Error(ApiError::MidStream { code, .. })] if code == "MALFORMED_FUNCTION_CALL"),
        "{end:?}"
    );
    assert!(d.finished());
}

#[test]
fn a_failure_in_a_choice_ends_the_stream_when_the_body_ends() {
    let mut d = ChunkDecoder::new();
    let e = d.decode(
        r#"{"choices":[{"delta":{"content":""},"finish_reason":"stop","error":{"code":502,"message":"Provider returned error"}}]}"#,
    );
    assert!(e.is_empty(), "{e:?}");
    assert!(!d.finished());
    assert!(
        matches!(d.close(), Some(StreamEvent::Error(ApiError::MidStream { code, message, .. })) if code == "502" && message == "Provider returned error")
    );
    assert!(d.finished());
    assert_eq!(d.close(), None);
}

#[test]
fn text_chunks_read_fast_give_what_a_full_reading_gives() {
    let chunks = [
        r#"{"id":"g","object":"chat.completion.chunk","created":1,"model":"m","provider":"P","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi \"there\"\n"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#,
        r#"{"model":"m","provider":"P","choices":[{"delta":{"content":""}}]}"#,
        r#"{"model":"m","provider":"Q","choices":[{"delta":{"content":"é"}}]}"#,
        r#"{"model":"","choices":[{"delta":{"content":"x","reasoning":null}}]}"#,
        r#"{"model":"m","choices":[]}"#,
        r#"{"choices":[{"delta":{"content":"a","reasoning":"r"}}]}"#,
        r#"{"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}]}"#,
        r#"{"choices":[{"delta":{"content":"a","reasoning_details":[]}}]}"#,
        r#"{"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]}"#,
        r#"{"choices":[{"delta":{"content":7}}]}"#,
    ];
    let mut fast = ChunkDecoder::new();
    let mut full = ChunkDecoder::new();
    for c in chunks {
        let want = full.decode_full(c);
        assert_eq!(fast.decode(c), want, "{c}");
    }
    assert!(fast.plain_text(chunks[0], &mut |_| {}));
    assert!(!fast.plain_text(chunks[5], &mut |_| {}));
    assert!(!fast.plain_text(chunks[6], &mut |_| {}));
}

#[test]
fn chunks_of_the_last_shape_give_what_a_full_reading_gives() {
    let chunk = |provider: &str, delta: &str, finish: &str| {
        format!(
            r#"{{"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"m","provider":"{provider}","choices":[{{"index":0,"delta":{{"role":"assistant",{delta}}},"finish_reason":{finish},"logprobs":null}}]}}"#
        )
    };
    let text = |p: &str, t: &str| {
        let t = serde_json::to_string(t).unwrap();
        chunk(p, &format!(r#""content":{t}"#), "null")
    };
    let chunks = [
        text("P", "# Title"),
        text("P", " one"),
        text("P", "\n\n"),
        text("P", ""),
        text("P", "\"é\" \u{1F600} \\ \u{7}"),
        // Another provider, then back: each change is reported.
        text("Q", "two"),
        text("P", "three"),
        text("P", "four"),
        // A chunk read in full between two of the same shape.
        chunk("P", r#""content":"five","reasoning":"why""#, "null"),
        text("P", "six"),
        text("P", "seven"),
        chunk("P", r#""content":"""#, r#""stop""#),
        r#"{"id":"gen-1","model":"m","provider":"P","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":9}}"#.to_string(),
    ];
    let mut fast = ChunkDecoder::new();
    let mut full = ChunkDecoder::new();
    let mut by_shape = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        if fast.shape.text(c.as_bytes()).is_some() {
            by_shape.push(i);
        }
        assert_eq!(fast.decode(c), full.decode_full(c), "{c}");
    }
    assert_eq!(by_shape, [2, 3, 4, 7, 10]);
    assert_eq!(fast.decode("[DONE]"), full.decode("[DONE]"));
}

#[test]
fn no_chunk_of_the_last_shape_is_read_after_a_failure() {
    let text = r#"{"model":"m","choices":[{"delta":{"content":"a"}}]}"#;
    let failed = r#"{"model":"m","choices":[{"delta":{},"finish_reason":"error"}]}"#;
    let mut d = ChunkDecoder::new();
    for c in [text, text, failed, text] {
        d.decode(c);
    }
    assert!(matches!(
        d.decode("[DONE]").as_slice(),
        [StreamEvent::Error(_)]
    ));
}

#[test]
fn garbage_is_reported_not_panicked_on() {
    let mut d = ChunkDecoder::new();
    let e = d.decode("{not json");
    assert!(matches!(
        &e[..],
        [StreamEvent::Error(ApiError::Malformed(_))]
    ));
}

#[test]
fn data_that_is_not_utf8_is_reported_shape_or_not() {
    let text = |t: &[u8]| {
        [
            &br#"{"model":"m","choices":[{"delta":{"content":""#[..],
            t,
            br#""}}]}"#,
        ]
        .concat()
    };
    for known in [0, 2] {
        let mut d = ChunkDecoder::new();
        let mut out = Vec::new();
        for _ in 0..known {
            d.decode_with(&text(b"ok"), |e| out.push(e));
        }
        out.clear();
        d.decode_with(&text(b"\xff"), |e| out.push(e));
        assert!(
            matches!(&out[..], [StreamEvent::Error(ApiError::Malformed(m))] if m.contains("UTF-8")),
            "{out:?}"
        );
        assert!(d.finished());
    }
}
