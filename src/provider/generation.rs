//! `GET /generation?id=`: what a generation was actually billed, once it is known.
//!
//! The stream's `usage.cost` is missing for an answer cancelled before its usage chunk, and
//! leaves out what the upstream provider bills a bring-your-own-key request; some providers
//! also bill a cancelled answer in full. `/generation` has the billed truth, but answers 404
//! for a moment after a generation ends, so it is asked again with backoff.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::Endpoint;

/// How long to keep asking before settling for the estimate.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A generation's billed figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Billed {
    /// What OpenRouter charged, USD.
    pub total_cost: f64,
    /// What the upstream provider billed the key's owner (bring-your-own-key requests).
    pub upstream_cost: Option<f64>,
    pub is_byok: bool,
    /// The client went away; the provider may still have billed the whole answer.
    pub cancelled: bool,
    /// Milliseconds to the first token, as the provider measured it.
    pub latency_ms: Option<f64>,
    /// Milliseconds of generation.
    pub generation_time_ms: Option<f64>,
    pub tokens_prompt: Option<u64>,
    pub tokens_completion: Option<u64>,
    pub native_prompt: Option<u64>,
    pub native_completion: Option<u64>,
    pub native_reasoning: Option<u64>,
    pub native_cached: Option<u64>,
    pub provider: Option<String>,
    pub model: Option<String>,
}

impl Billed {
    /// What the answer cost in all: OpenRouter's charge, plus the upstream provider's bill for
    /// a bring-your-own-key request.
    pub fn booked(&self) -> f64 {
        self.total_cost
            + if self.is_byok {
                self.upstream_cost.unwrap_or(0.0)
            } else {
                0.0
            }
    }

    /// The `data` object of a `/generation` reply.
    pub fn parse(body: &str) -> Result<Self, String> {
        let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
        let d = v.get("data").ok_or("no `data` in the /generation reply")?;
        let f = |k: &str| d.get(k).and_then(Value::as_f64);
        let n = |k: &str| d.get(k).and_then(Value::as_u64);
        let s = |k: &str| d.get(k).and_then(Value::as_str).map(crate::sanitize::clean);
        let b = |k: &str| d.get(k).and_then(Value::as_bool).unwrap_or(false);
        Ok(Billed {
            total_cost: f("total_cost").ok_or("no `total_cost` in the /generation reply")?,
            upstream_cost: f("upstream_inference_cost"),
            is_byok: b("is_byok"),
            cancelled: b("cancelled"),
            latency_ms: f("latency"),
            generation_time_ms: f("generation_time"),
            tokens_prompt: n("tokens_prompt"),
            tokens_completion: n("tokens_completion"),
            native_prompt: n("native_tokens_prompt"),
            native_completion: n("native_tokens_completion"),
            native_reasoning: n("native_tokens_reasoning"),
            native_cached: n("native_tokens_cached"),
            provider: s("provider_name"),
            model: s("model"),
        })
    }

    /// The billed figures as the history keeps them.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "total_cost": self.total_cost, "upstream_inference_cost": self.upstream_cost,
            "is_byok": self.is_byok, "cancelled": self.cancelled, "latency": self.latency_ms,
            "generation_time": self.generation_time_ms, "tokens_prompt": self.tokens_prompt,
            "tokens_completion": self.tokens_completion,
            "native_tokens_prompt": self.native_prompt,
            "native_tokens_completion": self.native_completion,
            "native_tokens_reasoning": self.native_reasoning,
            "native_tokens_cached": self.native_cached,
            "provider_name": self.provider, "model": self.model,
        })
    }
}

/// [`fetch`] with the usual [`PATIENCE`]: what the playground and `run` both wait.
pub async fn fetch_billed(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    id: &str,
) -> Result<Billed, String> {
    fetch(client, endpoint, id, PATIENCE).await
}

/// Asks `/generation` for `id` until it answers, backing off while it says 404 (or fails on
/// the way), for at most `patience`.
pub async fn fetch(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    id: &str,
    patience: Duration,
) -> Result<Billed, String> {
    let start = Instant::now();
    let mut wait = Duration::from_millis(250);
    loop {
        let mut req = client
            .get(format!("{}/generation", endpoint.base_url))
            .query(&[("id", id)]);
        if let Some(k) = &endpoint.api_key {
            req = req.bearer_auth(k);
        }
        let why = match tokio::time::timeout(Duration::from_secs(10), req.send()).await {
            Err(_) => "timed out".to_string(),
            Ok(Err(e)) => e.to_string(),
            Ok(Ok(r)) => {
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                match status {
                    200..=299 => return Billed::parse(&body),
                    401 | 403 => return Err(format!("/generation refused the key ({status})")),
                    _ => format!("HTTP {status}"),
                }
            }
        };
        if start.elapsed() + wait > patience {
            return Err(format!(
                "no billed figure after {}s ({why})",
                patience.as_secs()
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(4));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byok_books_both_charges() {
        let b = Billed::parse(
            r#"{"data":{"id":"gen-1","total_cost":0.0001,"upstream_inference_cost":0.002,"is_byok":true,"cancelled":false,"latency":120,"generation_time":900,"native_tokens_prompt":10,"native_tokens_completion":20,"native_tokens_reasoning":5,"provider_name":"X"}}"#,
        )
        .unwrap();
        assert!((b.booked() - 0.0021).abs() < 1e-12);
        let plain =
            Billed::parse(r#"{"data":{"total_cost":0.5,"upstream_inference_cost":0.4}}"#).unwrap();
        assert_eq!(plain.booked(), 0.5, "upstream cost counts only for BYOK");
        assert!(Billed::parse(r#"{"data":{}}"#).is_err());
    }
}
