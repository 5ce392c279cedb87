//! Typed failures of one request, with messages written for the person at the keyboard: in
//! the playground the next step names its key (the user's, see [`super::steps`]), on the
//! command line it is said in plain words.

use std::time::Duration;

use serde_json::Value;

use super::steps::StepKeys;
use super::wire::{ErrorBody, ErrorCode, ErrorEnvelope};

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server answered with a non-2xx status before streaming began.
    Http {
        status: u16,
        message: String,
        error_type: Option<String>,
        provider: Option<String>,
        /// The upstream provider's own error text, often JSON in a string.
        raw: Option<String>,
        retry_after: Option<Duration>,
        /// What this particular failure means and what to do, when the body says more than
        /// the status.
        advice: Advice,
    },
    /// An `error` object inside a 200 stream: generation started, then failed.
    MidStream {
        code: String,
        message: String,
        error_type: Option<String>,
    },
    Connect(String),
    Transport(String),
    CutOff,
    Stalled(Duration),
    Malformed(String),
    /// Refused here, before any request: the reason.
    NotSent(String),
    /// A failure read back from the history: its message as it was shown then.
    Recorded(String),
}

/// A next step in two wordings: with the playground's keys, named by their steps' slots
/// (`{retry}`), and in plain words for a command line, where those keys do nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hint {
    pub keys: String,
    pub plain: String,
}

impl Hint {
    pub fn new(keys: impl Into<String>, plain: impl Into<String>) -> Self {
        Self {
            keys: keys.into(),
            plain: plain.into(),
        }
    }

    fn says(&self, audience: Audience) -> String {
        match audience {
            Audience::Playground(keys) => keys.fill(&self.keys),
            Audience::CommandLine => self.plain.clone(),
        }
    }
}

/// Who reads a message: someone in the playground, with their keys, or a script's log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Audience<'a> {
    Playground(&'a StepKeys),
    CommandLine,
}

impl std::fmt::Display for ApiError {
    /// The playground's wording with the default keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Audience::Playground(&StepKeys::default())))
    }
}

impl std::error::Error for ApiError {}

/// What a failure's body says beyond its status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Advice {
    /// Replaces the status's generic next step.
    pub hint: Option<Hint>,
    /// The server's own word on whether trying again can help (`error.availability`).
    pub retryable: Option<bool>,
    /// A 402's "can only afford N": the most `max_tokens` the key can pay for.
    pub afford: Option<u32>,
    /// When a rate limit resets (unix milliseconds, `X-RateLimit-Reset`).
    pub resets_at: Option<i64>,
}

impl ApiError {
    /// The same error with server-sent text cleaned of escapes and control characters, so
    /// it can be drawn, stored and printed safely.
    pub fn cleaned(self) -> Self {
        use crate::sanitize::clean;
        let opt = |s: Option<String>| s.map(|s| clean(&s));
        match self {
            ApiError::Http {
                status,
                message,
                error_type,
                provider,
                raw,
                retry_after,
                advice,
            } => ApiError::Http {
                status,
                message: clean(&message),
                error_type: opt(error_type),
                provider: opt(provider),
                raw: opt(raw),
                retry_after,
                advice: Advice {
                    hint: advice
                        .hint
                        .map(|h| Hint::new(clean(&h.keys), clean(&h.plain))),
                    ..advice
                },
            },
            ApiError::MidStream {
                code,
                message,
                error_type,
            } => ApiError::MidStream {
                code: clean(&code),
                message: clean(&message),
                error_type: opt(error_type),
            },
            ApiError::Connect(m) => ApiError::Connect(clean(&m)),
            ApiError::Transport(m) => ApiError::Transport(clean(&m)),
            ApiError::Malformed(m) => ApiError::Malformed(clean(&m)),
            ApiError::NotSent(m) => ApiError::NotSent(clean(&m)),
            ApiError::Recorded(m) => ApiError::Recorded(clean(&m)),
            e @ (ApiError::CutOff | ApiError::Stalled(_)) => e,
        }
    }
}

