#![allow(dead_code)]
//! An OTLP/HTTP trace receiver on loopback, on a thread and runtime of its own so blocking
//! tests (a `switchboard run` child, a tmux session) can use it: it decodes each export as
//! a collector would and keeps the spans, the raw bodies and the headers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use prost::Message as _;
use serde_json::{json, Value};

/// One span as the receiver decoded it.
#[derive(Clone, Debug)]
pub struct Span {
    pub name: String,
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub parent: Vec<u8>,
    /// 3 is CLIENT.
    pub kind: i32,
    pub start: u64,
    pub end: u64,
    pub attrs: BTreeMap<String, Value>,
    pub events: Vec<(String, u64, BTreeMap<String, Value>)>,
    /// 0 unset, 1 ok, 2 error.
    pub status: i32,
    pub status_message: String,
    pub resource: BTreeMap<String, Value>,
    pub scope: String,
}

impl Span {
    pub fn attr(&self, key: &str) -> &Value {
        self.attrs.get(key).unwrap_or(&Value::Null)
    }
    pub fn event(&self, name: &str) -> Option<&BTreeMap<String, Value>> {
        self.events.iter().find(|e| e.0 == name).map(|e| &e.2)
    }
}

#[derive(Default)]
struct Seen {
    spans: Vec<Span>,
    raw: Vec<u8>,
    posts: usize,
    headers: Vec<HeaderMap>,
}

pub struct Receiver {
    /// The base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it.
    pub url: String,
    seen: Arc<Mutex<Seen>>,
}

/// How the receiver answers.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    Accept,
    /// Answers every export with this status.
    Fail(u16),
    /// Takes the connection and never answers.
    Hang,
}

impl Receiver {
    pub fn start(mode: Mode) -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (tx, rx) = std::sync::mpsc::channel();
        let kept = seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                let _ = tx.send(listener.local_addr().expect("an address"));
                let handler = move |headers: HeaderMap, body: Bytes| {
                    let kept = kept.clone();
                    async move {
                        if mode == Mode::Hang {
                            std::future::pending::<()>().await;
                        }
                        let req = ExportTraceServiceRequest::decode(body.as_ref())
                            .expect("an OTLP/HTTP protobuf export");
                        let mut s = kept.lock().expect("the receiver's record");
                        s.posts += 1;
                        s.raw.extend_from_slice(&body);
                        s.headers.push(headers);
                        if let Mode::Fail(code) = mode {
                            return (StatusCode::from_u16(code).expect("a status"), Vec::new());
                        }
                        s.spans.extend(flatten(req));
                        (StatusCode::OK, Vec::new())
                    }
                };
                let app = axum::Router::new().route("/v1/traces", axum::routing::post(handler));
                let _ = axum::serve(listener, app).await;
            });
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the receiver is listening");
        Self {
            url: format!("http://{addr}"),
            seen,
        }
    }

    pub fn spans(&self) -> Vec<Span> {
        self.seen.lock().expect("the record").spans.clone()
    }

    /// Waits (up to a minute) until `n` spans have come in; all of them.
    pub fn wait_for(&self, n: usize) -> Vec<Span> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let spans = self.spans();
            if spans.len() >= n {
                return spans;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} spans arrived: {:#?}",
                spans.len(),
                spans.iter().map(|s| &s.name).collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every export's bytes, as sent.
    pub fn raw(&self) -> Vec<u8> {
        self.seen.lock().expect("the record").raw.clone()
    }

    pub fn posts(&self) -> usize {
        self.seen.lock().expect("the record").posts
    }

    pub fn headers(&self) -> Vec<HeaderMap> {
        self.seen.lock().expect("the record").headers.clone()
    }
}

fn flatten(req: ExportTraceServiceRequest) -> Vec<Span> {
    let mut out = Vec::new();
    for rs in req.resource_spans {
        let resource = rs.resource.map(|r| attrs(r.attributes)).unwrap_or_default();
        for ss in rs.scope_spans {
            let scope = ss.scope.map(|s| s.name).unwrap_or_default();
            for s in ss.spans {
                let status = s.status.unwrap_or_default();
                out.push(Span {
                    name: s.name,
                    trace_id: s.trace_id,
                    span_id: s.span_id,
                    parent: s.parent_span_id,
                    kind: s.kind,
                    start: s.start_time_unix_nano,
                    end: s.end_time_unix_nano,
                    attrs: attrs(s.attributes),
                    events: s
                        .events
                        .into_iter()
                        .map(|e| (e.name, e.time_unix_nano, attrs(e.attributes)))
                        .collect(),
                    status: status.code,
                    status_message: status.message,
                    resource: resource.clone(),
                    scope: scope.clone(),
                });
            }
        }
    }
    out
}

fn attrs(kvs: Vec<KeyValue>) -> BTreeMap<String, Value> {
    kvs.into_iter()
        .map(|kv| (kv.key, kv.value.map(value).unwrap_or(Value::Null)))
        .collect()
}

fn value(v: AnyValue) -> Value {
    match v.value {
        Some(any_value::Value::StringValue(s)) => json!(s),
        Some(any_value::Value::BoolValue(b)) => json!(b),
        Some(any_value::Value::IntValue(i)) => json!(i),
        Some(any_value::Value::DoubleValue(d)) => json!(d),
        Some(any_value::Value::ArrayValue(a)) => {
            Value::Array(a.values.into_iter().map(value).collect())
        }
        Some(any_value::Value::KvlistValue(l)) => {
            Value::Object(attrs(l.values).into_iter().collect())
        }
        Some(any_value::Value::BytesValue(b)) => json!(b),
        None => Value::Null,
    }
}
