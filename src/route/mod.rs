//! One request's life: the fallback chain, retries with backoff, and the hop trail.

pub mod plan;

use std::time::Duration;

use rand::Rng;

use crate::provider::{ApiError, ChatParams, Endpoint};
use crate::stream::task::{run_request, StreamOptions};
use crate::stream::StreamEvent;

pub use plan::plan;
// The record travels in a stream event, so it lives with the events; this keeps its old path.
pub use crate::stream::event::HopRecord;

/// One model on one provider: a link in the fallback chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub endpoint: Endpoint,
    pub params: ChatParams,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Retries per hop after the first attempt.
    pub retries: u32,
    /// First backoff; doubled each retry, with jitter.
    pub backoff: Duration,
    /// The longest wait a `Retry-After` may impose.
    pub max_wait: Duration,
    /// Also fall over on 400/401/402/403/404, which usually fail the same way everywhere.
    pub fallback_on_client_errors: bool,
    pub stream: StreamOptions,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            retries: 2,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            fallback_on_client_errors: false,
            stream: StreamOptions::default(),
        }
    }
}

/// What to do after an attempt failed before its first token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Worth another try on the same hop (then the next hop).
    Retry,
    /// Try the next hop straight away.
    Next,
    /// Give up: the next hop would fail the same way.
    Stop,
}

pub fn verdict(e: &ApiError, fallback_on_client_errors: bool) -> Verdict {
    match e {
        // The server's own word wins: a daily cap or a filtered model will not pass on retry.
        ApiError::Http { advice, .. } if advice.retryable == Some(false) => {
            if fallback_on_client_errors || advice.resets_at.is_some() {
                Verdict::Next
            } else {
                Verdict::Stop
            }
        }
        ApiError::Http { advice, .. } if advice.retryable == Some(true) => Verdict::Retry,
        ApiError::Http { status, .. } => match status {
            408 | 429 | 500 | 502 | 503 | 504 | 524 | 529 => Verdict::Retry,
            _ if fallback_on_client_errors => Verdict::Next,
            _ => Verdict::Stop,
        },
        ApiError::Connect(_) | ApiError::Transport(_) | ApiError::Stalled(_) | ApiError::CutOff => {
            Verdict::Retry
        }
        ApiError::MidStream { .. } => Verdict::Next,
        ApiError::Malformed(_) | ApiError::NotSent(_) | ApiError::Recorded(_) => Verdict::Stop,
    }
}

/// The wait before retry `attempt` (1-based): the server's hint, capped, else exponential
/// backoff with ±25% jitter so many panes do not retry in step.
pub fn wait_for(e: &ApiError, attempt: u32, policy: &Policy) -> Duration {
    if let ApiError::Http {
        retry_after: Some(d),
        ..
    } = e
    {
        return (*d).min(policy.max_wait);
    }
    let base = policy.backoff.as_millis() as u64;
    let exp = base.saturating_mul(1u64 << attempt.saturating_sub(1).min(16));
    let jitter = rand::thread_rng().gen_range(75..=125);
    Duration::from_millis(exp.saturating_mul(jitter) / 100).min(policy.max_wait)
}

