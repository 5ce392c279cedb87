//! Wire types, serialized with structs (not `json!`) so field order matches OpenRouter's and
//! the output is pleasant to read in a terminal.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

/// The `format` the signing model gives its reasoning items.
pub(crate) const SIGNED_FORMAT: &str = "google-gemini-v1";

#[derive(Serialize, Clone, Debug)]
pub(crate) struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    pub prompt_tokens_details: PromptTokensDetails,
    pub completion_tokens_details: CompletionTokensDetails,
    pub cost: f64,
    pub is_byok: bool,
    pub cost_details: CostDetails,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_tool_use: Option<ServerToolUse>,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct ServerToolUse {
    pub web_search_requests: u64,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct PromptTokensDetails {
    pub cached_tokens: u64,
    pub cache_write_tokens: u64,
    pub audio_tokens: u64,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct CompletionTokensDetails {
    pub reasoning_tokens: u64,
    pub image_tokens: u64,
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct CostDetails {
    pub upstream_inference_cost: Option<f64>,
    pub upstream_inference_prompt_cost: f64,
    pub upstream_inference_completions_cost: f64,
}

/// OpenRouter's fee on a bring-your-own-key request, as a share of the upstream cost.
pub(crate) const BYOK_FEE: f64 = 0.05;

/// Rounds a USD amount so sums of tiny per-token prices do not print as 0.00012300000000000001.
pub(crate) fn round_usd(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

impl Usage {
    /// Usage of a bring-your-own-key request: the upstream provider bills the key's owner
    /// (`upstream_inference_cost`), and OpenRouter's own charge (`cost`) is its 5% fee.
    pub fn byok(self) -> Self {
        let upstream = self.cost;
        Usage {
            cost: round_usd(upstream * BYOK_FEE),
            is_byok: true,
            cost_details: CostDetails {
                upstream_inference_cost: Some(upstream),
                ..self.cost_details
            },
            ..self
        }
    }

    pub fn new(
        prompt_tokens: u64,
        completion_tokens: u64,
        reasoning_tokens: u64,
        prompt_price: f64,
        completion_price: f64,
    ) -> Self {
        let prompt_cost = round_usd(prompt_tokens as f64 * prompt_price);
        let completion_cost = round_usd(completion_tokens as f64 * completion_price);
        Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens + completion_tokens,
            prompt_tokens_details: PromptTokensDetails {
                cached_tokens: 0,
                cache_write_tokens: 0,
                audio_tokens: 0,
            },
            completion_tokens_details: CompletionTokensDetails {
                reasoning_tokens,
                image_tokens: 0,
            },
            cost: round_usd(prompt_cost + completion_cost),
            is_byok: false,
            cost_details: CostDetails {
                upstream_inference_cost: None,
                upstream_inference_prompt_cost: prompt_cost,
                upstream_inference_completions_cost: completion_cost,
            },
            server_tool_use: None,
        }
    }

    /// The usage with `searches` web searches at `price` each added to what it costs.
    pub fn searched(mut self, searches: u64, price: f64) -> Self {
        if searches > 0 {
            self.cost = round_usd(self.cost + searches as f64 * price);
            self.server_tool_use = Some(ServerToolUse {
                web_search_requests: searches,
            });
        }
        self
    }
}

#[derive(Serialize, Clone, Debug)]
pub(crate) struct ReasoningDetail {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
    pub signature: Option<String>,
    pub id: String,
    pub format: &'static str,
    pub index: u32,
}

impl ReasoningDetail {
    pub fn text(text: String, id: &str) -> Self {
        ReasoningDetail {
            kind: "reasoning.text",
            text,
            signature: None,
            id: id.to_owned(),
            format: "unknown",
            index: 0,
        }
    }

    /// The signing model's pieces: its format, and the signature on the last, empty piece.
    pub fn signed(text: String, id: &str, signature: Option<String>) -> Self {
        ReasoningDetail {
            signature,
            format: SIGNED_FORMAT,
            ..Self::text(text, id)
        }
    }
}

#[derive(Serialize, Default, Debug)]
pub(crate) struct Delta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_details: Option<Vec<ReasoningDetail>>,
    /// Citations of the pages a web search found, on the finishing chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Value>>,
}

#[derive(Serialize, Debug)]
pub(crate) struct ChunkChoice {
    pub index: u32,
    pub delta: Delta,
    pub finish_reason: Option<&'static str>,
    pub native_finish_reason: Option<&'static str>,
    pub logprobs: Option<()>,
}

/// The in-band error choice of §3: deliberately only the fields the reference shows.
#[derive(Serialize, Debug)]
pub(crate) struct ErrorChoice {
    pub index: u32,
    pub delta: Delta,
    pub finish_reason: &'static str,
}

#[derive(Serialize, Debug)]
pub(crate) struct Chunk<'a, C: Serialize> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: i64,
    pub model: &'a str,
    pub provider: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    pub choices: Vec<C>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// What the router did, on the last chunk, when `X-OpenRouter-Metadata: enabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openrouter_metadata: Option<Value>,
}

#[derive(Serialize, Debug)]
pub(crate) struct Message {
    pub role: &'static str,
    pub content: String,
    pub refusal: Option<String>,
    pub reasoning: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_details: Option<Vec<ReasoningDetail>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Value>>,
}

#[derive(Serialize, Debug)]
pub(crate) struct Choice {
    pub index: u32,
    pub finish_reason: &'static str,
    pub native_finish_reason: &'static str,
    pub logprobs: Option<()>,
    pub message: Message,
}

#[derive(Serialize, Debug)]
pub(crate) struct Completion<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: i64,
    pub model: &'a str,
    pub provider: &'a str,
    pub system_fingerprint: Option<String>,
    pub choices: Vec<Choice>,
    pub usage: Usage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openrouter_metadata: Option<Value>,
}

/// An OpenRouter error response: status, body and optional `Retry-After`.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<u64>,
    /// Other headers the reply carries (`X-RateLimit-*`).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: serde_json::json!({
                "error": { "code": status.as_u16(), "message": message.into() }
            }),
            retry_after: None,
            headers: Vec::new(),
        }
    }

    /// An error with a body of its own shape.
    pub fn with_body(status: StatusCode, body: Value) -> Self {
        ApiError {
            status,
            body,
            retry_after: None,
            headers: Vec::new(),
        }
    }

    pub fn with_metadata(status: StatusCode, message: impl Into<String>, metadata: Value) -> Self {
        ApiError {
            status,
            body: serde_json::json!({
                "error": { "code": status.as_u16(), "message": message.into(), "metadata": metadata }
            }),
            retry_after: None,
            headers: Vec::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, v);
            }
        }
        response
    }
}

/// `data: {json}\n\n`, or `None` if serialization failed (it cannot for these types).
pub(crate) fn sse_data<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value)
        .ok()
        .map(|json| format!("data: {json}\n\n"))
}
