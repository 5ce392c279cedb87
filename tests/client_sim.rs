#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client against the simulator on loopback: every `sim/*` model yields the events its
//! behaviour promises, streams run concurrently, and server-side fallback reports who answered.

mod common;

use std::time::Duration;

use switchboard::provider::{ApiError, ChatParams, Endpoint, Message, ProviderKind, Role};
use switchboard::sim;
use switchboard::stream::task::{run_request, StreamOptions};
use switchboard::stream::StreamEvent;

async fn sim() -> sim::SimServer {
    common::sim_at(50.0).await
}

fn endpoint(server: &sim::SimServer, kind: ProviderKind) -> Endpoint {
    Endpoint {
        provider: "sim".into(),
        kind,
        base_url: server.base_url(),
        api_key: None,
        simulated: true,
        options: Default::default(),
    }
}

fn params(model: &str) -> ChatParams {
    ChatParams {
        model: model.into(),
        messages: vec![Message::new(Role::User, "Explain consistent hashing")],
        ..ChatParams::default()
    }
}

async fn collect(ep: &Endpoint, p: &ChatParams, stall: Duration) -> Vec<StreamEvent> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    let opts = StreamOptions {
        stall_timeout: stall,
    };
    run_request(&client, ep, p, &opts, |e| out.push(e)).await;
    out
}

fn served(events: &[StreamEvent]) -> Option<(String, Option<String>)> {
    events.iter().find_map(|e| match e {
        StreamEvent::Served { model, provider } => Some((model.clone(), provider.clone())),
        _ => None,
    })
}

fn assert_complete(model: &str, ev: &[StreamEvent]) {
    assert!(
        matches!(ev.first(), Some(StreamEvent::Started { generation_id: Some(id) }) if id.starts_with("gen-")),
        "{model}: {:?}",
        ev.first()
    );
    assert_eq!(served(ev).map(|s| s.0), Some(model.to_string()));
    assert!(common::delta_text(ev).len() > 200, "{model}: a real answer");
    assert!(ev.contains(&StreamEvent::Finish("stop".into())), "{model}");
    let usage = ev.iter().find_map(|e| match e {
        StreamEvent::Usage(u) => Some(u.clone()),
        _ => None,
    });
    let usage = usage.unwrap_or_else(|| panic!("{model}: no usage"));
    assert!(
        usage.cost.is_some_and(|c| c > 0.0),
        "{model}: cost reported"
    );
    assert!(usage.completion_tokens.is_some_and(|n| n > 50), "{model}");
    assert_eq!(ev.last(), Some(&StreamEvent::Done), "{model}");
    assert_eq!(ev.iter().filter(|e| e.is_terminal()).count(), 1, "{model}");
}

#[tokio::test]
async fn normal_models_stream_complete_answers() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    for model in ["sim/swift", "sim/steady", "sim/coder", "sim/pricey"] {
        let ev = collect(&ep, &params(model), Duration::from_secs(30)).await;
        assert_complete(model, &ev);
        assert!(
            common::delta_text(&ev).to_lowercase().contains("hashing"),
            "{model} mentions the topic"
        );
    }
    let coder =
        common::delta_text(&collect(&ep, &params("sim/coder"), Duration::from_secs(30)).await);
    assert!(coder.matches("```").count() >= 4, "the coder writes code");
}

#[tokio::test]
async fn thinker_streams_reasoning_before_the_answer() {
    let server = sim().await;
    let ev = collect(
        &endpoint(&server, ProviderKind::Openrouter),
        &params("sim/thinker"),
        Duration::from_secs(30),
    )
    .await;
    assert_complete("sim/thinker", &ev);
    let first_reasoning = ev
        .iter()
        .position(|e| matches!(e, StreamEvent::Reasoning(_)))
        .expect("reasoning");
    let first_delta = ev
        .iter()
        .position(|e| matches!(e, StreamEvent::Delta(_)))
        .unwrap();
    assert!(first_reasoning < first_delta);
    let usage = ev.iter().find_map(|e| match e {
        StreamEvent::Usage(u) => u.reasoning_tokens(),
        _ => None,
    });
    assert!(usage.is_some_and(|n| n > 0), "reasoning tokens counted");
}

