//! The generation plan: everything one response needs, decided before the first byte so the
//! streaming and non-streaming modes agree.

use axum::http::HeaderName;
use serde_json::Value;
use tokio::time::Instant;

use super::models::SimModel;
use super::state::{GenRecord, SimState};
use super::wire::Usage;

pub(crate) const GENERATION_ID_HEADER: HeaderName = HeaderName::from_static("x-generation-id");

/// How a generation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    Finish {
        reason: &'static str,
        native: &'static str,
    },
    Cutoff,
    MidFail,
    Stall,
    /// `finish_reason: "error"` with this native reason, and no error object.
    ErrorFinish(&'static str),
}

impl Ending {
    /// The finish and native reasons of an ending that sends a finish chunk.
    pub fn finish(self) -> Option<(&'static str, &'static str)> {
        match self {
            Ending::Finish { reason, native } => Some((reason, native)),
            Ending::ErrorFinish(native) => Some(("error", native)),
            Ending::Cutoff | Ending::MidFail | Ending::Stall => None,
        }
    }
}

/// Everything needed to produce one response, decided up front so both response modes agree.
pub(crate) struct Plan {
    pub id: String,
    pub created: i64,
    pub model: &'static SimModel,
    /// The provider serving it, as routing chose.
    pub provider: &'static str,
    /// How much slower than the model's own pace this endpoint runs.
    pub slowdown: f64,
    pub prompt_tokens: u64,
    /// Reasoning pieces generated (and billed), whether or not they are shown.
    pub reasoning: Vec<String>,
    pub show_reasoning: bool,
    /// Answer pieces to send.
    pub content: Vec<String>,
    pub ending: Ending,
    /// Seeds the grouping of pieces into chunks, so a replay chunks identically.
    pub chunk_seed: u64,
    pub started: Instant,
    /// `openrouter_metadata` for the last chunk, when the request asked for it.
    pub metadata: Option<Value>,
    /// `debug.echo_upstream_body`: the body as the provider received it, when asked for.
    pub echo: Option<Value>,
    /// Web searches made for the answer, and what each cost.
    pub searches: (u64, f64),
    /// `url_citation` annotations of the answer's text.
    pub citations: Vec<Value>,
}

impl Plan {
    /// When the `k`-th generated token (0-based, reasoning first) is ready.
    pub fn token_time(&self, state: &SimState, k: usize) -> Instant {
        let ms =
            (self.model.ttft_ms + k as f64 * 1000.0 / self.model.tokens_per_sec) * self.slowdown;
        self.started + state.scaled(ms)
    }

    pub fn usage(&self, completion_tokens: u64, reasoning_tokens: u64) -> Usage {
        let usage = Usage::new(
            self.prompt_tokens,
            completion_tokens,
            reasoning_tokens,
            self.model.prompt_price_usd(),
            self.model.completion_price_usd(),
        );
        let usage = if self.model.byok() {
            usage.byok()
        } else {
            usage
        };
        usage.searched(self.searches.0, self.searches.1)
    }

    /// Every token the plan generates, reasoning included.
    pub fn generated(&self) -> (usize, usize) {
        (
            self.reasoning.len() + self.content.len(),
            self.reasoning.len(),
        )
    }

    /// The citations of the text actually sent (a capped answer may stop before some).
    pub fn citations_sent(&self) -> Option<Vec<Value>> {
        let sent: usize = self.content.iter().map(|p| p.chars().count()).sum();
        let kept: Vec<Value> = self
            .citations
            .iter()
            .filter(|c| {
                c.pointer("/url_citation/end_index")
                    .and_then(Value::as_u64)
                    .is_some_and(|e| e as usize <= sent)
            })
            .cloned()
            .collect();
        (!kept.is_empty()).then_some(kept)
    }

    pub fn reasoning_id(&self) -> String {
        format!("rs_{}", self.id.trim_start_matches("gen-"))
    }

    /// Stores the outcome for `/generation` and `/key`.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        state: &SimState,
        completion_tokens: u64,
        reasoning_tokens: u64,
        first_token: Option<Instant>,
        finish: Option<(&str, &str)>,
        streamed: bool,
        cancelled: bool,
    ) -> Usage {
        let usage = self.usage(completion_tokens, reasoning_tokens);
        let now = Instant::now();
        let ms = |t: Instant| t.duration_since(self.started).as_millis() as u64;
        state.record(GenRecord {
            id: self.id.clone(),
            total_cost: usage.cost,
            model: self.model.id.to_owned(),
            provider_name: self.provider.to_owned(),
            tokens_prompt: self.prompt_tokens,
            tokens_completion: completion_tokens,
            native_tokens_prompt: self.prompt_tokens,
            native_tokens_completion: completion_tokens,
            native_tokens_reasoning: reasoning_tokens,
            native_tokens_cached: 0,
            latency: first_token.map(ms).unwrap_or_else(|| ms(now)),
            generation_time: ms(now),
            finish_reason: finish.map(|f| f.0.to_owned()),
            native_finish_reason: finish.map(|f| f.1.to_owned()),
            streamed,
            cancelled,
            is_byok: usage.is_byok,
            upstream_inference_cost: usage.cost_details.upstream_inference_cost,
        });
        usage
    }
}
