//! One model's answer to one prompt: its text, its progress, its figures and its cost.

use std::time::{Duration, Instant};

use crate::cost::ModelPrice;
use crate::provider::{ApiError, Usage};
use crate::route::HopRecord;

/// A retry being waited for.
/// One request's name, from the moment it is started: its stream's events, its cancel and
/// its bill all say which request they are about by it. Never reused within a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

impl RequestId {
    /// This id, and the next one moved past it.
    pub fn take(&mut self) -> RequestId {
        let id = *self;
        self.0 += 1;
        id
    }
}

impl From<u64> for RequestId {
    fn from(n: u64) -> Self {
        Self(n)
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Retrying {
    pub until: Instant,
    pub reason: String,
    pub attempt: u32,
    pub of: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Sent; no token yet.
    Waiting,
    Streaming,
    Done,
    Failed(ApiError),
    Cancelled,
    /// Cancelled by the budget guard.
    OverBudget,
}

impl Status {
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Waiting | Status::Streaming)
    }

    /// A short word for records and footers.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Streaming => "streaming",
            Status::Done => "done",
            Status::Failed(_) => "failed",
            Status::Cancelled => "cancelled",
            Status::OverBudget => "stopped: budget",
        }
    }
}

/// What an answer cost, and how sure we are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CostView {
    /// `usage.cost`, the server's own figure.
    Reported(f64),
    /// What `/generation` says was billed (with the upstream bill of a BYOK request).
    Billed(f64),
    /// Tokens × known prices.
    Estimated(f64),
    /// No price known (or a dynamic one): never shown as $0.
    Unpriced,
}

