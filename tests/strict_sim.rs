#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The wire as OpenRouter speaks it today, through the real stream path against the strict
//! simulator: signed reasoning kept across tool turns, every call answered before a new
//! prompt, failures that end with `finish_reason: "error"`, and tool names repeated in every
//! fragment.

mod common;

use common::drive::{drive, starts};
use common::keys::{press, type_text};

use crossterm::event::{KeyCode, KeyModifiers};
use serde_json::{json, Value};
use switchboard::app::{App, Effect, Status};
use switchboard::provider::request::chat_body;
use switchboard::provider::{ApiError, ProviderKind};
use switchboard::session::store::Op;
use switchboard::sim::{self, SimOptions, SimServer};
use switchboard::tools::ToolDef;

fn weather() -> ToolDef {
    ToolDef {
        name: "get_weather".into(),
        description: "Current weather for a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        result: Some("sunny, 21°C".into()),
        results: Default::default(),
    }
}

async fn server(opts: SimOptions) -> SimServer {
    sim::start(
        "127.0.0.1",
        0,
        SimOptions {
            speed: 50.0,
            ..opts
        },
    )
    .await
    .unwrap()
}

fn tool_app(server: &SimServer, models: &[&str]) -> App {
    let mut a = common::sim_app(models);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = server.base_url();
    a.config.tools = vec![weather()];
    for p in &mut a.session.panes {
        p.settings.tools = vec!["get_weather".into()];
    }
    a
}

