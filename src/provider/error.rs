//! Typed failures of one request, with messages written for the person at the keyboard.

use std::time::Duration;

use serde_json::Value;

use super::wire::{ErrorBody, ErrorCode, ErrorEnvelope};

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a non-2xx status before streaming began.
    #[error("{}", http_summary(*.status, .message, .provider.as_deref()))]
    Http {
        status: u16,
        message: String,
        error_type: Option<String>,
        provider: Option<String>,
        /// The upstream provider's own error text, often JSON in a string.
        raw: Option<String>,
        retry_after: Option<Duration>,
    },
    /// An `error` object inside a 200 stream: generation started, then failed.
    #[error("failed mid-answer ({code}): {message}")]
    MidStream {
        code: String,
        message: String,
        error_type: Option<String>,
    },
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("connection failed: {0}")]
    Transport(String),
    #[error("the answer was cut off: the connection closed before the end of the stream")]
    CutOff,
    #[error("no data for {}s: the stream stalled", .0.as_secs())]
    Stalled(Duration),
    #[error("the server sent something unreadable: {0}")]
    Malformed(String),
}

fn http_summary(status: u16, message: &str, provider: Option<&str>) -> String {
    let what = match status {
        400 => "bad request",
        401 => "key refused — check the API key",
        402 => "out of credit",
        403 => "refused (moderation or permissions)",
        404 => "not found — check the model id",
        408 => "timed out",
        413 => "request too large",
        422 => "request rejected",
        429 => "rate limited",
        500 => "server error",
        502 => "provider error",
        503 => "no provider available",
        524 | 504 => "upstream timed out",
        529 => "provider overloaded",
        _ => "request failed",
    };
    let mut s = format!("{status} {what}");
    if let Some(p) = provider {
        s.push_str(&format!(" ({p})"));
    }
    if !message.is_empty() {
        s.push_str(": ");
        s.push_str(message);
    }
    s
}

impl ApiError {
    /// Builds the error for a non-2xx response from its status, body and `Retry-After` header.
    pub fn from_response(status: u16, body: &str, retry_after: Option<&str>) -> Self {
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
                (
                    e.message.clone().unwrap_or_default(),
                    text("error_type").or_else(|| e.kind.clone()),
                    text("provider_name"),
                    text("raw"),
                    meta.and_then(|m| m.get("retry_after_seconds"))
                        .and_then(Value::as_f64),
                )
            }
            None => (first_line(body), None, None, None, None),
        };
        let retry_after = retry_after
            .and_then(|v| v.trim().parse::<f64>().ok())
            .or(meta_retry)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_millis((s * 1000.0) as u64));
        ApiError::Http {
            status,
            message,
            error_type,
            provider,
            raw,
            retry_after,
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

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Extra lines worth showing under the summary (the provider's raw error).
    pub fn detail(&self) -> Option<&str> {
        match self {
            ApiError::Http { raw, .. } => raw.as_deref(),
            _ => None,
        }
    }

    /// A short label for a pane footer.
    pub fn short(&self) -> String {
        match self {
            ApiError::Http { status, .. } => format!("error {status}"),
            ApiError::MidStream { code, .. } => format!("failed mid-answer ({code})"),
            ApiError::Connect(_) => "no connection".into(),
            ApiError::Transport(_) => "connection failed".into(),
            ApiError::CutOff => "cut off".into(),
            ApiError::Stalled(_) => "stalled".into(),
            ApiError::Malformed(_) => "bad data".into(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openrouter_error_body_with_metadata() {
        let body = r#"{"error":{"code":429,"message":"Rate limit exceeded","metadata":{"error_type":"rate_limit_exceeded","provider_name":"OpenAI","raw":"{\"detail\":\"slow down\"}"}},"user_id":"u1"}"#;
        let e = ApiError::from_response(429, body, Some("3"));
        assert_eq!(
            e,
            ApiError::Http {
                status: 429,
                message: "Rate limit exceeded".into(),
                error_type: Some("rate_limit_exceeded".into()),
                provider: Some("OpenAI".into()),
                raw: Some("{\"detail\":\"slow down\"}".into()),
                retry_after: Some(Duration::from_secs(3)),
            }
        );
        assert_eq!(
            e.to_string(),
            "429 rate limited (OpenAI): Rate limit exceeded"
        );
    }

    #[test]
    fn string_code_and_flat_vllm_body() {
        let e = ApiError::from_response(
            400,
            r#"{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":"bad_param"}}"#,
            None,
        );
        assert!(matches!(&e, ApiError::Http { message, error_type, .. }
            if message == "bad" && error_type.as_deref() == Some("invalid_request_error")));
        let flat = ApiError::from_response(
            400,
            r#"{"object":"error","message":"too long","type":"BadRequestError","param":null,"code":400}"#,
            None,
        );
        assert!(matches!(&flat, ApiError::Http { message, .. } if message == "too long"));
    }

    #[test]
    fn non_json_body_keeps_its_first_line() {
        let e = ApiError::from_response(502, "\n<html>Bad Gateway</html>\n", None);
        assert!(
            matches!(&e, ApiError::Http { message, .. } if message == "<html>Bad Gateway</html>")
        );
    }

    #[test]
    fn retry_after_from_metadata() {
        let e = ApiError::from_response(
            429,
            r#"{"error":{"code":429,"message":"x","metadata":{"retry_after_seconds":1.5}}}"#,
            None,
        );
        assert!(
            matches!(e, ApiError::Http { retry_after: Some(d), .. } if d == Duration::from_millis(1500))
        );
    }
}