#[tokio::test]
async fn flaky_alternates_rate_limit_and_success() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let first = collect(&ep, &params("sim/flaky"), Duration::from_secs(30)).await;
    match first.as_slice() {
        [StreamEvent::Error(ApiError::Http {
            status: 429,
            retry_after,
            message,
            ..
        })] => {
            assert_eq!(*retry_after, Some(Duration::from_secs(1)));
            assert!(message.contains("Rate limit"), "{message}");
        }
        other => panic!("expected one 429, got {other:?}"),
    }
    assert_complete(
        "sim/flaky",
        &collect(&ep, &params("sim/flaky"), Duration::from_secs(30)).await,
    );
}

#[tokio::test]
async fn down_and_unknown_models_fail_before_streaming() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let down = collect(&ep, &params("sim/down"), Duration::from_secs(30)).await;
    assert!(
        matches!(
            down.as_slice(),
            [StreamEvent::Error(ApiError::Http { status: 503, .. })]
        ),
        "{down:?}"
    );
    let unknown = collect(&ep, &params("sim/nope"), Duration::from_secs(30)).await;
    match unknown.as_slice() {
        [StreamEvent::Error(e @ ApiError::Http { status: 400, .. })] => {
            assert!(e.to_string().contains("sim/nope"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn cutoff_midfail_and_stall_end_in_their_own_errors() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let cut = collect(&ep, &params("sim/cutoff"), Duration::from_secs(30)).await;
    assert!(!common::delta_text(&cut).is_empty());
    assert_eq!(cut.last(), Some(&StreamEvent::Error(ApiError::CutOff)));

    let mid = collect(&ep, &params("sim/midfail"), Duration::from_secs(30)).await;
    assert!(!common::delta_text(&mid).is_empty());
    assert!(
        matches!(mid.last(), Some(StreamEvent::Error(ApiError::MidStream { code, .. })) if code == "502"),
        "{:?}",
        mid.last()
    );

    let stall = collect(&ep, &params("sim/stall"), Duration::from_secs(1)).await;
    assert!(!common::delta_text(&stall).is_empty());
    assert_eq!(
        stall.last(),
        Some(&StreamEvent::Error(ApiError::Stalled(Duration::from_secs(
            1
        ))))
    );
}

#[tokio::test]
async fn three_concurrent_streams() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let stall = Duration::from_secs(30);
    let (pa, pb, pc) = (
        params("sim/swift"),
        params("sim/steady"),
        params("sim/thinker"),
    );
    let (a, b, c) = tokio::join!(
        collect(&ep, &pa, stall),
        collect(&ep, &pb, stall),
        collect(&ep, &pc, stall),
    );
    assert_complete("sim/swift", &a);
    assert_complete("sim/steady", &b);
    assert_complete("sim/thinker", &c);
    assert_ne!(common::delta_text(&a), common::delta_text(&b));
}

#[tokio::test]
async fn server_side_fallback_reports_the_model_that_answered() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let mut p = params("sim/down");
    p.settings.fallbacks = vec!["sim/swift".into()];
    let ev = collect(&ep, &p, Duration::from_secs(30)).await;
    assert_complete("sim/swift", &ev);
    assert_eq!(
        served(&ev),
        Some(("sim/swift".into(), Some("SimCloud".into())))
    );
}

#[tokio::test]
async fn max_tokens_and_determinism() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let mut p = params("sim/swift");
    p.settings.max_tokens = Some(12);
    let ev = collect(&ep, &p, Duration::from_secs(30)).await;
    assert!(ev.contains(&StreamEvent::Finish("length".into())), "{ev:?}");
    assert!(ev
        .iter()
        .any(|e| matches!(e, StreamEvent::Usage(u) if u.completion_tokens == Some(12))));
    let once =
        common::delta_text(&collect(&ep, &params("sim/swift"), Duration::from_secs(30)).await);
    let twice =
        common::delta_text(&collect(&ep, &params("sim/swift"), Duration::from_secs(30)).await);
    assert_eq!(once, twice, "same prompt, same model, same answer");
}