/// Posts a body to the simulator as it is, returning the status and the JSON reply.
async fn post(server: &SimServer, body: &Value) -> (u16, Value) {
    let mut body = body.clone();
    body["stream"] = json!(false);
    let r = reqwest::Client::new()
        .post(format!("{}/chat/completions", server.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn failure(a: &App, pane: usize) -> Option<ApiError> {
    match &a.session.panes[pane].current().unwrap().status {
        Status::Failed(e) => Some(e.clone()),
        _ => None,
    }
}

fn assert_all_done(a: &App, when: &str) {
    for (i, p) in a.session.panes.iter().enumerate() {
        let last = p.current().unwrap();
        assert_eq!(
            last.status,
            Status::Done,
            "{when}: pane {} ({}) {:?}",
            i + 1,
            p.model,
            failure(a, i)
        );
    }
}

#[tokio::test]
async fn the_simulator_refuses_what_strict_upstreams_refuse() {
    let s = server(SimOptions::default()).await;
    let call = json!({"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}});
    let tools = json!([weather().wire()]);
    // A call followed by a user message instead of its result.
    let (status, body) = post(
        &s,
        &json!({"model": "sim/swift", "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": null, "tool_calls": [call]},
            {"role": "user", "content": "Never mind"}]}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not have response messages: c1"),
        "{body}"
    );
    // The signing model's thought dropped from a follow-up.
    let (status, first) = post(
        &s,
        &json!({"model": "sim/signer", "tools": tools, "messages": [{"role": "user", "content": "Weather in Oslo?"}]}),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let message = &first["choices"][0]["message"];
    let calls = message["tool_calls"].clone();
    let id = calls[0]["id"].as_str().unwrap();
    let follow = |details: Option<Value>| {
        let mut assistant = json!({"role": "assistant", "content": null, "tool_calls": calls});
        if let Some(d) = details {
            assistant["reasoning_details"] = d;
        }
        json!({"model": "sim/signer", "tools": tools, "messages": [
            {"role": "user", "content": "Weather in Oslo?"}, assistant,
            {"role": "tool", "tool_call_id": id, "content": "rain"}]})
    };
    let (status, body) = post(&s, &follow(None)).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reasoning details must be preserved"),
        "{body}"
    );
    let (status, body) = post(&s, &follow(Some(message["reasoning_details"].clone()))).await;
    assert_eq!(
        status, 200,
        "sent back unchanged, the thought is accepted: {body}"
    );
    // Variants answer under the base model's entry.
    let (status, body) = post(
        &s,
        &json!({"model": "sim/swift:nitro", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["model"], "sim/swift");
}

/// Three tool-using reasoning panes: a tool step, a new prompt sent to one pane while its calls
/// wait, then a second tool step in all three. The simulator refuses anything invalid, so every
/// answer finishing is the proof; the bodies are checked as well.
#[tokio::test]
async fn reasoning_is_kept_across_tool_turns_and_waiting_calls_are_answered() {
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/signer", "sim/signer:nitro", "sim/signer:exacto"]);
    type_text(&mut a, "What is the weather in Oslo?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let mut seen = drive(&mut a, fx).await;
    assert_all_done(&a, "first step");
    for p in &a.session.panes {
        let answer = p.current().unwrap();
        assert_eq!(answer.tool_calls.len(), 1);
        assert!(!answer.reasoning.is_empty(), "the thinking block has text");
        let d = &answer.reasoning_details;
        assert_eq!(d.len(), 2, "merged per index: {d:?}");
        assert_eq!(d[0]["type"], "reasoning.text");
        assert_eq!(d[0]["text"].as_str().unwrap(), answer.reasoning);
        assert!(d[0]["signature"].as_str().unwrap().starts_with("sig_"));
        assert_eq!(d[1]["type"], "reasoning.encrypted");
    }

    // Pane 1 gets a new prompt while its call waits (Tab to the panes, then Ctrl+S there).
    a.view.focus = 0;
    type_text(&mut a, "Actually, what about Rome?");
    let fx = press(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let sent = starts(&fx);
    assert_eq!(sent.len(), 1, "only the focused pane");
    let body = chat_body(ProviderKind::Openrouter, &sent[0]);
    let m = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = m.iter().map(|x| x["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "tool", "user"], "{body:#}");
    assert_eq!(m[1]["content"], Value::Null);
    assert_eq!(m[1]["reasoning_details"].as_array().unwrap().len(), 2);
    assert_eq!(m[2]["tool_call_id"], m[1]["tool_calls"][0]["id"]);
    assert!(m[2]["content"]
        .as_str()
        .unwrap()
        .starts_with("not answered"));
    let notice = a
        .view
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("not answered"), "{notice}");
    seen.extend(drive(&mut a, fx).await);
    assert_all_done(&a, "a new prompt over a waiting call");
    assert_eq!(a.session.panes[0].turns.len(), 2);

    // Alt+T answers every pane's waiting call; then a second prompt and a second tool step.
    let fx = press(&mut a, KeyCode::Char('t'), KeyModifiers::ALT);
    assert_eq!(starts(&fx).len(), 3);
    seen.extend(drive(&mut a, fx).await);
    assert_all_done(&a, "tool results");
    for p in &a.session.panes {
        assert!(
            p.current().unwrap().tool_calls.is_empty(),
            "answered in prose"
        );
        assert!(!p.current().unwrap().text.is_empty());
    }
    type_text(&mut a, "And in Bergen?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    seen.extend(drive(&mut a, fx).await);
    let fx = press(&mut a, KeyCode::Char('t'), KeyModifiers::ALT);
    seen.extend(drive(&mut a, fx).await);
    assert_all_done(&a, "second tool step");

    // The whole session, resumed from the history, carries the conversation on exactly.
    let (db, mut w) = common::history_db();
    for e in seen {
        if let Effect::History(op) = e {
            w.apply(db.conn(), *op).unwrap();
        }
    }
    let (_, rounds) = switchboard::session::export::load(db.conn(), 1)
        .unwrap()
        .unwrap();
    let (panes, _) = switchboard::session::resume::panes(
        &a.config.providers,
        &rounds,
        std::time::Instant::now(),
    );
    assert_eq!(panes.len(), 3);
    for (p, live) in panes.iter().zip(&a.session.panes) {
        let mut resumed = p.params(p.turns.len(), "One more: Tromsø?");
        let mut now = live.params(live.turns.len(), "One more: Tromsø?");
        resumed.tools = vec![weather().wire()];
        now.tools = resumed.tools.clone();
        let (rb, nb) = (
            chat_body(ProviderKind::Openrouter, &resumed),
            chat_body(ProviderKind::Openrouter, &now),
        );
        assert_eq!(rb["messages"], nb["messages"], "{}", p.model);
        let (status, body) = post(&s, &rb).await;
        assert_eq!(status, 200, "{}: {body}", p.model);
    }
}

#[tokio::test]
async fn a_new_prompt_in_a_compare_round_where_only_some_panes_called_tools() {
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/tooler", "sim/swift", "sim/parallel"]);
    type_text(&mut a, "Weather in Oslo?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    assert_eq!(a.session.panes[1].current().unwrap().tool_calls.len(), 0);
    assert_eq!(a.session.panes[2].current().unwrap().tool_calls.len(), 2);
    type_text(&mut a, "Thanks. Now explain backpressure.");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let bodies: Vec<Value> = starts(&fx)
        .iter()
        .map(|p| chat_body(ProviderKind::Openrouter, p))
        .collect();
    let tool_messages = |b: &Value| {
        b["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "tool")
            .count()
    };
    assert_eq!(
        bodies.iter().map(tool_messages).collect::<Vec<_>>(),
        [1, 0, 2]
    );
    drive(&mut a, fx).await;
    assert_all_done(&a, "the next round");
}

#[tokio::test]
async fn finish_error_without_an_error_object_fails_and_keeps_its_native_reason() {
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/malformed", "sim/swift"]);
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let seen = drive(&mut a, fx).await;
    let answer = a.session.panes[0].current().unwrap();
    assert!(!answer.text.is_empty(), "what arrived is kept");
    assert_eq!(
        answer.native_finish_reason.as_deref(),
        Some("MALFORMED_FUNCTION_CALL")
    );
    let usage = answer
        .usage
        .as_ref()
        .expect("the usage after the failure is read");
    assert!(usage.cost.is_some_and(|c| c > 0.0), "{usage:?}");
    let e = failure(&a, 0).expect("the answer failed");
    assert!(e.to_string().contains("MALFORMED_FUNCTION_CALL"), "{e}");
    assert_eq!(a.session.panes[1].current().unwrap().status, Status::Done);
    assert_eq!(
        a.session.panes[1]
            .current()
            .unwrap()
            .native_finish_reason
            .as_deref(),
        Some("stop")
    );
    // Stored with the answer, and exported.
    let finish = seen
        .iter()
        .find_map(|e| match e {
            Effect::History(op) => match &**op {
                Op::Finish { record, .. } if record.status == "failed" => Some(record.clone()),
                _ => None,
            },
            _ => None,
        })
        .unwrap();
    assert_eq!(
        finish.native_finish_reason.as_deref(),
        Some("MALFORMED_FUNCTION_CALL")
    );
}

#[tokio::test]
async fn tool_names_repeated_in_every_fragment_assemble_once() {
    let s = server(SimOptions {
        repeat_tool_names: true,
        ..SimOptions::default()
    })
    .await;
    let mut a = tool_app(&s, &["sim/tooler", "sim/parallel"]);
    type_text(&mut a, "Weather in Oslo?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    for p in &a.session.panes {
        for call in &p.current().unwrap().tool_calls {
            assert_eq!(call.name, "get_weather");
            assert!(call.invalid.is_none(), "{call:?}");
        }
    }
    let fx = press(&mut a, KeyCode::Char('t'), KeyModifiers::ALT);
    drive(&mut a, fx).await;
    assert_all_done(&a, "answered");
}

#[tokio::test]
async fn a_server_that_refuses_max_tokens_gets_max_completion_tokens_from_then_on() {
    use switchboard::provider::request::TokenField;
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/oseries", "sim/oseries"]);
    let mut openai = a.config.providers.endpoints["sim"].clone();
    openai.provider = "oa".into();
    openai.kind = ProviderKind::Openai;
    openai.base_url = format!("http://{}/v1", s.addr());
    a.config.providers.endpoints.insert("oa".into(), openai);
    a.session.panes[0].provider = "oa".into();
    for p in &mut a.session.panes {
        p.settings.max_tokens = Some(300);
    }
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    assert_all_done(&a, "after the switch");
    let first = a.session.panes[0].current().unwrap();
    assert_eq!(first.token_field, Some(TokenField::MaxCompletionTokens));
    assert_eq!(
        a.config.providers.endpoints["oa"].options.token_field,
        TokenField::MaxCompletionTokens,
        "remembered for the session"
    );
    let notice = a
        .view
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("max_completion_tokens"), "{notice}");
    assert_eq!(
        a.session.panes[1].current().unwrap().token_field,
        None,
        "OpenRouter's path takes max_tokens"
    );
    type_text(&mut a, "And flow control?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    assert_all_done(&a, "the next round");
    assert_eq!(
        a.session.panes[0].current().unwrap().token_field,
        None,
        "sent as max_completion_tokens at once, not refused again"
    );
}

/// Records each request's headers and body; answers with a one-word stream.
async fn recorder(
    seen: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, Value)>>>,
) -> String {
    use axum::response::IntoResponse;
    let handler = move |headers: axum::http::HeaderMap, axum::Json(body): axum::Json<Value>| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push((headers, body));
            (
                [("content-type", "text/event-stream")],
                "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi.\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
            )
                .into_response()
        }
    };
    common::serve_loopback(
        axum::Router::new().route("/v1/chat/completions", axum::routing::post(handler)),
    )
    .await
}

#[tokio::test]
async fn attribution_comes_from_the_config_and_each_conversation_keeps_its_session_id() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let url = recorder(seen.clone()).await;
    let mut a = common::sim_app(&["a/one", "b/two"]);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = url;
    for round in ["Hello", "Again"] {
        type_text(&mut a, round);
        let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
        drive(&mut a, fx).await;
    }
    {
        let ep = a.config.providers.endpoints.get_mut("sim").unwrap();
        ep.options.referer = Some("https://example.org/my-app".into());
        ep.options.title = Some("My Bench".into());
        ep.options.user = Some("alice".into());
    }
    type_text(&mut a, "Third");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 6);
    let session = |i: usize| seen[i].1["session_id"].as_str().unwrap().to_string();
    let by_model = |model: &str| -> Vec<String> {
        (0..6)
            .filter(|&i| seen[i].1["model"] == model)
            .map(session)
            .collect()
    };
    let (one, two) = (by_model("a/one"), by_model("b/two"));
    assert!(
        one.iter().all(|s| *s == one[0]),
        "stable per conversation: {one:?}"
    );
    assert!(two.iter().all(|s| *s == two[0]));
    assert_ne!(one[0], two[0], "one per pane");
    for (i, (h, body)) in seen.iter().enumerate() {
        let header = |k: &str| h.get(k).map(|v| v.to_str().unwrap().to_string());
        if i < 4 {
            assert_eq!(header("http-referer"), None, "no made-up referer");
            assert_eq!(header("x-openrouter-title").as_deref(), Some("switchboard"));
            assert!(body.get("user").is_none());
        } else {
            assert_eq!(
                header("http-referer").as_deref(),
                Some("https://example.org/my-app")
            );
            assert_eq!(header("x-openrouter-title").as_deref(), Some("My Bench"));
            assert_eq!(body["user"], "alice");
        }
    }
}

#[tokio::test]
async fn a_402_offers_to_cap_max_tokens_at_what_the_key_can_afford() {
    let s = server(SimOptions {
        credit: Some(0.01),
        ..SimOptions::default()
    })
    .await;
    let mut a = tool_app(&s, &["sim/pricey"]);
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    let e = failure(&a, 0).expect("refused");
    let afford = e
        .affordable()
        .expect("the reply says what the key can afford");
    assert!(afford > 50 && afford < 200, "{afford}");
    assert!(e.to_string().contains("Ctrl+R caps"), "{e}");
    let fx = press(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(a.session.panes[0].settings.max_tokens, Some(afford));
    let body = chat_body(ProviderKind::Openrouter, &starts(&fx)[0]);
    assert_eq!(body["max_tokens"], afford);
    drive(&mut a, fx).await;
    assert_all_done(&a, "capped");
}

#[tokio::test]
async fn each_404_says_what_to_relax() {
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(
        &s,
        &[
            "sim/pricey:free",
            "sim/swift",
            "sim/swift",
            "sim/swift:nitro",
        ],
    );
    a.session.panes[1].settings.routing.only = vec!["nowhere".into()];
    a.session.panes[2].settings.routing.only = vec!["sim-backup".into()];
    a.session.panes[2].settings.routing.zdr = Some(true);
    a.session.panes[3].settings.routing.only = vec!["sim-backup/fp8".into()];
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    let said = |i: usize| failure(&a, i).map(|e| e.to_string()).unwrap_or_default();
    assert!(
        said(0).starts_with("404 free variant ended") && said(0).contains("drop `:free`"),
        "{}",
        said(0)
    );
    assert!(
        said(1).starts_with("404 filtered out by routing"),
        "{}",
        said(1)
    );
    assert!(
        said(2).starts_with("404 filtered out by privacy settings"),
        "{}",
        said(2)
    );
    assert!(
        said(1).contains("routing filters out every provider"),
        "{}",
        said(1)
    );
    assert!(said(2).contains("privacy settings"), "{}", said(2));
    let pinned = a.session.panes[3].current().unwrap();
    assert_eq!(pinned.status, Status::Done, "{:?}", failure(&a, 3));
    assert_eq!(pinned.served_provider.as_deref(), Some("Sim Backup"));
}

#[tokio::test]
async fn the_free_daily_cap_says_when_it_resets_and_is_not_retried() {
    let s = server(SimOptions {
        free_per_day: 1,
        ..SimOptions::default()
    })
    .await;
    let mut a = tool_app(&s, &["sim/swift:free"]);
    for prompt in ["First", "Second"] {
        type_text(&mut a, prompt);
        let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
        drive(&mut a, fx).await;
    }
    assert_eq!(a.session.panes[0].turns[0].answer.status, Status::Done);
    let capped = a.session.panes[0].current().unwrap();
    let e = failure(&a, 0).expect("capped");
    assert!(e.to_string().starts_with("429"), "{e}");
    assert!(e.to_string().contains("resets at"), "{e}");
    // Through the route, as in the app: one attempt on record, with no wait for a retry.
    assert!(
        capped.hops.len() == 1 && capped.hops[0].wait.is_none(),
        "not retried: {:?}",
        capped.hops
    );
}

#[tokio::test]
async fn a_default_the_catalog_no_longer_lists_is_replaced_before_the_first_round() {
    use switchboard::app::Action;
    use switchboard::catalog::{self, Catalog};
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/swift", "sim/retired", "other/model"]);
    a.session.panes[0].stock = true;
    a.session.panes[1].stock = true;
    // Asked for by name, not a default: left as asked.
    a.session.panes[2].stock = false;
    let ep = a.config.providers.endpoints["sim"].clone();
    let models = catalog::fetch(
        &reqwest::Client::new(),
        &ep,
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();
    switchboard::app::update(
        &mut a,
        Action::Catalog {
            provider: "sim".into(),
            result: Ok(Catalog {
                provider: "sim".into(),
                fetched_at: 0,
                models,
            }),
        },
    );
    assert_eq!(a.session.panes[0].model, "sim/swift", "listed: kept");
    let new = a.session.panes[1].model.clone();
    assert!(
        new.starts_with("sim/") && new != "sim/retired" && new != "sim/swift",
        "{new}"
    );
    assert_eq!(a.session.panes[2].model, "other/model");
    let notice = a
        .view
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        notice.contains("default sim/retired is no longer in sim's catalog")
            && notice.contains(&format!("pane 2 uses {new}")),
        "{notice}"
    );
    a.session.panes.truncate(2);
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    assert_all_done(&a, "no 404 on a first run");
}

fn render(a: &App) -> String {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut t = Terminal::new(TestBackend::new(a.view.size.0, a.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(a, &switchboard::theme::Theme::default(), f))
        .unwrap();
    format!("{}", t.backend())
}

#[tokio::test]
async fn openrouters_side_of_the_routing_and_what_the_provider_received_are_shown() {
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/down", "sim/swift"]);
    a.view.size = (160, 48);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .options
        .routing_metadata = true;
    a.session.panes[0].settings.fallbacks = vec!["sim/steady".into()];
    a.session.panes[1].settings.debug_echo = true;
    a.session.panes[1].settings.top_k = Some(40);
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    assert_all_done(&a, "served");

    // The server-side fallback: OpenRouter's attempts beside the client's hop trail.
    let first = a.session.panes[0].current().unwrap();
    assert_eq!(first.served_model.as_deref(), Some("sim/steady"));
    let attempts = first.router.as_ref().unwrap()["attempts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["status"], 503);
    a.overlay = Some(switchboard::app::state::Overlay::Trail(
        a.session.panes[0].id,
    ));
    let screen = render(&a);
    assert!(screen.contains("on OpenRouter's side"), "{screen}");
    assert!(
        screen.contains("sim/down via Offline Systems · 503"),
        "{screen}"
    );
    assert!(
        screen.contains("sim/steady via Steady Labs · 200"),
        "{screen}"
    );
    a.overlay = None;

    // The debug echo: what the provider received, and what never reached it.
    let received = a.session.panes[1]
        .current()
        .unwrap()
        .upstream_body
        .clone()
        .unwrap();
    assert!(received.get("top_k").is_none() && received.get("session_id").is_none());
    assert!(received.get("messages").is_some());
    a.view.focus = 1;
    press(&mut a, KeyCode::F(2), KeyModifiers::NONE);
    press(&mut a, KeyCode::Char('v'), KeyModifiers::NONE);
    let screen = render(&a);
    assert!(
        screen.contains("not passed on to the provider (last request):")
            && screen.contains("top_k")
            && screen.contains("session_id"),
        "{screen}"
    );
}

#[tokio::test]
async fn the_same_model_on_each_of_its_providers_side_by_side() {
    use switchboard::app::Action;
    use switchboard::catalog::{self, Catalog};
    let s = server(SimOptions::default()).await;
    let mut a = tool_app(&s, &["sim/swift"]);
    a.view.size = (150, 48);
    let ep = a.config.providers.endpoints["sim"].clone();
    let client = reqwest::Client::new();
    let timeout = std::time::Duration::from_secs(10);
    let models = catalog::fetch(&client, &ep, timeout).await.unwrap();
    a.set_catalog(Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models,
    });
    let fx = press(&mut a, KeyCode::Char('p'), KeyModifiers::CONTROL);
    let mut asked: Vec<String> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::FetchEndpoints { model, .. } => Some(model.clone()),
            _ => None,
        })
        .collect();
    for c in "sim/steady".chars() {
        for e in press(&mut a, KeyCode::Char(c), KeyModifiers::NONE) {
            if let Effect::FetchEndpoints { model, .. } = e {
                asked.push(model);
            }
        }
    }
    assert!(asked.contains(&"sim/steady".to_string()), "{asked:?}");
    let endpoints = catalog::endpoints(&client, &ep, "sim/steady", timeout)
        .await
        .unwrap();
    assert_eq!(endpoints.len(), 2);
    switchboard::app::update(
        &mut a,
        Action::Endpoints {
            model: "sim/steady".into(),
            endpoints,
        },
    );
    let screen = render(&a);
    for want in [
        "providers of sim/steady",
        "Steady Labs",
        "Sim Backup",
        "fp8",
        "400ms",
        "640ms",
        "99.5%",
        "Ctrl+E",
    ] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }

    let fx = press(&mut a, KeyCode::Char('e'), KeyModifiers::CONTROL);
    assert!(fx.is_empty());
    assert!(a.overlay.is_none(), "the picker closed");
    assert_eq!(a.session.panes.len(), 3);
    for (pane, tag) in a.session.panes[1..]
        .iter()
        .zip(["steady-labs", "sim-backup/fp8"])
    {
        assert_eq!(pane.model, "sim/steady");
        assert_eq!(pane.settings.routing.only, vec![tag.to_string()]);
        assert_eq!(pane.settings.routing.allow_fallbacks, Some(false));
    }
    type_text(&mut a, "Explain backpressure");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let bodies: Vec<Value> = starts(&fx)
        .iter()
        .map(|p| chat_body(ProviderKind::Openrouter, p))
        .collect();
    assert_eq!(
        bodies[2]["provider"],
        json!({"only": ["sim-backup/fp8"], "allow_fallbacks": false})
    );
    drive(&mut a, fx).await;
    assert_all_done(&a, "each provider");
    let served: Vec<Option<String>> = a.session.panes[1..]
        .iter()
        .map(|p| p.current().unwrap().served_provider.clone())
        .collect();
    assert_eq!(
        served,
        [
            Some("Steady Labs".to_string()),
            Some("Sim Backup".to_string())
        ]
    );
}

#[test]
fn every_routing_preference_reaches_the_body() {
    use switchboard::provider::settings::Routing;
    let mut a = common::sim_app(&["sim/swift"]);
    a.session.panes[0].settings.routing = Routing {
        sort: Some("throughput".into()),
        sort_partition: Some("none".into()),
        preferred_min_throughput: Some(50.0),
        preferred_max_latency: Some(2.5),
        max_price_prompt: Some(1.0),
        max_price_completion: Some(4.0),
        max_price_request: Some(0.01),
        max_price_image: Some(0.02),
        ..Routing::default()
    };
    let body = chat_body(
        ProviderKind::Openrouter,
        &a.session.panes[0].params(0, "hi"),
    );
    assert_eq!(
        body["provider"],
        json!({"sort": {"by": "throughput", "partition": "none"},
               "preferred_min_throughput": 50.0, "preferred_max_latency": 2.5,
               "max_price": {"prompt": 1.0, "completion": 4.0, "request": 0.01, "image": 0.02}})
    );
}
