//! Reading a `POST /chat/completions` body: the parts the simulator looks at, with the
//! validation errors OpenRouter gives for malformed ones.

use serde_json::Value;

use super::wire::ApiError;

/// Model used when the request names none, standing in for OpenRouter's account default.
const DEFAULT_MODEL: &str = "sim/swift";

/// Per-message overhead added to the prompt token estimate (role markers, separators).
const TOKENS_PER_MESSAGE: u64 = 4;

/// The parts of the request body the simulator looks at.
pub(super) struct ChatRequest {
    pub candidates: Vec<String>,
    pub stream: bool,
    pub max_tokens: Option<u64>,
    pub last_user_text: String,
    pub prompt_tokens: u64,
    pub reasoning_enabled: bool,
    pub reasoning_shown: bool,
    /// Whether the cap came as `max_tokens` (not `max_completion_tokens`).
    pub sent_max_tokens: bool,
    /// The `provider` routing preferences.
    pub provider: Option<Value>,
    /// The last user message's images: media type and decoded size in bytes.
    pub images: Vec<(String, usize)>,
    /// The web search the `tools` ask for.
    pub web_search: Option<super::search::Search>,
}

/// Each image's media type and size, from `image_url` parts holding data URLs.
fn content_images(content: &Value) -> Vec<(String, usize)> {
    let Value::Array(parts) = content else {
        return Vec::new();
    };
    parts
        .iter()
        .filter_map(|p| p.pointer("/image_url/url").and_then(Value::as_str))
        .map(|url| {
            let (head, data) = url.split_once(',').unwrap_or(("", url));
            let mime = head
                .strip_prefix("data:")
                .and_then(|h| h.split(';').next())
                .unwrap_or("image/url");
            let padding = data.bytes().rev().take_while(|&b| b == b'=').count();
            (
                mime.to_string(),
                (data.len() / 4 * 3).saturating_sub(padding),
            )
        })
        .collect()
}

fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

pub(super) fn parse_request(body: &[u8]) -> Result<ChatRequest, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON in request body: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request("Request body must be a JSON object"));
    }
    let messages = match value.get("messages") {
        Some(Value::Array(m)) if !m.is_empty() => m,
        Some(Value::Array(_)) => {
            return Err(ApiError::bad_request("messages must not be empty"));
        }
        Some(_) => return Err(ApiError::bad_request("messages must be an array")),
        None => return Err(ApiError::bad_request("messages is required")),
    };
    super::strict::check_tool_turns(messages)?;
    let web_search = super::search::read(&value)?;

    let mut candidates = Vec::new();
    match value.get("model") {
        Some(Value::String(m)) => candidates.push(m.clone()),
        None | Some(Value::Null) => {}
        Some(_) => return Err(ApiError::bad_request("model must be a string")),
    }
    match value.get("models") {
        Some(Value::Array(list)) => {
            for m in list {
                match m.as_str() {
                    Some(id) => candidates.push(id.to_owned()),
                    None => {
                        return Err(ApiError::bad_request("models must be an array of strings"))
                    }
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(ApiError::bad_request("models must be an array of strings")),
    }
    if candidates.is_empty() {
        candidates.push(DEFAULT_MODEL.to_owned());
    }

    let texts: Vec<(Option<&str>, String)> = messages
        .iter()
        .map(|m| {
            let role = m.get("role").and_then(Value::as_str);
            (role, m.get("content").map(content_text).unwrap_or_default())
        })
        .collect();
    let chars: usize = texts.iter().map(|(_, t)| t.chars().count()).sum();
    let prompt_tokens = (chars as u64 / 4).max(1) + TOKENS_PER_MESSAGE * texts.len() as u64;
    let last_user_text = texts
        .iter()
        .rev()
        .find(|(role, _)| *role == Some("user"))
        .or_else(|| texts.last())
        .map(|(_, t)| t.clone())
        .unwrap_or_default();

    let images = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|m| m.get("content"))
        .map(content_images)
        .unwrap_or_default();
    // Roughly what a small image costs in prompt tokens.
    let prompt_tokens = prompt_tokens + 85 * images.len() as u64;

    let sent_max_tokens = value.get("max_tokens").is_some();
    match value.get("session_id") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.chars().count() <= 256 => {}
        Some(_) => {
            return Err(ApiError::bad_request(
                "session_id must be a string of at most 256 characters",
            ))
        }
    }
    let max_tokens = ["max_tokens", "max_completion_tokens"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_u64))
        .filter(|n| *n > 0);

    let reasoning = value.get("reasoning");
    let flag = |key: &str| reasoning.and_then(|r| r.get(key)).and_then(Value::as_bool);
    let effort_none = reasoning
        .and_then(|r| r.get("effort"))
        .and_then(Value::as_str)
        == Some("none")
        || value.get("reasoning_effort").and_then(Value::as_str) == Some("none");
    let reasoning_enabled = flag("enabled") != Some(false) && !effort_none;
    let reasoning_shown = flag("exclude") != Some(true)
        && value.get("include_reasoning").and_then(Value::as_bool) != Some(false);

    Ok(ChatRequest {
        candidates,
        stream: value.get("stream").and_then(Value::as_bool) == Some(true),
        max_tokens,
        last_user_text,
        prompt_tokens,
        reasoning_enabled,
        reasoning_shown,
        sent_max_tokens,
        provider: value.get("provider").cloned(),
        images,
        web_search,
    })
}
