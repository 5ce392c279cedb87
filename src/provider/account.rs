//! `GET /key`: the key's remaining credit, and a cheap check that it is accepted.

use std::time::Duration;

use serde_json::Value;

use super::Endpoint;

/// What `GET /key` says about the key's credit.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyStatus {
    /// `limit_remaining` in USD.
    Remaining(f64),
    /// No limit set: what the key has used.
    Used(f64),
    Refused,
    Unavailable(String),
}

pub async fn key_status(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    timeout: Duration,
) -> KeyStatus {
    let mut req = client.get(format!("{}/key", endpoint.base_url));
    if let Some(k) = &endpoint.api_key {
        req = req.bearer_auth(k);
    }
    let resp = match tokio::time::timeout(timeout, req.send()).await {
        Err(_) => return KeyStatus::Unavailable("timed out".into()),
        Ok(Err(e)) => return KeyStatus::Unavailable(e.to_string()),
        Ok(Ok(r)) => r,
    };
    let status = resp.status().as_u16();
    if status == 401 || status == 403 {
        return KeyStatus::Refused;
    }
    let body = match tokio::time::timeout(timeout, resp.text()).await {
        Ok(Ok(b)) => b,
        _ => return KeyStatus::Unavailable("no reply".into()),
    };
    if !(200..300).contains(&status) {
        return KeyStatus::Unavailable(format!("HTTP {status}"));
    }
    parse(&body)
}

pub fn parse(body: &str) -> KeyStatus {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return KeyStatus::Unavailable("unreadable reply".into());
    };
    let data = v.get("data").unwrap_or(&Value::Null);
    if let Some(left) = data.get("limit_remaining").and_then(Value::as_f64) {
        return KeyStatus::Remaining(left);
    }
    match data.get("usage").and_then(Value::as_f64) {
        Some(used) => KeyStatus::Used(used),
        None => KeyStatus::Unavailable("no credit figures".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_or_used() {
        assert_eq!(
            parse(r#"{"data":{"label":"k","limit":10,"limit_remaining":8.42,"usage":1.58}}"#),
            KeyStatus::Remaining(8.42)
        );
        assert_eq!(
            parse(r#"{"data":{"limit":null,"limit_remaining":null,"usage":12.3}}"#),
            KeyStatus::Used(12.3)
        );
        assert!(matches!(parse("nope"), KeyStatus::Unavailable(_)));
    }
}
