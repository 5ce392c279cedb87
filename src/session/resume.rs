//! Picking a past session back up: its panes and their conversations, rebuilt from history.

use std::time::{Duration, Instant};

use super::export::{RoundRec, SessionSummary};
use crate::model::{Answer, Pane, Status, Turn};
use crate::provider::Providers;
use crate::provider::{ApiError, Usage};

/// The panes of a stored session with their conversations, and the last round number.
pub fn panes(providers: &Providers, rounds: &[RoundRec], now: Instant) -> (Vec<Pane>, u64) {
    let mut panes: Vec<Pane> = Vec::new();
    let mut request = 0u64;
    for r in rounds {
        for a in &r.answers {
            let i = usize::try_from(a.pane).unwrap_or(0);
            while panes.len() <= i {
                panes.push(Pane::new(a.model.clone(), a.provider.clone()));
            }
            let pane = &mut panes[i];
            // The pane asks what it asked last; a provider no longer configured is routed anew.
            pane.model.clone_from(&a.model);
            pane.provider = if providers.endpoints.contains_key(&a.provider) {
                a.provider.clone()
            } else {
                providers.route(&a.model).0
            };
            request += 1;
            let mut answer = Answer::new(request, now);
            answer.text.clone_from(&a.text);
            answer.reasoning.clone_from(&a.reasoning);
            answer.saved_text = answer.text.len();
            answer.saved_reasoning = answer.reasoning.len();
            answer.served_model.clone_from(&a.served_model);
            answer.served_provider.clone_from(&a.served_provider);
            answer.finish_reason.clone_from(&a.finish_reason);
            answer
                .native_finish_reason
                .clone_from(&a.native_finish_reason);
            answer.reasoning_details = json_list(a.reasoning_details.as_deref());
            answer.tool_calls = json_list(a.tool_calls.as_deref())
                .iter()
                .map(|c| crate::tools::ToolCall {
                    id: text_at(c, "/id"),
                    name: text_at(c, "/function/name"),
                    arguments: text_at(c, "/function/arguments"),
                    invalid: None,
                })
                .collect();
            // The figures of the footer (time to first token, tokens per second) come from
            // these instants: set them as far apart as they were.
            let ms = |v: Option<i64>| {
                v.and_then(|n| u64::try_from(n).ok())
                    .map(Duration::from_millis)
            };
            if let Some(started) = ms(a.elapsed_ms).and_then(|d| now.checked_sub(d)) {
                answer.started = started;
                answer.first_token = ms(a.ttft_ms).map(|d| started + d);
            }
            answer.finished = Some(now);
            answer.usage = Some(Usage {
                prompt_tokens: a.prompt_tokens.and_then(|n| u64::try_from(n).ok()),
                completion_tokens: a.completion_tokens.and_then(|n| u64::try_from(n).ok()),
                cost: a.cost.filter(|_| a.cost_reported),
                server_tool_use: a.web_searches.and_then(|n| u64::try_from(n).ok()).map(|n| {
                    crate::provider::wire::ServerToolUse {
                        web_search_requests: Some(n),
                    }
                }),
                ..Usage::default()
            });
            answer.citations.clone_from(&a.citations);
            answer.status = match a.status.as_str() {
                "done" => Status::Done,
                "failed" => Status::Failed(ApiError::Recorded(
                    a.error.clone().unwrap_or_else(|| "failed".into()),
                )),
                "stopped: budget" => Status::OverBudget,
                // Cancelled, or cut short when the program was stopped.
                _ => Status::Cancelled,
            };
            let turn = Turn {
                round: u64::try_from(r.seq).unwrap_or(0),
                prompt: r.prompt.clone(),
                tool_results: a
                    .tool_results
                    .as_deref()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default(),
                images: r.images.clone(),
                answer,
            };
            // A regenerated answer replaces the one before it in the same round.
            match pane.turns.last_mut() {
                Some(last) if last.round == turn.round => *last = turn,
                _ => pane.turns.push(turn),
            }
        }
    }
    let last_round = rounds
        .iter()
        .map(|r| u64::try_from(r.seq).unwrap_or(0))
        .max()
        .unwrap_or(0);
    (panes, last_round)
}

/// A stored JSON array; anything unreadable counts as none.
fn json_list(text: Option<&str>) -> Vec<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default()
}

fn text_at(v: &serde_json::Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A line for the header: which session this is.
pub fn label(s: &SessionSummary) -> String {
    let when = s.started_label();
    format!("{when} (resumed #{})", s.id)
}