/// What the status means, and what to do about it: with the playground's keys, then in plain
/// words.
fn meaning(status: u16) -> (&'static str, &'static str, &'static str) {
    const RETRY: (&str, &str) = ("{retry} retries", "try again");
    const SETTINGS: (&str, &str) = (
        "check the pane's settings ({settings})",
        "check the model's settings",
    );
    let (what, (keys, plain)) = match status {
        400 => ("bad request", SETTINGS),
        401 => (
            "key refused",
            (
                "check OPENROUTER_API_KEY or the provider's api_key_cmd",
                "check OPENROUTER_API_KEY or the provider's api_key_cmd",
            ),
        ),
        402 => (
            "out of credit",
            (
                "add credit, or pick a free model ({pick})",
                "add credit, or use a free model",
            ),
        ),
        403 => (
            "refused",
            (
                "the request was flagged or is not allowed for this key",
                "the request was flagged or is not allowed for this key",
            ),
        ),
        404 => (
            "model not found",
            ("pick another ({pick})", "use another model"),
        ),
        408 => ("timed out", RETRY),
        413 => (
            "request too large",
            (
                "shorten the conversation ({clear} clears it)",
                "shorten the prompt",
            ),
        ),
        422 => ("request rejected", SETTINGS),
        429 => (
            "rate limited",
            (
                "wait a moment, or add a fallback model ({settings})",
                "wait a moment, or add a fallback model in the config",
            ),
        ),
        500 => ("server error", RETRY),
        502 => (
            "provider error",
            (
                "{retry} retries, or add a fallback model ({settings})",
                "try again, or add a fallback model in the config",
            ),
        ),
        503 => (
            "no provider available",
            (
                "add a fallback model ({settings}), or retry later",
                "add a fallback model in the config, or try again later",
            ),
        ),
        504 | 524 => ("upstream timed out", RETRY),
        529 => (
            "provider overloaded",
            (
                "retry later, or add a fallback model ({settings})",
                "try again later, or add a fallback model in the config",
            ),
        ),
        _ => ("request failed", RETRY),
    };
    (what, keys, plain)
}

/// The status's word, made specific where the body says which of its causes it is (a 404
/// is not always a missing model).
fn what(status: u16, error_type: Option<&str>) -> &'static str {
    match (status, error_type) {
        (404, Some("free_variant_ended")) => "free variant ended",
        (404, Some("constraint_filtered")) => "filtered out by routing",
        (404, Some("privacy_restricted")) => "filtered out by privacy settings",
        (404, Some("no_endpoints")) => "no provider fits",
        (404, Some("model_deprecated")) => "model deprecated",
        _ => meaning(status).0,
    }
}

fn http_summary(
    status: u16,
    error_type: Option<&str>,
    message: &str,
    provider: Option<&str>,
    next: &str,
) -> String {
    let what = what(status, error_type);
    let mut s = format!("{status} {what}");
    if let Some(p) = provider {
        s.push_str(&format!(" ({p})"));
    }
    if !message.is_empty() {
        s.push_str(": ");
        s.push_str(message);
    }
    s.push_str(" — ");
    s.push_str(next);
    s
}

impl ApiError {
    /// The message in the words that fit where it is read.
    pub fn describe(&self, audience: Audience) -> String {
        let playground = matches!(audience, Audience::Playground(_));
        let words = |keys: &str, plain: &str| match audience {
            Audience::Playground(k) => k.fill(keys),
            Audience::CommandLine => plain.to_string(),
        };
        let retry = words("{retry} retries", "try again");
        match self {
            ApiError::Http {
                status,
                message,
                error_type,
                provider,
                advice,
                ..
            } => {
                let (_, keys, plain) = meaning(*status);
                let next = match &advice.hint {
                    Some(h) => h.says(audience),
                    None => words(keys, plain),
                };
                http_summary(
                    *status,
                    error_type.as_deref(),
                    message,
                    provider.as_deref(),
                    &next,
                )
            }
            ApiError::MidStream { code, message, .. } => {
                format!("failed mid-answer ({code}): {message} — {retry}")
            }
            ApiError::Connect(e) if playground => {
                let settings = words("{settings}", "");
                format!("could not connect: {e} — is the server running? ({settings} tests the connection)")
            }
            ApiError::Connect(e) => format!("could not connect: {e} — is the server running?"),
            ApiError::Transport(e) => format!("connection failed: {e}"),
            ApiError::CutOff => {
                format!("the connection dropped before the answer ended — {retry}")
            }
            ApiError::Stalled(d) => {
                format!("no data for {}s: the stream stalled — {retry}", d.as_secs())
            }
            ApiError::Malformed(e) => format!("the server sent something unreadable: {e}"),
            ApiError::NotSent(e) => format!("not sent: {e}"),
            ApiError::Recorded(m) => m.clone(),
        }
    }

