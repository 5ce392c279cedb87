//! Traces out: every request as an OpenTelemetry span in the GenAI conventions' shape,
//! exported over OTLP/HTTP when an endpoint is configured. Export runs on a thread of its own
//! (the batch processor's), so a slow or absent collector never holds up the screen or `run`.

pub mod content;
pub mod settings;
pub mod span;
pub mod watch;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;

use crate::cost::ModelPrice;
use crate::provider::{ChatParams, Endpoint};

pub use settings::{Export, TelemetryConfig};
pub use span::RequestTrace;

/// How long one export may take before it counts as failed.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a request is, beyond its body: where it shows, what it is for.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// `answer`, or `judge` for a judge's verdict.
    pub purpose: &'static str,
    /// The pane's number as shown (from 1).
    pub pane: Option<usize>,
    pub round: Option<u64>,
    /// Which of `run --repeat`'s sendings.
    pub repeat: Option<usize>,
    /// The suite case it sends.
    pub case: Option<String>,
    /// What its cost is estimated at when the server reports none.
    pub price: Option<ModelPrice>,
}

impl Default for Label {
    fn default() -> Self {
        Self {
            purpose: "answer",
            pane: None,
            round: None,
            repeat: None,
            case: None,
            price: None,
        }
    }
}

pub struct Telemetry {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
    content: bool,
    url: String,
    health: Arc<watch::Health>,
}

impl Telemetry {
    /// Starts exporting to `export`'s endpoint; `tell` hears, once, when the collector cannot
    /// be reached (and when it can again).
    pub fn start(
        export: &Export,
        tell: impl Fn(String) + Send + Sync + 'static,
    ) -> Result<Self, String> {
        let headers = export
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let inner = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(export.url.clone())
            .with_timeout(EXPORT_TIMEOUT)
            .with_headers(headers)
            .build()
            .map_err(|e| format!("traces cannot go to {}: {e}", export.url))?;
        let health = Arc::new(watch::Health::default());
        let exporter = watch::Watched {
            inner,
            url: export.url.clone(),
            health: health.clone(),
            tell: Box::new(tell),
        };
        let mut resource = Resource::builder().with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ));
        // The environment may name the service; otherwise it is this program.
        let named = std::env::var_os("OTEL_SERVICE_NAME").is_some()
            || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|a| {
                a.split(',')
                    .any(|kv| kv.trim().starts_with("service.name="))
            });
        if !named {
            resource = resource.with_service_name("switchboard");
        }
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build();
        let scope = opentelemetry::InstrumentationScope::builder("switchboard")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        let tracer = provider.tracer_with_scope(scope);
        Ok(Self {
            provider,
            tracer,
            content: export.content,
            url: export.url.clone(),
            health,
        })
    }

    /// A span for a request about to start.
    pub fn begin(&self, label: Label, endpoint: &Endpoint, params: &ChatParams) -> RequestTrace {
        RequestTrace::begin(&self.tracer, label, endpoint, params, self.content)
    }

    /// Sends what is left and stops, waiting at most `within`. Blocks: call it off the async
    /// threads. A word for the user when spans were lost.
    pub fn shutdown(self, within: Duration) -> Option<String> {
        let flushed = self.provider.shutdown_with_timeout(within);
        let dropped = self.health.dropped.load(Ordering::Relaxed);
        match flushed {
            Err(e) if dropped == 0 => Some(format!(
                "traces: the last ones may not have reached {} ({e})",
                self.url
            )),
            _ if dropped > 0 => Some(format!(
                "traces: {dropped} span{} could not be sent to {}",
                if dropped == 1 { "" } else { "s" },
                self.url
            )),
            _ => None,
        }
    }
}
