//! One request as a span: started when the request is, filled from its stream events as they
//! come, ended with its last one (or when it is cancelled). Failed attempts on the way (a
//! retry, a fallback model) become child spans.

use std::time::SystemTime;

use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Array, Context, KeyValue, StringValue, Value};
use opentelemetry_sdk::trace::SdkTracer;

use super::content::Output;
use super::Label;
use crate::provider::{ApiError, ChatParams, Endpoint, ProviderKind, Usage};
use crate::stream::event::HopRecord;
use crate::stream::StreamEvent;

/// The attempt under way: which model on which provider, since when.
struct Attempt {
    model: String,
    provider: String,
    since: SystemTime,
    number: u32,
}

pub struct RequestTrace {
    tracer: SdkTracer,
    /// Holds the request's span; children are started in it.
    cx: Context,
    started: SystemTime,
    first_token: bool,
    attempt: Attempt,
    failed_attempts: u32,
    usage: Option<Usage>,
    finish: Option<String>,
    label: Label,
    /// The answer, when spans carry content.
    output: Option<Output>,
    ended: bool,
}

/// What `gen_ai.provider.name` says for a server: the conventions' names where one fits.
pub fn provider_name(endpoint: &Endpoint) -> String {
    if endpoint.kind == ProviderKind::Openrouter && !endpoint.simulated {
        return "openrouter".into();
    }
    if endpoint.base_url.contains("api.openai.com") {
        return "openai".into();
    }
    endpoint.provider.clone()
}

impl RequestTrace {
    pub(super) fn begin(
        tracer: &SdkTracer,
        label: Label,
        endpoint: &Endpoint,
        params: &ChatParams,
        content: bool,
    ) -> Self {
        let now = SystemTime::now();
        let system = provider_name(endpoint);
        let mut attrs = vec![
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.provider.name", system.clone()),
            // The name before the conventions' 1.37, which some backends still read.
            KeyValue::new("gen_ai.system", system),
            KeyValue::new("gen_ai.request.model", params.model.clone()),
            KeyValue::new("switchboard.provider", endpoint.provider.clone()),
            KeyValue::new("switchboard.purpose", label.purpose),
        ];
        if let Ok(url) = reqwest::Url::parse(&endpoint.base_url) {
            if let Some(host) = url.host_str() {
                attrs.push(KeyValue::new("server.address", host.to_string()));
            }
            if let Some(port) = url.port_or_known_default() {
                attrs.push(KeyValue::new("server.port", i64::from(port)));
            }
        }
        let s = &params.settings;
        let floats = [
            ("gen_ai.request.temperature", s.temperature),
            ("gen_ai.request.top_p", s.top_p),
            ("gen_ai.request.frequency_penalty", s.frequency_penalty),
            ("gen_ai.request.presence_penalty", s.presence_penalty),
        ];
        attrs.extend(
            floats
                .into_iter()
                .filter_map(|(k, v)| Some(KeyValue::new(k, v?))),
        );
        if let Some(k) = s.top_k {
            attrs.push(KeyValue::new("gen_ai.request.top_k", f64::from(k)));
        }
        if let Some(m) = s.max_tokens {
            attrs.push(KeyValue::new("gen_ai.request.max_tokens", i64::from(m)));
        }
        if let Some(seed) = s.seed {
            attrs.push(KeyValue::new("gen_ai.request.seed", seed));
        }
        if !s.stop.is_empty() {
            attrs.push(KeyValue::new(
                "gen_ai.request.stop_sequences",
                strings(s.stop.iter().cloned()),
            ));
        }
        if !s.fallbacks.is_empty() {
            attrs.push(KeyValue::new(
                "switchboard.fallbacks",
                strings(s.fallbacks.iter().cloned()),
            ));
        }
        if let Some(engine) = &s.web_search {
            attrs.push(KeyValue::new("switchboard.web_search", engine.clone()));
        }
        if let Some(id) = &params.session_id {
            attrs.push(KeyValue::new("gen_ai.conversation.id", id.clone()));
        }
        if let Some(p) = label.pane {
            attrs.push(KeyValue::new("switchboard.pane", p as i64));
        }
        if let Some(r) = label.round {
            attrs.push(KeyValue::new("switchboard.round", r as i64));
        }
        if let Some(r) = label.repeat {
            attrs.push(KeyValue::new("switchboard.repeat", r as i64));
        }
        if let Some(c) = &label.case {
            attrs.push(KeyValue::new("switchboard.case", c.clone()));
        }
        if !params.tools.is_empty() {
            let names = params
                .tools
                .iter()
                .filter_map(|t| t["function"]["name"].as_str().map(str::to_owned));
            attrs.push(KeyValue::new("switchboard.tools", strings(names)));
        }
        if content {
            let (system, messages) = super::content::input(&params.messages);
            if let Some(system) = system {
                attrs.push(KeyValue::new("gen_ai.system_instructions", system));
            }
            attrs.push(KeyValue::new("gen_ai.input.messages", messages));
        }
        let span = tracer
            .span_builder(format!("chat {}", params.model))
            .with_kind(SpanKind::Client)
            .with_start_time(now)
            .with_attributes(attrs)
            .start(tracer);
        Self {
            tracer: tracer.clone(),
            cx: Context::new().with_span(span),
            started: now,
            first_token: false,
            attempt: Attempt {
                model: params.model.clone(),
                provider: endpoint.provider.clone(),
                since: now,
                number: 1,
            },
            failed_attempts: 0,
            usage: None,
            finish: None,
            label,
            output: content.then(Output::default),
            ended: false,
        }
    }