    /// The message for a command line: no keys that only the playground has.
    pub fn plain(&self) -> String {
        self.describe(Audience::CommandLine)
    }
}

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
        let advice = super::advice::advise(status, &message, availability.as_ref(), resets_at);
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

    /// The most `max_tokens` the key can pay for, when a 402 said so.
    pub fn affordable(&self) -> Option<u32> {
        match self {
            ApiError::Http { advice, .. } => advice.afford,
            _ => None,
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
            ApiError::Http {
                status, error_type, ..
            } => format!("{status} {}", what(*status, error_type.as_deref())),
            ApiError::MidStream { code, .. } => format!("failed mid-answer ({code})"),
            ApiError::Connect(_) => "no connection".into(),
            ApiError::Transport(_) => "connection failed".into(),
            ApiError::CutOff => "cut off".into(),
            ApiError::Stalled(_) => "stalled".into(),
            ApiError::Malformed(_) => "bad data".into(),
            ApiError::NotSent(_) => "not sent".into(),
            // The message's head, as the footer showed it then ("400 bad request").
            ApiError::Recorded(m) => {
                let head = m.split([':', '—']).next().unwrap_or(m).trim();
                head.chars().take(32).collect()
            }
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
                advice: Advice::default(),
            }
        );
        assert_eq!(
            e.to_string(),
            "429 rate limited (OpenAI): Rate limit exceeded — wait a moment, or add a fallback model (F2)"
        );
        assert_eq!(e.short(), "429 rate limited");
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
    fn moderation_names_the_flagged_reasons_and_every_status_says_what_next() {
        let e = ApiError::from_response(
            403,
            r#"{"error":{"code":403,"message":"Input was flagged","metadata":{"reasons":["harassment","violence"],"flagged_input":"…","provider_name":"OpenAI"}}}"#,
            None,
        );
        assert!(
            e.to_string().contains("(flagged: harassment, violence)"),
            "{e}"
        );
        for status in [400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504] {
            let msg = ApiError::from_response(status, "", None).to_string();
            assert!(msg.contains(" — "), "{status}: {msg}");
        }
        assert!(ApiError::from_response(401, "", None)
            .to_string()
            .contains("OPENROUTER_API_KEY"));
        assert!(ApiError::from_response(404, "", None)
            .to_string()
            .contains("pick another"));
    }

    #[test]
    fn the_command_line_wording_names_no_keys() {
        let mut errors: Vec<ApiError> = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502]
            .into_iter()
            .chain([503, 504, 524, 529, 418])
            .map(|s| ApiError::from_response(s, "", None))
            .collect();
        errors.extend([
            ApiError::from_response(
                402,
                r#"{"error":{"message":"You requested up to 4096 tokens, but can only afford 12"}}"#,
                None,
            ),
            ApiError::from_response(
                404,
                r#"{"error":{"message":"No endpoints found matching your data policy"}}"#,
                None,
            ),
            ApiError::from_response(404, r#"{"error":{"message":"free period ended"}}"#, None),
            ApiError::MidStream {
                code: "502".into(),
                message: "upstream died".into(),
                error_type: None,
            },
            ApiError::Connect("refused".into()),
            ApiError::CutOff,
            ApiError::Stalled(Duration::from_secs(30)),
            ApiError::Transport("reset".into()),
            ApiError::Malformed("not json".into()),
            ApiError::NotSent("no images".into()),
            ApiError::Recorded("500 server error — try again".into()),
        ]);
        for body in [
            r#"{"error":{"message":"x","metadata":{"availability":{"code":"privacy_restricted"}}}}"#,
            r#"{"error":{"message":"no endpoints found"}}"#,
            r#"{"error":{"message":"requested providers are unavailable"}}"#,
            r#"{"error":{"message":"gone","metadata":{"availability":{"code":"model_deprecated"}}}}"#,
        ] {
            errors.push(ApiError::from_response(404, body, None));
        }
        errors.push(ApiError::from_response(
            429,
            r#"{"error":{"message":"free-models-per-day"}}"#,
            None,
        ));
        let keys = ["Ctrl+", "Alt+", "(F", "F2", "F4"];
        let mine = super::StepKeys::new(|s| format!("<{s:?}>"));
        for e in &errors {
            let plain = e.plain();
            assert!(
                !keys.iter().any(|k| plain.contains(k)),
                "{plain} (playground: {e})"
            );
            // Every step a hint names is filled in, with the keys given.
            let shown = e.describe(Audience::Playground(&mine));
            assert!(!shown.contains('{') && !plain.contains('{'), "{shown}");
            assert!(!keys.iter().any(|k| shown.contains(k)), "{shown}");
            assert!(
                plain.contains(" — ") || !e.to_string().contains(" — "),
                "{plain}"
            );
        }
        for (e, step) in [
            (ApiError::from_response(500, "", None), "<Retry> retries"),
            (ApiError::from_response(404, "", None), "(<PickModel>)"),
            (
                ApiError::from_response(413, "", None),
                "(<Clear> clears it)",
            ),
            (ApiError::Connect("refused".into()), "(<Settings> tests"),
        ] {
            let shown = e.describe(Audience::Playground(&mine));
            assert!(shown.contains(step), "{shown}");
        }
        assert_eq!(
            ApiError::Connect("refused".into()).plain(),
            "could not connect: refused — is the server running?"
        );
        assert!(ApiError::Connect("refused".into())
            .to_string()
            .contains("F2 tests the connection"));
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
