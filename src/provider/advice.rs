//! Reading a failure's body for what it really means. One status covers several causes (a 404
//! may be a gone model, routing or privacy settings that filter out every provider, or a free
//! variant that ended), and each wants a different next step.

use serde_json::Value;

use super::steps::Audience;

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

    pub(super) fn says(&self, audience: Audience) -> String {
        match audience {
            Audience::Playground(keys) => keys.fill(&self.keys),
            Audience::CommandLine => self.plain.clone(),
        }
    }
}

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

/// "… You requested up to 4096 tokens, but can only afford 1234 …"
fn afford(message: &str) -> Option<u32> {
    let rest = &message[message.find("can only afford")? + "can only afford".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A unix-milliseconds reset time as a local clock time.
fn clock(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "later".into())
}

/// What the status, the message and `error.availability` say to do.
pub fn advise(
    status: u16,
    message: &str,
    availability: Option<&Value>,
    resets_at: Option<i64>,
) -> Advice {
    let code = availability
        .and_then(|a| a.get("code"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let retryable = availability
        .and_then(|a| a.get("retryable"))
        .and_then(Value::as_bool);
    let lower = message.to_lowercase();
    let mut advice = Advice {
        retryable,
        resets_at,
        ..Advice::default()
    };
    let hint = match status {
        402 => {
            advice.afford = afford(message);
            advice.afford.map(|n| {
                Hint::new(
                    format!("the key can pay for {n} tokens: {{retry}} caps this pane's max_tokens at {n} and retries"),
                    format!("the key can pay for {n} tokens: set max_tokens to {n} or less"),
                )
            })
        }
        404 => {
            let (keys, plain) = if code == "free_variant_ended"
                || lower.contains("free variant")
                || lower.contains("free period")
            {
                (
                    "the free variant has ended: drop `:free` from the model id ({settings})",
                    "the free variant has ended: drop `:free` from the model id",
                )
            } else if code == "privacy_restricted"
                || lower.contains("data policy")
                || lower.contains("privacy")
            {
                (
                    "your privacy settings filter out every provider: relax data_collection or zdr ({settings}), or the account's privacy settings",
                    "your privacy settings filter out every provider: relax data_collection or zdr, or the account's privacy settings",
                )
            } else if code == "constraint_filtered"
                || lower.contains("routing")
                || lower.contains("provider preferences")
                || lower.contains("requested providers")
            {
                (
                    "the pane's routing filters out every provider: relax only, ignore, quantizations or max_price ({settings})",
                    "the routing settings filter out every provider: relax only, ignore, quantizations or max_price",
                )
            } else if code == "no_endpoints" || lower.contains("no endpoints found") {
                (
                    "no provider serves this model with what the request needs (tools, images, parameters): drop them or pick another model ({pick})",
                    "no provider serves this model with what the request needs (tools, images, parameters): drop them or use another model",
                )
            } else if code == "model_deprecated" {
                (
                    "the model is deprecated: pick its successor ({pick})",
                    "the model is deprecated: use its successor",
                )
            } else {
                (
                    "the model is not in the catalog: pick another ({pick})",
                    "the model is not in the catalog: use another (`switchboard models` lists them)",
                )
            };
            Some(Hint::new(keys, plain))
        }
        429 => {
            let daily = lower.contains("per-day") || lower.contains("per day");
            // A daily cap is not worth retrying within the minute; say when it resets.
            let far =
                resets_at.is_some_and(|ms| ms - chrono::Utc::now().timestamp_millis() > 60_000);
            if daily || far {
                advice.retryable = Some(false);
                let text = format!(
                    "the {}limit resets at {} — add credits, or use a model without `:free`",
                    if daily { "free daily " } else { "" },
                    resets_at.map_or_else(|| "midnight UTC".to_string(), clock)
                );
                Some(Hint::new(text.clone(), text))
            } else {
                None
            }
        }
        _ => None,
    };
    advice.hint = hint;
    advice
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_402_says_what_the_key_can_afford() {
        let a = advise(
            402,
            "This request requires more credits, or fewer max_tokens. You requested up to 16384 tokens, but can only afford 1234. To increase, visit https://openrouter.ai/settings/credits",
            None,
            None,
        );
        assert_eq!(a.afford, Some(1234));
        assert!(a.hint.unwrap().keys.contains("max_tokens at 1234"));
        assert_eq!(advise(402, "Insufficient credits", None, None).afford, None);
    }

    #[test]
    fn a_404_says_which_404_it_is() {
        let hint = |code: &str, msg: &str| {
            advise(
                404,
                msg,
                Some(&json!({"code": code, "retryable": false})),
                None,
            )
            .hint
            .unwrap()
            .keys
        };
        assert!(hint("free_variant_ended", "x").contains(":free"));
        assert!(hint("privacy_restricted", "x").contains("privacy"));
        assert!(hint("constraint_filtered", "x").contains("routing"));
        assert!(hint("no_endpoints", "x").contains("no provider serves"));
        assert!(hint("", "No endpoints found matching your data policy").contains("privacy"));
        assert!(hint("", "No endpoints found that support tool use").contains("no provider serves"));
        assert!(hint("model_not_found", "x").contains("pick another"));
        let a = advise(
            404,
            "x",
            Some(&json!({"code": "no_endpoints", "retryable": false})),
            None,
        );
        assert_eq!(a.retryable, Some(false));
    }

    #[test]
    fn a_daily_cap_is_not_retried_and_says_when_it_resets() {
        let tomorrow = chrono::Utc::now().timestamp_millis() + 6 * 3_600_000;
        let a = advise(
            429,
            "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
            None,
            Some(tomorrow),
        );
        assert_eq!(a.retryable, Some(false));
        assert!(a.hint.unwrap().keys.contains("resets at"));
        let soon = advise(
            429,
            "Rate limit exceeded",
            None,
            Some(chrono::Utc::now().timestamp_millis() + 5_000),
        );
        assert_eq!(soon.retryable, None, "a short wait is retried");
    }
}
