//! Serde types for the OpenAI/OpenRouter chat-completions wire format.
//!
//! Every response field is optional and unknown fields are kept, because servers differ and
//! the reference allows new fields at any time.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
    /// The tool calls an assistant message made, as the wire has them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_calls: Option<Vec<serde_json::Value>>,
    /// The reasoning items an assistant message came with, exactly as received (merged per
    /// `index`): sent back unchanged so the model keeps its reasoning across turns.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reasoning_details: Option<Vec<serde_json::Value>>,
    /// Which call a `tool` message answers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_call_id: Option<String>,
    /// Images as data URLs; the request body turns content and images into parts.
    #[serde(skip)]
    pub images: Vec<String>,
    /// Marks this message's text for prompt caching (OpenRouter only).
    #[serde(skip)]
    pub cache_control: Option<serde_json::Value>,
}

impl Message {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            tool_calls: None,
            reasoning_details: None,
            tool_call_id: None,
            images: Vec::new(),
            cache_control: None,
        }
    }
}

/// `error.code` is a number on OpenRouter but a string (or null) on several local servers.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ErrorCode {
    Number(u16),
    Text(String),
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ErrorBody {
    pub code: Option<ErrorCode>,
    pub message: Option<String>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// The error envelope: `{"error":{…}}`, or vLLM's older flat `{"object":"error","message":…}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum ErrorEnvelope {
    Wrapped { error: ErrorBody },
    Flat(ErrorBody),
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct PromptTokensDetails {
    pub cached_tokens: Option<u64>,
    pub cache_write_tokens: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct CompletionTokensDetails {
    pub reasoning_tokens: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Usage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub total_tokens: Option<u64>,
    /// USD charged; OpenRouter always reports it, other servers never do.
    pub cost: Option<f64>,
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    pub completion_tokens_details: Option<CompletionTokensDetails>,
    /// What server-side tools (web search) did for the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_tool_use: Option<ServerToolUse>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct ServerToolUse {
    pub web_search_requests: Option<u64>,
}

impl Usage {
    /// How many web searches the server made for the answer.
    pub fn web_searches(&self) -> u64 {
        self.server_tool_use
            .as_ref()
            .and_then(|s| s.web_search_requests)
            .unwrap_or(0)
    }

    pub fn reasoning_tokens(&self) -> Option<u64> {
        self.completion_tokens_details
            .as_ref()
            .and_then(|d| d.reasoning_tokens)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Delta {
    pub content: Option<String>,
    pub reasoning: Option<String>,
    /// llama.cpp, older vLLM and LM Studio put reasoning here.
    pub reasoning_content: Option<String>,
    pub refusal: Option<String>,
    #[serde(default)]
    pub tool_calls: Option<Vec<ToolCallDelta>>,
    /// Structured reasoning items (`reasoning.text`, `reasoning.summary`,
    /// `reasoning.encrypted`, …), kept as JSON so they can be sent back unchanged.
    #[serde(default)]
    pub reasoning_details: Option<Vec<Value>>,
    /// Citations of a web search (`url_citation`), and parsed files.
    #[serde(default)]
    pub annotations: Option<Vec<Value>>,
}

/// A fragment of a streamed tool call: the first has the id and name, later ones only
/// pieces of the arguments, all keyed by `index`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ToolCallDelta {
    #[serde(default)]
    pub index: Option<usize>,
    pub id: Option<String>,
    pub function: Option<FunctionDelta>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FunctionDelta {
    pub name: Option<String>,
    pub arguments: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ChunkChoice {
    #[serde(default)]
    pub delta: Option<Delta>,
    /// Non-streaming replies carry the whole message here instead of a delta.
    #[serde(default)]
    pub message: Option<Delta>,
    pub finish_reason: Option<String>,
    /// The upstream provider's own reason (`end_turn`, `MAX_TOKENS`, `SAFETY`, …).
    pub native_finish_reason: Option<String>,
    /// A failure reported inside the choice rather than at the top level.
    pub error: Option<ErrorBody>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Chunk {
    pub id: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    pub usage: Option<Usage>,
    pub error: Option<ErrorBody>,
    /// What OpenRouter's router did (attempts, endpoints), when asked for by header.
    pub openrouter_metadata: Option<Value>,
    /// `debug.echo_upstream_body`: the body as the provider received it.
    pub debug: Option<Value>,
}
