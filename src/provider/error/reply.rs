//! Reading a failed reply: the status, the error body in its several shapes, and the
//! headers that say when to try again.

use std::time::Duration;

use serde_json::Value;

use super::ApiError;
use crate::provider::wire::{ErrorBody, ErrorCode, ErrorEnvelope};

impl ApiError {
    /// Builds the error for a non-2xx response from its status, body and `Retry-After` header.
    pub fn from_response(status: u16, body: &str, retry_after: Option<&str>) -> Self {
        Self::from_reply(status, body, retry_after, None)
    }

    /// As [`ApiError::from_response`], with the `X-RateLimit-Reset` header (unix ms) too.
    pub fn from_reply(
        status: u16,
        body: &str,
        retry_after: Option<&str>,
        ratelimit_reset: Option<&str>,
    ) -> Self {
        let parsed: Option<ErrorBody> =
            serde_json::from_str::<ErrorEnvelope>(body)
                .ok()
                .map(|e| match e {
                    ErrorEnvelope::Wrapped { error } | ErrorEnvelope::Flat(error) => error,
                });
        let (message, error_type, provider, raw, meta_retry) = match &parsed {
            Some(e) => {
                let meta = e.metadata.as_ref();
                let text = |k: &str| meta.and_then(|m| m.get(k)).and_then(value_text);
                let mut message = e.message.clone().unwrap_or_default();
                let reasons: Vec<&str> = meta
                    .and_then(|m| m.get("reasons"))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if !reasons.is_empty() {
                    message.push_str(&format!(" (flagged: {})", reasons.join(", ")));
                }
                (
                    message,
                    text("error_type").or_else(|| e.kind.clone()),
                    text("provider_name"),
                    text("raw"),
                    meta.and_then(|m| m.get("retry_after_seconds"))
                        .and_then(Value::as_f64),
                )
            }
            None => (first_line(body), None, None, None, None),
        };
        let availability = parsed
            .as_ref()
            .and_then(|_| serde_json::from_str::<Value>(body).ok())
            .and_then(|v| v.pointer("/error/availability").cloned());
        let avail_retry = availability
            .as_ref()
            .and_then(|a| a.get("retry_after"))
            .and_then(Value::as_f64);
        let retry_after = retry_after
            .and_then(|v| v.trim().parse::<f64>().ok())
            .or(meta_retry)
            .or(avail_retry)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_millis((s * 1000.0) as u64));
        let resets_at = ratelimit_reset.and_then(|v| v.trim().parse::<i64>().ok());
        let advice =
            crate::provider::advice::advise(status, &message, availability.as_ref(), resets_at);
        ApiError::Http {
            status,
            message,
            error_type: error_type.or_else(|| {
                availability
                    .as_ref()
                    .and_then(|a| a.get("code"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }),
            provider,
            raw,
            retry_after,
            advice,
        }
    }

    /// The `error` object of a chunk that arrived after streaming began.
    pub fn mid_stream(body: &ErrorBody) -> Self {
        let code = match &body.code {
            Some(ErrorCode::Number(n)) => n.to_string(),
            Some(ErrorCode::Text(t)) => t.clone(),
            None => "error".into(),
        };
        let error_type = body
            .metadata
            .as_ref()
            .and_then(|m| m.get("error_type"))
            .and_then(value_text);
        ApiError::MidStream {
            code,
            message: body.message.clone().unwrap_or_default(),
            error_type,
        }
    }
}

/// Whether a 400 body says `max_tokens` is not supported (OpenAI's reasoning models:
/// `unsupported_parameter` naming `max_tokens`, "Use 'max_completion_tokens' instead"), directly
/// or inside OpenRouter's `metadata.raw`.
pub fn refuses_max_tokens(body: &str) -> bool {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    let e = v.get("error").unwrap_or(&v);
    let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
    let raw = e
        .pointer("/metadata/raw")
        .and_then(Value::as_str)
        .unwrap_or("");
    let said = format!("{} {raw}", text("message"));
    let names = text("param") == "max_tokens" || said.contains("max_tokens");
    let unsupported = text("code") == "unsupported_parameter"
        || said.contains("unsupported_parameter")
        || said.contains("Unsupported parameter")
        || said.contains("not supported")
        || said.contains("max_completion_tokens");
    names && unsupported
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn first_line(body: &str) -> String {
    let line = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.chars().take(300).collect()
}
