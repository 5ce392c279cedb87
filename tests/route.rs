#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fallback chains and retries against real loopback servers: the simulator, and a scripted
//! server that counts every request and keeps every body it was sent.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde_json::Value;
use switchboard::provider::settings::{Effort, Routing, Settings};
use switchboard::provider::{ApiError, ChatParams, Endpoint, Message, ProviderKind, Role};
use switchboard::route::{self, Hop, Policy};
use switchboard::stream::task::StreamOptions;
use switchboard::stream::StreamEvent;

#[derive(Clone, Default)]
struct Script {
    counts: Arc<Mutex<HashMap<String, u32>>>,
    bodies: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
}

impl Script {
    fn count(&self, model: &str) -> u32 {
        self.counts.lock().unwrap().get(model).copied().unwrap_or(0)
    }
}

fn sse(chunks: &[&str], done: bool) -> String {
    let mut s = String::new();
    for c in chunks {
        s.push_str(&format!(
            "data: {{\"model\":\"scripted\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{c}\"}}}}]}}\n\n"
        ));
    }
    if done {
        s.push_str("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n");
    }
    s
}

/// Models named for what they do: `ok`, `fail401`, `fail503`, `slow429` (Retry-After: 30),
/// `stallfirst` (headers, then silence), `partial` (two tokens, then the connection drops).
async fn handle(
    State(script): State<Script>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let model = body["model"].as_str().unwrap_or("").to_string();
    *script
        .counts
        .lock()
        .unwrap()
        .entry(model.clone())
        .or_default() += 1;
    script.bodies.lock().unwrap().push((headers, body));
    let error = |status: StatusCode, msg: &str| {
        (
            status,
            Json(serde_json::json!({"error": {"code": status.as_u16(), "message": msg}})),
        )
            .into_response()
    };
    match model.as_str() {
        "fail401" => error(StatusCode::UNAUTHORIZED, "No auth credentials found"),
        "fail503" => error(StatusCode::SERVICE_UNAVAILABLE, "overloaded"),
        "slow429" => {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, "slow down");
            r.headers_mut().insert("retry-after", "30".parse().unwrap());
            r
        }
        "stallfirst" => {
            let stream = futures::stream::pending::<Result<bytes::Bytes, std::io::Error>>();
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(stream))
                .unwrap()
        }
        "partial" => {
            // The tokens go out first; only later does the connection break.
            let stream = futures::stream::unfold(0, |step| async move {
                match step {
                    0 => Some((Ok(bytes::Bytes::from(sse(&["Hel", "lo"], false))), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        Some((Err(std::io::Error::other("dropped")), 2))
                    }
                    _ => None,
                }
            });
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(stream))
                .unwrap()
        }
        _ => (
            [("content-type", "text/event-stream")],
            sse(&["fine"], true),
        )
            .into_response(),
    }
}

async fn scripted() -> (String, Script) {
    let script = Script::default();
    let app = axum::Router::new()
        .route("/v1/chat/completions", post(handle))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), script)
}

fn endpoint(base_url: &str, kind: ProviderKind) -> Endpoint {
    Endpoint {
        provider: "test".into(),
        kind,
        base_url: base_url.into(),
        api_key: Some("k".into()),
        simulated: false,
        options: Default::default(),
    }
}

fn hop(ep: &Endpoint, model: &str) -> Hop {
    Hop {
        endpoint: ep.clone(),
        params: ChatParams {
            model: model.into(),
            messages: vec![Message::new(Role::User, "Explain consistent hashing")],
            settings: Settings::default(),
            tools: Vec::new(),
            session_id: None,
        },
    }
}

fn quick(retries: u32) -> Policy {
    Policy {
        retries,
        backoff: Duration::from_millis(20),
        max_wait: Duration::from_millis(200),
        fallback_on_client_errors: false,
        stream: StreamOptions {
            stall_timeout: Duration::from_secs(30),
        },
    }
}

async fn run(hops: Vec<Hop>, policy: &Policy) -> Vec<StreamEvent> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    route::run(&client, hops, policy, |e| out.push(e)).await;
    out
}

