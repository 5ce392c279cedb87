//! Replaying a stored session in the playground at the pace it was recorded, for demos
//! without a network. The answers arrive as stream events, as if from the models themselves.

use crate::model::RequestId;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::export::RoundRec;
use crate::provider::{ApiError, Usage};
use crate::stream::StreamEvent;

/// One piece of an answer: when (ms from the request), which text, and its length after.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub ms: u64,
    pub reasoning: bool,
    pub len: usize,
}

/// Reads a stored timeline; an answer recorded without one is spread evenly over its time.
pub fn steps(timeline: &str, text_len: usize, elapsed_ms: u64) -> Vec<Step> {
    let parsed: Vec<Step> = timeline
        .split(';')
        .filter_map(|e| {
            let kind = e.chars().next()?;
            let (ms, len) = e.get(1..)?.split_once(',')?;
            Some(Step {
                ms: ms.parse().ok()?,
                reasoning: kind == 'r',
                len: len.parse().ok()?,
            })
        })
        .collect();
    if !parsed.is_empty() || text_len == 0 {
        return parsed;
    }
    let pieces = text_len.div_ceil(24).max(1);
    (1..=pieces)
        .map(|i| Step {
            ms: elapsed_ms.max(500) * i as u64 / pieces as u64,
            reasoning: false,
            len: (text_len * i / pieces).min(text_len),
        })
        .collect()
}

/// The largest char boundary at or below `i`.
fn floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a replay tells the loop.
#[derive(Debug)]
pub enum Played {
    /// A round begins: its prompt, and the request id each pane's answer arrives under.
    Round {
        prompt: String,
        requests: Vec<(usize, RequestId)>,
    },
    /// A piece of one of its answers.
    Stream {
        request: RequestId,
        event: StreamEvent,
    },
}

/// Plays `rounds` into the loop through `tx`, `speed` times as fast as recorded.
pub async fn play<T: From<Played> + Send + 'static>(
    rounds: Vec<RoundRec>,
    speed: f64,
    tx: UnboundedSender<T>,
) {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    let scaled = move |ms: u64| Duration::from_micros((ms as f64 * 1000.0 / speed) as u64);
    let mut request = RequestId(1_000_000);
    for round in rounds {
        let mut requests = Vec::new();
        for a in &round.answers {
            request.0 += 1;
            requests.push((usize::try_from(a.pane).unwrap_or(0), request));
        }
        if tx
            .send(T::from(Played::Round {
                prompt: round.prompt.clone(),
                requests: requests.clone(),
            }))
            .is_err()
        {
            return;
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (a, (_, id)) in round.answers.into_iter().zip(requests) {
            let tx = tx.clone();
            tasks.spawn(async move {
                let send = |event| {
                    tx.send(T::from(Played::Stream { request: id, event }))
                        .is_ok()
                };
                let start = tokio::time::Instant::now();
                if let Some(m) = &a.served_model {
                    send(StreamEvent::Served {
                        model: m.clone(),
                        provider: a.served_provider.clone(),
                    });
                }
                let (mut text_at, mut reasoning_at) = (0, 0);
                let elapsed = a
                    .elapsed_ms
                    .and_then(|e| u64::try_from(e).ok())
                    .unwrap_or(2000);
                for step in steps(&a.timeline, a.text.len(), elapsed) {
                    tokio::time::sleep_until(start + scaled(step.ms)).await;
                    let (src, at) = if step.reasoning {
                        (&a.reasoning, &mut reasoning_at)
                    } else {
                        (&a.text, &mut text_at)
                    };
                    let end = floor(src, step.len);
                    if end <= *at {
                        continue;
                    }
                    let piece = src[*at..end].to_string();
                    *at = end;
                    let event = if step.reasoning {
                        StreamEvent::Reasoning(piece)
                    } else {
                        StreamEvent::Delta(piece)
                    };
                    if !send(event) {
                        return;
                    }
                }
                // Whatever the timeline did not cover (the last checkpoint's tail).
                if text_at < a.text.len() {
                    send(StreamEvent::Delta(a.text[text_at..].to_string()));
                }
                if let Some(f) = a.finish_reason.clone() {
                    send(StreamEvent::Finish(f));
                }
                send(StreamEvent::Usage(Usage {
                    prompt_tokens: a.prompt_tokens.and_then(|n| u64::try_from(n).ok()),
                    completion_tokens: a.completion_tokens.and_then(|n| u64::try_from(n).ok()),
                    cost: a.cost.filter(|_| a.cost_reported),
                    ..Usage::default()
                }));
                send(match a.status.as_str() {
                    "done" => StreamEvent::Done,
                    _ => StreamEvent::Error(ApiError::Transport(
                        a.error
                            .clone()
                            .unwrap_or_else(|| format!("it ended {}", a.status)),
                    )),
                });
            });
        }
        while tasks.join_next().await.is_some() {}
        tokio::time::sleep(scaled(1500)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines_parse_and_old_answers_are_spread_evenly() {
        assert_eq!(
            steps("r10,4;a150,12;a300,29;", 29, 0),
            vec![
                Step {
                    ms: 10,
                    reasoning: true,
                    len: 4
                },
                Step {
                    ms: 150,
                    reasoning: false,
                    len: 12
                },
                Step {
                    ms: 300,
                    reasoning: false,
                    len: 29
                },
            ]
        );
        let even = steps("", 48, 1000);
        assert_eq!(even.len(), 2);
        assert_eq!(
            even[1],
            Step {
                ms: 1000,
                reasoning: false,
                len: 48
            }
        );
        assert!(steps("", 0, 1000).is_empty());
        assert_eq!(floor("héllo", 2), 1);
    }
}
