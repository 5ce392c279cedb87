//! The exporter as the user sees it: a collector that cannot be reached is said once, when
//! it starts failing, and again only once it has answered in between; spans that could not
//! be sent are counted for a last word.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

/// What the exporter has seen; shared with whoever says the last word.
#[derive(Debug, Default)]
pub struct Health {
    failing: AtomicBool,
    pub dropped: AtomicUsize,
    pub sent: AtomicUsize,
}

pub struct Watched<E> {
    pub inner: E,
    pub url: String,
    pub health: Arc<Health>,
    pub tell: Box<dyn Fn(String) + Send + Sync>,
}

impl<E> std::fmt::Debug for Watched<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watched").field("url", &self.url).finish()
    }
}

impl<E: SpanExporter> SpanExporter for Watched<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let n = batch.len();
        let result = self.inner.export(batch).await;
        match &result {
            Ok(()) => {
                self.health.sent.fetch_add(n, Ordering::Relaxed);
                if self.health.failing.swap(false, Ordering::Relaxed) {
                    (self.tell)(format!("traces reach {} again", self.url));
                }
            }
            Err(e) => {
                self.health.dropped.fetch_add(n, Ordering::Relaxed);
                if !self.health.failing.swap(true, Ordering::Relaxed) {
                    // The reason first: the notice line may be 80 columns.
                    (self.tell)(format!(
                        "traces not sent: {} at {}; spans are dropped until it answers \
                         (said once)",
                        reason(&e.to_string()),
                        self.url
                    ));
                }
            }
        }
        result
    }

    fn shutdown_with_timeout(&mut self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&mut self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource)
    }
}

/// Why an export failed, in a few words: the exporter's error is a debug dump of the HTTP
/// client's.
pub fn reason(error: &str) -> String {
    if let Some(at) = error.find("Status(") {
        let code: String = error[at + 7..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !code.is_empty() {
            return format!("the collector answered {code}");
        }
    }
    if error.contains("TimedOut") || error.contains("timed out") {
        return "no answer in time".into();
    }
    // The innermost cause, as the OS put it ("Connection refused").
    if let Some(at) = error.rfind("message: \"") {
        let rest = &error[at + 10..];
        if let Some(end) = rest.find('"') {
            let m = &rest[..end];
            let mut chars = m.chars();
            if let Some(first) = chars.next() {
                return first.to_lowercase().chain(chars).collect();
            }
        }
    }
    if error.contains("dns error") {
        return "its host name does not resolve".into();
    }
    let e = error.trim_start_matches("Operation failed: ");
    let mut short: String = e.chars().take(160).collect();
    if e.chars().count() > 160 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::reason;

    #[test]
    fn failures_are_said_in_a_few_words() {
        let refused = r#"Operation failed: reqwest::Error { kind: Request, url: "http://127.0.0.1:9/v1/traces", source: hyper_util::client::legacy::Error(Connect, ConnectError("tcp connect error", Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })) }"#;
        assert_eq!(reason(refused), "connection refused");
        let status = r#"Operation failed: reqwest::Error { kind: Status(503, None), url: "http://127.0.0.1:9/v1/traces" }"#;
        assert_eq!(reason(status), "the collector answered 503");
        let slow = r#"Operation failed: reqwest::Error { kind: Request, source: TimedOut }"#;
        assert_eq!(reason(slow), "no answer in time");
        assert_eq!(reason("Operation failed: odd"), "odd");
    }
}