#[tokio::test]
async fn openai_kind_works_against_the_same_wire() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openai);
    assert_complete(
        "sim/swift",
        &collect(&ep, &params("sim/swift"), Duration::from_secs(30)).await,
    );
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ep = Endpoint {
        provider: "local".into(),
        kind: ProviderKind::Openai,
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key: None,
        simulated: false,
        options: Default::default(),
    };
    let ev = collect(&ep, &params("m"), Duration::from_secs(30)).await;
    assert!(
        matches!(ev.as_slice(), [StreamEvent::Error(ApiError::Connect(_))]),
        "{ev:?}"
    );
}

/// A server that ignores `stream: true` and answers with one JSON body.
async fn one_shot_server(body: &'static str) -> String {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move || async move { ([("content-type", "application/json")], body) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn a_whole_json_reply_is_read_as_one_answer() {
    let url = one_shot_server(
        r#"{"id":"x","model":"llama3.2","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there","reasoning_content":"short"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
    )
    .await;
    let ep = Endpoint {
        provider: "local".into(),
        kind: ProviderKind::Openai,
        base_url: url,
        api_key: None,
        simulated: false,
        options: Default::default(),
    };
    let ev = collect(&ep, &params("llama3.2"), Duration::from_secs(30)).await;
    assert_eq!(common::delta_text(&ev), "Hi there");
    assert!(ev.contains(&StreamEvent::Reasoning("short".into())));
    assert!(ev.contains(&StreamEvent::Finish("stop".into())));
    assert_eq!(ev.last(), Some(&StreamEvent::Done));

    let url = one_shot_server(
        r#"{"error":{"code":502,"message":"Provider returned error"},"user_id":"u"}"#,
    )
    .await;
    let ep = Endpoint {
        base_url: url,
        ..ep
    };
    let ev = collect(&ep, &params("m"), Duration::from_secs(30)).await;
    assert!(
        matches!(ev.last(), Some(StreamEvent::Error(ApiError::MidStream { code, .. })) if code == "502"),
        "a 200 with an error body is an error: {ev:?}"
    );
}

#[tokio::test]
async fn provider_slugs_for_a_model_come_from_its_endpoints() {
    let server = sim().await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let client = reqwest::Client::new();
    let slugs =
        switchboard::catalog::endpoint_slugs(&client, &ep, "sim/steady", Duration::from_secs(10))
            .await
            .unwrap();
    assert_eq!(
        slugs,
        vec!["steady-labs".to_string(), "sim-backup/fp8".to_string()]
    );
    let missing =
        switchboard::catalog::endpoint_slugs(&client, &ep, "sim/nope", Duration::from_secs(10))
            .await;
    assert!(
        matches!(missing, Err(ApiError::Http { status: 404, .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn the_marathon_writes_exactly_its_length() {
    let server = common::sim_at(10_000.0).await;
    let ep = endpoint(&server, ProviderKind::Openrouter);
    let usage_of = |ev: &[StreamEvent]| {
        ev.iter()
            .find_map(|e| match e {
                StreamEvent::Usage(u) => u.completion_tokens,
                _ => None,
            })
            .expect("usage")
    };
    let ev = collect(&ep, &params("sim/marathon"), Duration::from_secs(30)).await;
    assert_eq!(usage_of(&ev), 20_000);
    assert!(ev.contains(&StreamEvent::Finish("stop".into())));
    let long = common::delta_text(&ev);
    assert!(long.matches("## Chapter").count() > 10, "many chapters");
    assert!(long.matches("```").count() > 10, "with code in them");

    let mut p = params("sim/marathon");
    p.settings.max_tokens = Some(3_000);
    let ev = collect(&ep, &p, Duration::from_secs(30)).await;
    assert_eq!(usage_of(&ev), 3_000);
    assert!(ev.contains(&StreamEvent::Finish("length".into())));
    assert!(
        long.starts_with(&common::delta_text(&ev)),
        "a shorter run is a prefix of the long one"
    );
}