    /// Takes in one of the request's events.
    pub fn on(&mut self, event: &StreamEvent) {
        if self.ended {
            return;
        }
        let span = self.cx.span();
        match event {
            StreamEvent::Started {
                generation_id: Some(id),
            }
            | StreamEvent::Generation(id) => {
                span.set_attribute(KeyValue::new("gen_ai.response.id", id.clone()));
            }
            StreamEvent::Served { model, provider } => {
                span.set_attribute(KeyValue::new("gen_ai.response.model", model.clone()));
                if let Some(p) = provider {
                    span.set_attribute(KeyValue::new("switchboard.upstream_provider", p.clone()));
                }
            }
            StreamEvent::Delta(text) => {
                self.first();
                if let Some(o) = &mut self.output {
                    o.text.push_str(text);
                }
            }
            StreamEvent::Reasoning(text) => {
                self.first();
                if let Some(o) = &mut self.output {
                    o.reasoning.push_str(text);
                }
            }
            StreamEvent::ToolCall {
                index,
                id,
                name,
                arguments,
            } => {
                self.first();
                if let Some(o) = &mut self.output {
                    o.call(*index, id.as_deref(), name.as_deref(), arguments);
                }
            }
            StreamEvent::Finish(f) => self.finish = Some(f.clone()),
            StreamEvent::NativeFinish(f) => {
                span.set_attribute(KeyValue::new("switchboard.native_finish_reason", f.clone()));
            }
            StreamEvent::Usage(u) => self.usage = Some(u.clone()),
            StreamEvent::Hop(hop) => self.hop(hop),
            StreamEvent::FellBack { model, provider } => {
                self.attempt.model = model.clone();
                self.attempt.provider = provider.clone();
            }
            StreamEvent::Error(e) => self.end(Some(e)),
            StreamEvent::Done => self.end(None),
            StreamEvent::Started { .. }
            | StreamEvent::ReasoningDetails(_)
            | StreamEvent::Retrying { .. }
            | StreamEvent::TokenField(_)
            | StreamEvent::RouterMetadata(_)
            | StreamEvent::UpstreamBody(_)
            | StreamEvent::Citations(_) => {}
        }
    }

    fn first(&mut self) {
        if std::mem::replace(&mut self.first_token, true) {
            return;
        }
        let now = SystemTime::now();
        let ttft = now
            .duration_since(self.started)
            .unwrap_or_default()
            .as_secs_f64();
        let span = self.cx.span();
        span.add_event_with_timestamp(
            "gen_ai.first_token",
            now,
            vec![KeyValue::new("gen_ai.response.time_to_first_chunk", ttft)],
        );
        span.set_attribute(KeyValue::new("gen_ai.response.time_to_first_chunk", ttft));
    }

    /// An attempt failed before its first token: its own span under the request's.
    fn hop(&mut self, hop: &HopRecord) {
        let now = SystemTime::now();
        let mut span = self.attempt_span(&hop.model, &hop.provider);
        span.set_attribute(KeyValue::new("error.type", hop_error_type(&hop.outcome)));
        if let Some(w) = hop.wait {
            span.set_attribute(KeyValue::new(
                "switchboard.retry_after_ms",
                w.as_millis() as i64,
            ));
        }
        span.set_status(Status::error(hop.outcome.clone()));
        span.end_with_timestamp(now);
        self.failed_attempts += 1;
        self.attempt.number += 1;
        self.attempt.since = now + hop.wait.unwrap_or_default();
        self.cx.span().add_event_with_timestamp(
            "switchboard.attempt_failed",
            now,
            vec![
                KeyValue::new("gen_ai.request.model", hop.model.clone()),
                KeyValue::new("switchboard.outcome", hop.outcome.clone()),
            ],
        );
    }