impl CostView {
    /// The amount to count against budgets; unpriced counts as nothing.
    pub fn usd(self) -> f64 {
        match self {
            CostView::Reported(v) | CostView::Billed(v) | CostView::Estimated(v) => v,
            CostView::Unpriced => 0.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub request: RequestId,
    pub status: Status,
    pub text: String,
    pub reasoning: String,
    pub served_model: Option<String>,
    pub served_provider: Option<String>,
    pub generation_id: Option<String>,
    pub started: Instant,
    pub first_token: Option<Instant>,
    pub finished: Option<Instant>,
    /// Completion tokens (reasoning included) estimated from the text while no usage is reported.
    pub estimated_tokens: u64,
    /// Prompt tokens estimated from the request's messages.
    pub prompt_tokens_estimate: u64,
    pub usage: Option<Usage>,
    pub finish_reason: Option<String>,
    /// The upstream provider's own reason, when the server reports one.
    pub native_finish_reason: Option<String>,
    /// OpenRouter's own account of its routing, when asked for.
    pub router: Option<serde_json::Value>,
    /// The body as the provider received it, when the pane asked for the echo.
    pub upstream_body: Option<serde_json::Value>,
    /// The billed figures from `/generation`, once they arrive.
    pub billed: Option<crate::provider::generation::Billed>,
    /// Why no billed figure came (asked for too long, refused).
    pub unbilled: Option<String>,
    /// Set when the server refused `max_tokens` and the request went again with this field.
    pub token_field: Option<crate::provider::request::TokenField>,
    /// Structured reasoning items, merged per `index`, exactly as the model sent them; they go
    /// back on this answer's assistant message in follow-ups.
    pub reasoning_details: Vec<serde_json::Value>,
    /// Prices known when the request was sent.
    pub price: Option<ModelPrice>,
    /// Sent past the budget guard on purpose; the guard leaves it alone.
    pub budget_exempt: bool,
    /// Every failed attempt before the one that answered (or the last).
    pub hops: Vec<HopRecord>,
    pub retrying: Option<Retrying>,
    /// The model the chain fell back to, client-side.
    pub fell_back: Option<String>,
    /// How much of `text` and `reasoning` the history database has, and when it got it.
    pub saved_text: usize,
    pub saved_reasoning: usize,
    pub checkpoint_at: Option<Instant>,
    /// When each piece arrived, not yet saved: `a<ms>,<bytes>;` or `r<ms>,<bytes>;`.
    pub timeline: String,
    /// Tools the model called, assembled as they stream.
    pub tool_calls: Vec<crate::tools::ToolCall>,
    /// When structured output was asked for: whether the answer is valid JSON for it.
    pub structured: Option<Result<(), String>>,
    /// Pages a web search found and the answer cites.
    pub citations: Vec<crate::provider::citation::Citation>,
    /// What one web search costs on this model, from the catalog when the searches were
    /// counted, when known.
    pub search_price: Option<f64>,
}

impl Answer {
    pub fn new(request: impl Into<RequestId>, started: Instant) -> Self {
        let request = request.into();
        Self {
            request,
            status: Status::Waiting,
            text: String::new(),
            reasoning: String::new(),
            served_model: None,
            served_provider: None,
            generation_id: None,
            started,
            first_token: None,
            finished: None,
            estimated_tokens: 0,
            prompt_tokens_estimate: 0,
            usage: None,
            finish_reason: None,
            native_finish_reason: None,
            token_field: None,
            billed: None,
            unbilled: None,
            router: None,
            upstream_body: None,
            reasoning_details: Vec::new(),
            price: None,
            budget_exempt: false,
            hops: Vec::new(),
            retrying: None,
            fell_back: None,
            saved_text: 0,
            saved_reasoning: 0,
            checkpoint_at: None,
            timeline: String::new(),
            tool_calls: Vec::new(),
            structured: None,
            citations: Vec::new(),
            search_price: None,
        }
    }

    /// The text as shown: with each cited passage marked `[n]` once the answer is whole.
    pub fn shown_text(&self) -> std::borrow::Cow<'_, str> {
        if self.citations.is_empty() || self.status.is_active() {
            std::borrow::Cow::Borrowed(&self.text)
        } else {
            std::borrow::Cow::Owned(crate::provider::citation::marked(
                &self.text,
                &self.citations,
            ))
        }
    }

    /// Web searches made for it, and what they cost when the price is known.
    pub fn searches(&self) -> Option<(u64, Option<f64>)> {
        let n = self
            .usage
            .as_ref()
            .map_or(0, crate::provider::Usage::web_searches);
        (n > 0).then(|| (n, self.search_price.map(|p| p * n as f64)))
    }

    /// Completion tokens, and whether the figure is the server's own.
    pub fn tokens(&self) -> (u64, bool) {
        match self.usage.as_ref().and_then(|u| u.completion_tokens) {
            Some(n) => (n, true),
            None => (self.estimated_tokens, false),
        }
    }

    pub fn prompt_tokens(&self) -> (u64, bool) {
        match self.usage.as_ref().and_then(|u| u.prompt_tokens) {
            Some(n) => (n, true),
            None => (self.prompt_tokens_estimate, false),
        }
    }

    pub fn ttft(&self) -> Option<Duration> {
        self.first_token
            .map(|t| t.saturating_duration_since(self.started))
    }

    pub fn elapsed(&self, now: Instant) -> Duration {
        self.finished
            .unwrap_or(now)
            .saturating_duration_since(self.started)
    }

    /// Tokens per second since the first token.
    pub fn rate(&self, now: Instant) -> Option<f64> {
        let first = self.first_token?;
        let secs = self
            .finished
            .unwrap_or(now)
            .saturating_duration_since(first);
        let (tokens, _) = self.tokens();
        (secs.as_millis() >= 50 && tokens > 0).then(|| tokens as f64 / secs.as_secs_f64())
    }

    /// Its figures for a scoreboard or a group of reruns: ok when it finished.
    pub fn sample(&self, now: Instant) -> crate::judge::Sample {
        crate::judge::Sample {
            ok: self.status == Status::Done,
            passed: self.status == Status::Done,
            ttft_ms: self.ttft().map(|d| d.as_secs_f64() * 1000.0),
            tokens_per_s: self.rate(now),
            cost: match self.cost() {
                CostView::Unpriced => None,
                c => Some(c.usd()),
            },
        }
    }

    pub fn failed_before_answering(&self) -> bool {
        matches!(self.status, Status::Failed(_))
            && self.first_token.is_none()
            && self.usage.is_none()
    }

    /// Whether another model than the one asked for answered (either side of the wire). The
    /// concrete model behind a variant, a router or an alias is the one asked for; a model from
    /// the fallback list is not.
    pub fn is_fallback(&self, requested: &str, fallbacks: &[String]) -> bool {
        self.fell_back.is_some()
            || self.served_model.as_deref().is_some_and(|m| {
                m != requested
                    && (fallbacks.iter().any(|f| f == m)
                        || !crate::catalog::variant::same_model(requested, m))
            })
    }

    pub fn cost(&self) -> CostView {
        if let Some(b) = &self.billed {
            return CostView::Billed(b.booked());
        }
        if let Some(c) = self.usage.as_ref().and_then(|u| u.cost) {
            return CostView::Reported(c);
        }
        // A request refused before generating anything is not billed.
        if self.failed_before_answering() {
            return CostView::Estimated(0.0);
        }
        let Some(price) = self.price else {
            return CostView::Unpriced;
        };
        let (prompt, _) = self.prompt_tokens();
        let (completion, _) = self.tokens();
        match price.cost(prompt, completion) {
            Some(c) => CostView::Estimated(c),
            None => CostView::Unpriced,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_then_reported_cost() {
        let mut a = Answer::new(1, Instant::now());
        assert_eq!(a.cost(), CostView::Unpriced);
        a.price = Some(ModelPrice::per_million(15.0, 75.0));
        a.prompt_tokens_estimate = 1000;
        a.estimated_tokens = 100;
        match a.cost() {
            CostView::Estimated(c) => assert!((c - 0.0225).abs() < 1e-12, "{c}"),
            other => panic!("{other:?}"),
        }
        // Exact token counts from a server that reports no cost refine the estimate.
        a.usage = Some(Usage {
            prompt_tokens: Some(1000),
            completion_tokens: Some(200),
            ..Usage::default()
        });
        assert!(matches!(a.cost(), CostView::Estimated(c) if (c - 0.03).abs() < 1e-12));
        a.usage = Some(Usage {
            cost: Some(0.031),
            ..Usage::default()
        });
        assert_eq!(a.cost(), CostView::Reported(0.031));
        assert_eq!(CostView::Unpriced.usd(), 0.0);
    }

    #[test]
    fn dynamic_price_is_unpriced() {
        let mut a = Answer::new(1, Instant::now());
        a.price = Some(ModelPrice {
            prompt: crate::cost::Price::Dynamic,
            completion: crate::cost::Price::Dynamic,
        });
        a.estimated_tokens = 10;
        assert_eq!(a.cost(), CostView::Unpriced);
    }
}