/// Runs the chain. Events of the attempt that succeeds (or of the last one) pass through;
/// failed attempts before the first token become [`StreamEvent::Retrying`] and
/// [`StreamEvent::FellBack`] plus a [`StreamEvent::Hop`] record each. Exactly one terminal
/// event ends it.
pub async fn run<F>(client: &reqwest::Client, hops: Vec<Hop>, policy: &Policy, mut emit: F)
where
    F: FnMut(StreamEvent),
{
    for (i, hop) in hops.iter().enumerate() {
        let next = hops.get(i + 1);
        let last_hop = next.is_none();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut got_token = false;
            let mut end = None;
            run_request(
                client,
                &hop.endpoint,
                &hop.params,
                &policy.stream,
                |e| match e {
                    StreamEvent::Error(_) | StreamEvent::Done => end = Some(e),
                    StreamEvent::Delta(_)
                    | StreamEvent::Reasoning(_)
                    | StreamEvent::ToolCall { .. } => {
                        got_token = true;
                        emit(e);
                    }
                    other => emit(other),
                },
            )
            .await;
            let error = match end {
                Some(StreamEvent::Error(e)) if !got_token => e,
                // Success, or a failure after the answer began: the partial answer stands.
                Some(terminal) => return emit(terminal),
                None => return emit(StreamEvent::Error(ApiError::CutOff)),
            };
            let verdict = verdict(&error, policy.fallback_on_client_errors);
            let retry = verdict == Verdict::Retry && attempt <= policy.retries;
            let mut record = HopRecord {
                model: hop.params.model.clone(),
                provider: hop.endpoint.provider.clone(),
                outcome: error.to_string(),
                wait: None,
            };
            if retry {
                let wait = wait_for(&error, attempt, policy);
                record.wait = Some(wait);
                emit(StreamEvent::Hop(record));
                emit(StreamEvent::Retrying {
                    reason: error.short(),
                    wait,
                    attempt,
                    of: policy.retries,
                });
                tokio::time::sleep(wait).await;
                continue;
            }
            emit(StreamEvent::Hop(record));
            if verdict == Verdict::Stop || last_hop {
                return emit(StreamEvent::Error(error));
            }
            break;
        }
        if let Some(next) = next {
            emit(StreamEvent::FellBack {
                model: next.params.model.clone(),
                provider: next.endpoint.provider.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, retry_after: Option<Duration>) -> ApiError {
        ApiError::Http {
            status,
            message: String::new(),
            error_type: None,
            provider: None,
            raw: None,
            retry_after,
            advice: Default::default(),
        }
    }

    #[test]
    fn a_minute_of_retry_after_is_honoured_and_the_server_says_what_retries() {
        let policy = Policy::default();
        let e = http(429, Some(Duration::from_secs(45)));
        assert_eq!(wait_for(&e, 1, &policy), Duration::from_secs(45));
        let e = http(503, Some(Duration::from_secs(60)));
        assert_eq!(wait_for(&e, 1, &policy), Duration::from_secs(60));
        let mut capped = http(429, None);
        if let ApiError::Http { advice, .. } = &mut capped {
            advice.retryable = Some(false);
            advice.resets_at = Some(1);
        }
        assert_eq!(
            verdict(&capped, false),
            Verdict::Next,
            "a daily cap moves on"
        );
        let mut filtered = http(404, None);
        if let ApiError::Http { advice, .. } = &mut filtered {
            advice.retryable = Some(false);
        }
        assert_eq!(verdict(&filtered, false), Verdict::Stop);
        let mut busy = http(404, None);
        if let ApiError::Http { advice, .. } = &mut busy {
            advice.retryable = Some(true);
        }
        assert_eq!(verdict(&busy, false), Verdict::Retry);
    }

    #[test]
    fn which_failures_retry_fall_over_or_stop() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(verdict(&http(s, None), false), Verdict::Retry, "{s}");
        }
        for s in [400, 401, 402, 403, 404] {
            assert_eq!(verdict(&http(s, None), false), Verdict::Stop, "{s}");
            assert_eq!(verdict(&http(s, None), true), Verdict::Next, "{s}");
        }
        assert_eq!(
            verdict(&ApiError::Stalled(Duration::from_secs(1)), false),
            Verdict::Retry
        );
        assert_eq!(
            verdict(&ApiError::Connect("x".into()), false),
            Verdict::Retry
        );
        assert_eq!(
            verdict(&ApiError::Malformed("x".into()), false),
            Verdict::Stop
        );
    }

    #[test]
    fn waits_honour_retry_after_capped_else_back_off() {
        let p = Policy {
            max_wait: Duration::from_secs(5),
            ..Policy::default()
        };
        assert_eq!(
            wait_for(&http(429, Some(Duration::from_secs(3))), 1, &p),
            Duration::from_secs(3)
        );
        assert_eq!(
            wait_for(&http(429, Some(Duration::from_secs(60))), 1, &p),
            Duration::from_secs(5)
        );
        for attempt in 1..=3 {
            let w = wait_for(&http(503, None), attempt, &p).as_millis();
            let base = 500u128 << (attempt - 1);
            assert!(
                w >= base * 75 / 100 && w <= base * 125 / 100,
                "{attempt}: {w}"
            );
        }
        assert_eq!(wait_for(&http(503, None), 30, &p), Duration::from_secs(5));
    }
}
