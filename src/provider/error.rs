//! Typed failures of one request, with messages written for the person at the keyboard: in
//! the playground the next step names its key (the user's, see [`super::steps`]), on the
//! command line it is said in plain words.

use std::time::Duration;

pub use super::advice::{Advice, Hint};
pub use super::steps::Audience;
use super::steps::StepKeys;

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

impl std::fmt::Display for ApiError {
    /// The playground's wording with the default keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Audience::Playground(&StepKeys::default())))
    }
}

impl std::error::Error for ApiError {}

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
    /// The most `max_tokens` the key can pay for, when a 402 said so.
    pub fn affordable(&self) -> Option<u32> {
        match self {
            ApiError::Http { advice, .. } => advice.afford,
            _ => None,
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

mod reply;

pub use reply::refuses_max_tokens;

#[cfg(test)]
mod tests;