    fn attempt_span(&self, model: &str, provider: &str) -> opentelemetry_sdk::trace::Span {
        self.tracer
            .span_builder(format!("chat {model}"))
            .with_kind(SpanKind::Client)
            .with_start_time(self.attempt.since)
            .with_attributes(vec![
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.request.model", model.to_string()),
                KeyValue::new("switchboard.provider", provider.to_string()),
                KeyValue::new("switchboard.attempt", i64::from(self.attempt.number)),
            ])
            .start_with_context(&self.tracer, &self.cx)
    }

    fn end(&mut self, error: Option<&ApiError>) {
        self.ended = true;
        let now = SystemTime::now();
        if self.failed_attempts > 0 {
            // The attempt that ended it, beside the ones that failed before it.
            let mut span = self.attempt_span(&self.attempt.model, &self.attempt.provider);
            if let Some(e) = error {
                span.set_attribute(KeyValue::new("error.type", error_type(e)));
                span.set_status(Status::error(e.to_string()));
            }
            span.end_with_timestamp(now);
        }
        let span = self.cx.span();
        if let Some(f) = &self.finish {
            span.set_attribute(KeyValue::new(
                "gen_ai.response.finish_reasons",
                strings([f.clone()]),
            ));
        }
        let (input, output) = self
            .usage
            .as_ref()
            .map_or((None, None), |u| (u.prompt_tokens, u.completion_tokens));
        if let Some(n) = input {
            span.set_attribute(KeyValue::new("gen_ai.usage.input_tokens", n as i64));
        }
        if let Some(n) = output {
            span.set_attribute(KeyValue::new("gen_ai.usage.output_tokens", n as i64));
        }
        if let Some(n) = self
            .usage
            .as_ref()
            .map(Usage::web_searches)
            .filter(|n| *n > 0)
        {
            span.set_attribute(KeyValue::new("switchboard.web_searches", n as i64));
        }
        if let Some(n) = self.usage.as_ref().and_then(Usage::reasoning_tokens) {
            span.set_attribute(KeyValue::new(
                "switchboard.usage.reasoning_tokens",
                n as i64,
            ));
        }
        let reported = self.usage.as_ref().and_then(|u| u.cost);
        let estimated = || {
            let price = self.label.price?;
            price.cost(input?, output?)
        };
        let cost = match reported {
            Some(c) => Some((c, "reported")),
            None => estimated().map(|c| (c, "estimated")),
        };
        if let Some((usd, source)) = cost {
            span.set_attribute(KeyValue::new("gen_ai.usage.cost", usd));
            span.set_attribute(KeyValue::new("switchboard.cost_source", source));
        }
        if self.failed_attempts > 0 {
            span.set_attribute(KeyValue::new(
                "switchboard.failed_attempts",
                i64::from(self.failed_attempts),
            ));
            span.set_attribute(KeyValue::new(
                "switchboard.answered_by",
                self.attempt.model.clone(),
            ));
        }
        if let Some(o) = &self.output {
            span.set_attribute(KeyValue::new(
                "gen_ai.output.messages",
                o.messages(self.finish.as_deref()),
            ));
        }
        if let Some(e) = error {
            span.set_attribute(KeyValue::new("error.type", error_type(e)));
            span.set_status(Status::error(e.to_string()));
        }
        span.end_with_timestamp(now);
    }
}

impl Drop for RequestTrace {
    /// A request stopped before its end (the user stopped it, or quit) still ends its span.
    fn drop(&mut self) {
        if !self.ended {
            self.cx
                .span()
                .set_attribute(KeyValue::new("switchboard.cancelled", true));
            self.end(None);
        }
    }
}

fn strings(items: impl IntoIterator<Item = String>) -> Value {
    Value::Array(Array::String(
        items.into_iter().map(StringValue::from).collect(),
    ))
}

/// A failure's kind, with few values: the HTTP status, or what went wrong on the way.
pub fn error_type(e: &ApiError) -> String {
    match e {
        ApiError::Http { status, .. } => status.to_string(),
        ApiError::MidStream { .. } => "mid_stream".into(),
        ApiError::Connect(_) => "connect".into(),
        ApiError::Transport(_) => "transport".into(),
        ApiError::CutOff => "cut_off".into(),
        ApiError::Stalled(_) => "stalled".into(),
        ApiError::Malformed(_) => "malformed".into(),
        ApiError::NotSent(_) => "not_sent".into(),
        ApiError::Recorded(_) => "recorded".into(),
    }
}

