//! Tool calls and encrypted reasoning in a transcript.

use super::*;
use crate::model::Answer;
use crate::model::Status;
use crate::model::Turn;
use crate::tools::ToolCall;

fn turn(request: u64, calls: bool) -> Turn {
    let mut answer = Answer::new(request, std::time::Instant::now());
    answer.status = Status::Done;
    if calls {
        answer.tool_calls = vec![ToolCall {
            id: "call_1".into(),
            name: "get_weather".into(),
            arguments: r#"{"city":"Oslo"}"#.into(),
            invalid: None,
        }];
    }
    Turn {
        round: request,
        prompt: "Weather?".into(),
        tool_results: Vec::new(),
        images: Vec::new(),
        answer,
    }
}

#[test]
fn encrypted_reasoning_is_mentioned_though_it_cannot_be_read() {
    let theme = Theme::default();
    let mut pane = Pane::new("sim/signer", "sim");
    let mut t = turn(1, true);
    t.answer.reasoning_details =
        vec![serde_json::json!({"type": "reasoning.encrypted", "data": "x", "index": 0})];
    pane.turns.push(t);
    let texts = TranscriptCache::default()
        .view(&pane, 60, &theme, false)
        .texts();
    assert!(
        texts
            .iter()
            .any(|l| l.contains("encrypted, kept for follow-ups")),
        "{texts:?}"
    );
}

#[test]
fn the_alt_t_hint_leaves_calls_once_they_are_answered() {
    let theme = Theme::default();
    let hint = |texts: Vec<String>| texts.iter().filter(|t| t.starts_with("Alt+T")).count();
    let mut pane = Pane::new("sim/tooler", "sim");
    pane.turns.push(turn(1, true));
    let mut cache = TranscriptCache::default();
    let texts = cache.view(&pane, 60, &theme, false).texts();
    assert!(
        texts.iter().any(|t| t.contains("🔧 get_weather")),
        "{texts:?}"
    );
    assert_eq!(hint(texts), 1);

    let mut answered = turn(2, false);
    answered.tool_results = vec![("call_1".into(), "rain".into())];
    pane.turns.push(answered);
    let texts = cache.view(&pane, 60, &theme, false).texts();
    assert!(texts.iter().any(|t| t.contains("🔧 get_weather")));
    assert_eq!(hint(texts), 0, "the first turn's calls were answered");
}