fn hops_of(ev: &[StreamEvent]) -> Vec<(String, String)> {
    ev.iter()
        .filter_map(|e| match e {
            StreamEvent::Hop(h) => Some((h.model.clone(), h.outcome.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn sim_down_falls_over_to_the_next_model_client_side() {
    let server = common::sim_at(50.0).await;
    let ep = endpoint(&server.base_url(), ProviderKind::Openai);
    let ev = run(vec![hop(&ep, "sim/down"), hop(&ep, "sim/swift")], &quick(1)).await;
    let trail = hops_of(&ev);
    assert_eq!(
        trail.len(),
        2,
        "one try and one retry on sim/down: {trail:?}"
    );
    assert!(trail
        .iter()
        .all(|(m, o)| m == "sim/down" && o.starts_with("503")));
    assert!(ev.contains(&StreamEvent::FellBack {
        model: "sim/swift".into(),
        provider: "test".into()
    }));
    assert!(ev
        .iter()
        .any(|e| matches!(e, StreamEvent::Served { model, .. } if model == "sim/swift")));
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
}

#[tokio::test]
async fn sim_flaky_is_retried_after_its_retry_after() {
    let server = common::sim_at(50.0).await;
    let ep = endpoint(&server.base_url(), ProviderKind::Openai);
    let policy = Policy {
        max_wait: Duration::from_secs(20),
        ..quick(2)
    };
    let start = Instant::now();
    let ev = run(vec![hop(&ep, "sim/flaky")], &policy).await;
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 honoured"
    );
    assert!(ev.iter().any(
        |e| matches!(e, StreamEvent::Retrying { wait, attempt: 1, of: 2, reason }
        if *wait == Duration::from_secs(1) && reason == "429 rate limited")
    ));
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
    assert!(common::delta_text(&ev).len() > 100);
}

#[tokio::test]
async fn a_stall_after_the_first_token_keeps_the_partial_answer() {
    let server = common::sim_at(50.0).await;
    let ep = endpoint(&server.base_url(), ProviderKind::Openai);
    let policy = Policy {
        stream: StreamOptions {
            stall_timeout: Duration::from_millis(500),
        },
        ..quick(2)
    };
    let ev = run(vec![hop(&ep, "sim/stall"), hop(&ep, "sim/swift")], &policy).await;
    assert!(!common::delta_text(&ev).is_empty());
    assert!(matches!(
        ev.last(),
        Some(StreamEvent::Error(ApiError::Stalled(_)))
    ));
    assert!(
        !ev.iter().any(|e| matches!(e, StreamEvent::FellBack { .. })),
        "no fallback after the answer began"
    );
}

#[tokio::test]
async fn retry_after_is_capped_and_the_budget_never_exceeded() {
    let (url, script) = scripted().await;
    let ep = endpoint(&url, ProviderKind::Openai);
    let start = Instant::now();
    let ev = run(vec![hop(&ep, "slow429"), hop(&ep, "ok")], &quick(2)).await;
    assert_eq!(
        script.count("slow429"),
        3,
        "one try plus two retries, no more"
    );
    assert_eq!(script.count("ok"), 1);
    let waits: Vec<Duration> = ev
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Retrying { wait, .. } => Some(*wait),
            _ => None,
        })
        .collect();
    assert_eq!(
        waits,
        vec![Duration::from_millis(200); 2],
        "Retry-After: 30 capped at 200 ms"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
}

#[tokio::test]
async fn a_refused_key_stops_the_chain_unless_asked_otherwise() {
    let (url, script) = scripted().await;
    let ep = endpoint(&url, ProviderKind::Openai);
    let ev = run(vec![hop(&ep, "fail401"), hop(&ep, "ok")], &quick(2)).await;
    assert_eq!(script.count("fail401"), 1, "401 is never retried");
    assert_eq!(script.count("ok"), 0, "and does not fall over");
    assert!(matches!(
        ev.last(),
        Some(StreamEvent::Error(ApiError::Http { status: 401, .. }))
    ));

    let policy = Policy {
        fallback_on_client_errors: true,
        ..quick(2)
    };
    let ev = run(vec![hop(&ep, "fail401"), hop(&ep, "ok")], &policy).await;
    assert_eq!(script.count("fail401"), 2);
    assert_eq!(script.count("ok"), 1);
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
}

#[tokio::test]
async fn a_stall_before_the_first_token_falls_over() {
    let (url, script) = scripted().await;
    let ep = endpoint(&url, ProviderKind::Openai);
    let policy = Policy {
        stream: StreamOptions {
            stall_timeout: Duration::from_millis(300),
        },
        ..quick(0)
    };
    let ev = run(vec![hop(&ep, "stallfirst"), hop(&ep, "ok")], &policy).await;
    assert_eq!(script.count("stallfirst"), 1);
    assert_eq!(common::delta_text(&ev), "fine");
    assert!(hops_of(&ev)[0].1.contains("stalled"));
}

#[tokio::test]
async fn a_drop_after_the_first_token_is_not_retried() {
    let (url, script) = scripted().await;
    let ep = endpoint(&url, ProviderKind::Openai);
    let ev = run(vec![hop(&ep, "partial"), hop(&ep, "ok")], &quick(2)).await;
    assert_eq!(common::delta_text(&ev), "Hello", "the partial answer stays");
    assert_eq!(ev.last(), Some(&StreamEvent::Error(ApiError::CutOff)));
    assert_eq!((script.count("partial"), script.count("ok")), (1, 0));
}

#[tokio::test]
async fn openrouter_fallbacks_go_server_side_in_models() {
    let server = common::sim_at(50.0).await;
    let ep = endpoint(&server.base_url(), ProviderKind::Openrouter);
    let mut h = hop(&ep, "sim/down");
    h.params.settings.fallbacks = vec!["sim/swift".into()];
    let ev = run(vec![h], &quick(2)).await;
    assert!(hops_of(&ev).is_empty(), "the server did the walking");
    assert!(ev
        .iter()
        .any(|e| matches!(e, StreamEvent::Served { model, .. } if model == "sim/swift")));
    assert_eq!(ev.last(), Some(&StreamEvent::Done));
}

fn every_setting() -> Settings {
    Settings {
        system: Some("Be terse.".into()),
        fallbacks: vec!["b/fallback".into()],
        temperature: Some(0.4),
        top_p: Some(0.9),
        top_k: Some(20),
        min_p: Some(0.1),
        max_tokens: Some(300),
        seed: Some(42),
        stop: vec!["\n\n".into()],
        frequency_penalty: Some(0.5),
        presence_penalty: Some(0.25),
        repetition_penalty: Some(1.1),
        reasoning_effort: Some(Effort::Low),
        reasoning_max_tokens: None,
        reasoning_exclude: true,
        reasoning_enabled: None,
        debug_echo: false,
        routing: Routing {
            order: vec!["anthropic".into(), "openai".into()],
            only: vec!["anthropic".into()],
            ignore: vec!["deepinfra".into()],
            allow_fallbacks: Some(false),
            require_parameters: Some(true),
            data_collection: Some("deny".into()),
            zdr: Some(true),
            sort: Some("latency".into()),
            quantizations: vec!["fp8".into(), "bf16".into()],
            max_price_prompt: Some(1.0),
            max_price_completion: Some(2.0),
            ..Routing::default()
        },
        compression: Some(false),
        tools: Vec::new(),
        tool_choice: None,
        parallel_tool_calls: None,
        response_format: None,
        cache: None,
        cache_system: false,
        web_search: None,
        web_search_results: None,
    }
}

#[tokio::test]
async fn the_bodies_on_the_wire_for_every_setting() {
    let (url, script) = scripted().await;
    for kind in [ProviderKind::Openrouter, ProviderKind::Openai] {
        let ep = endpoint(&url, kind);
        let mut h = hop(&ep, "ok");
        h.params.settings = every_setting();
        let hops = vec![h];
        run(hops, &quick(0)).await;
    }
    let bodies = script.bodies.lock().unwrap().clone();
    let (or_headers, or) = &bodies[0];
    assert_eq!(or["models"], serde_json::json!(["b/fallback"]));
    assert_eq!(
        or["reasoning"],
        serde_json::json!({"effort": "low", "exclude": true})
    );
    assert_eq!(
        or["provider"],
        serde_json::json!({"order": ["anthropic", "openai"], "only": ["anthropic"], "ignore": ["deepinfra"],
            "allow_fallbacks": false, "require_parameters": true, "data_collection": "deny", "zdr": true,
            "sort": "latency", "quantizations": ["fp8", "bf16"], "max_price": {"prompt": 1.0, "completion": 2.0}})
    );
    assert_eq!(
        or["plugins"],
        serde_json::json!([{"id": "context-compression", "enabled": false}])
    );
    for (k, v) in [
        ("temperature", 0.4),
        ("top_p", 0.9),
        ("min_p", 0.1),
        ("frequency_penalty", 0.5),
        ("presence_penalty", 0.25),
        ("repetition_penalty", 1.1),
    ] {
        assert_eq!(or[k].as_f64(), Some(v), "{k}");
    }
    assert_eq!(
        (
            or["top_k"].as_u64(),
            or["max_tokens"].as_u64(),
            or["seed"].as_i64()
        ),
        (Some(20), Some(300), Some(42))
    );
    assert_eq!(or["stop"], serde_json::json!(["\n\n"]));
    assert_eq!(or["stream"], true);
    assert_eq!(or_headers["x-openrouter-title"], "switchboard");
    assert!(
        or_headers.get("http-referer").is_none(),
        "no referer unless the config gives one"
    );
    assert_eq!(or_headers["authorization"], "Bearer k");

    let (oa_headers, oa) = &bodies[1];
    for k in ["models", "provider", "plugins", "reasoning", "transforms"] {
        assert!(
            oa.get(k).is_none(),
            "{k} must not reach an OpenAI-compatible server"
        );
    }
    assert!(oa_headers.get("x-title").is_none());
    assert_eq!(oa["reasoning_effort"], "low");
    assert_eq!(
        oa["stream_options"],
        serde_json::json!({"include_usage": true})
    );
    assert_eq!(oa["temperature"].as_f64(), Some(0.4));
}