/// A failed attempt's kind from its outcome: the status it starts with, else `_OTHER` as the
/// conventions have it.
fn hop_error_type(outcome: &str) -> String {
    let status: String = outcome.chars().take_while(char::is_ascii_digit).collect();
    if status.len() == 3 {
        status
    } else {
        "_OTHER".into()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

    use super::*;
    use crate::cost::ModelPrice;

    /// Keeps what it is given: each span as it ends.
    #[derive(Clone, Debug, Default)]
    struct Kept(Arc<Mutex<Vec<SpanData>>>);

    impl SpanExporter for Kept {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(batch);
            Ok(())
        }
    }

    fn tracer() -> (SdkTracer, Kept, SdkTracerProvider) {
        let kept = Kept::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(kept.clone())
            .build();
        (provider.tracer("test"), kept, provider)
    }

    fn endpoint() -> Endpoint {
        Endpoint {
            provider: "local".into(),
            kind: ProviderKind::Openai,
            base_url: "http://localhost:11434/v1".into(),
            api_key: Some("sk-secret".into()),
            simulated: false,
            options: Default::default(),
        }
    }

    fn params() -> ChatParams {
        ChatParams {
            model: "llama3".into(),
            messages: vec![crate::provider::Message::new(
                crate::provider::Role::User,
                "hi",
            )],
            settings: Default::default(),
            tools: Vec::new(),
            session_id: None,
        }
    }

    fn attr(span: &SpanData, key: &str) -> Option<opentelemetry::Value> {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.clone())
    }

    fn spans(kept: &Kept) -> Vec<SpanData> {
        kept.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    #[test]
    fn a_stopped_request_still_ends_its_span_marked_cancelled() {
        let (tracer, kept, _p) = tracer();
        let mut t = RequestTrace::begin(&tracer, Label::default(), &endpoint(), &params(), false);
        t.on(&StreamEvent::Delta("Hel".into()));
        assert!(spans(&kept).is_empty(), "not ended yet");
        drop(t);
        let s = spans(&kept);
        assert_eq!(s.len(), 1);
        assert_eq!(attr(&s[0], "switchboard.cancelled"), Some(true.into()));
        assert_eq!(s[0].events.len(), 1, "the first token was seen");
        assert_eq!(s[0].status, Status::Unset);
    }

    #[test]
    fn a_server_that_reports_no_cost_has_it_estimated_from_the_price() {
        let (tracer, kept, _p) = tracer();
        let label = Label {
            price: Some(ModelPrice::per_million(1.0, 2.0)),
            ..Label::default()
        };
        let mut t = RequestTrace::begin(&tracer, label, &endpoint(), &params(), false);
        t.on(&StreamEvent::Delta("Hello".into()));
        t.on(&StreamEvent::Finish("stop".into()));
        t.on(&StreamEvent::Usage(Usage {
            prompt_tokens: Some(1_000),
            completion_tokens: Some(500),
            ..Usage::default()
        }));
        t.on(&StreamEvent::Done);
        let s = spans(&kept);
        let Some(opentelemetry::Value::F64(cost)) = attr(&s[0], "gen_ai.usage.cost") else {
            panic!("no cost: {:?}", s[0].attributes);
        };
        assert!((cost - 0.002).abs() < 1e-12, "{cost}");
        assert_eq!(
            attr(&s[0], "switchboard.cost_source"),
            Some("estimated".into())
        );
        assert_eq!(attr(&s[0], "gen_ai.provider.name"), Some("local".into()));
        assert_eq!(attr(&s[0], "server.port"), Some(11434_i64.into()));
        drop(t);
        assert_eq!(spans(&kept).len(), 1, "ended once");
    }

    #[test]
    fn a_failure_is_an_error_span_with_its_kind() {
        let (tracer, kept, _p) = tracer();
        let mut t = RequestTrace::begin(&tracer, Label::default(), &endpoint(), &params(), true);
        t.on(&StreamEvent::Hop(HopRecord {
            model: "llama3".into(),
            provider: "local".into(),
            outcome: "429 rate limited".into(),
            wait: Some(Duration::from_millis(10)),
        }));
        t.on(&StreamEvent::Error(ApiError::Stalled(Duration::from_secs(
            30,
        ))));
        let s = spans(&kept);
        assert_eq!(s.len(), 3, "two attempts and the request");
        let root = &s[2];
        assert_eq!(attr(root, "error.type"), Some("stalled".into()));
        assert!(matches!(root.status, Status::Error { .. }));
        assert_eq!(attr(&s[0], "error.type"), Some("429".into()));
        assert_eq!(
            attr(&s[0], "switchboard.retry_after_ms"),
            Some(10_i64.into())
        );
        assert_eq!(attr(&s[1], "error.type"), Some("stalled".into()));
        assert!(s[1].start_time >= s[0].end_time, "the retry waited");
        let all = format!("{s:?}");
        assert!(!all.contains("sk-secret"), "never the key");
        assert!(all.contains("gen_ai.input.messages"), "content when asked");
    }
}
