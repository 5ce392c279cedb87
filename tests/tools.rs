#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Tool calling: fragments assembled at every split, invalid arguments caught, and a two-step
//! tool conversation in three panes against the simulator.

mod common;

use common::drive::{drive, starts};
use common::keys::{press, type_text};
use switchboard::model::RequestId;

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyModifiers};
use serde_json::{json, Value};
use switchboard::app::{update, Action, Effect, Status};
use switchboard::provider::request::chat_body;
use switchboard::provider::ProviderKind;
use switchboard::stream::task::{decode_sse, BodyError};
use switchboard::stream::StreamEvent;
use switchboard::tools::{self, ToolDef};

const STREAM: &str = "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n\n\
data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n\n\
data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \\\"Ó\"}}]}}]}\n\n\
data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"slo\\\"}\"}},{\"index\":1,\"function\":{\"arguments\":\"\\\"Rome\\\"}\"}}]}}]}\n\n\
data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n\
data: [DONE]\n\n";

fn weather() -> ToolDef {
    ToolDef {
        name: "get_weather".into(),
        description: "Current weather for a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        result: Some("sunny, 21°C".into()),
        results: Default::default(),
    }
}

async fn assembled(pieces: Vec<Vec<u8>>) -> Vec<tools::ToolCall> {
    let items: Vec<Result<Bytes, BodyError>> =
        pieces.into_iter().map(|p| Ok(Bytes::from(p))).collect();
    let mut calls = Vec::new();
    decode_sse(futures::stream::iter(items), |e| {
        if let StreamEvent::ToolCall {
            index,
            id,
            name,
            arguments,
        } = e
        {
            tools::assemble(&mut calls, index, id, name, &arguments);
        }
    })
    .await;
    calls
}

#[tokio::test]
async fn tool_calls_assemble_the_same_at_every_split() {
    let bytes = STREAM.as_bytes();
    let whole = assembled(vec![bytes.to_vec()]).await;
    assert_eq!(whole.len(), 2);
    assert_eq!(whole[0].arguments, "{\"city\": \"Óslo\"}");
    assert_eq!(whole[1].arguments, "{\"city\":\"Rome\"}");
    assert!(tools::check(&whole[0], &[weather()]).is_ok());
    for i in 0..=bytes.len() {
        assert_eq!(
            assembled(vec![bytes[..i].to_vec(), bytes[i..].to_vec()]).await,
            whole,
            "split at {i}"
        );
    }
}

#[tokio::test]
async fn a_two_step_tool_conversation_in_three_panes() {
    let server = common::sim_at(50.0).await;
    let mut a = common::sim_app(&["sim/tooler", "sim/parallel", "sim/badjson"]);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = server.base_url();
    a.config.tools = vec![weather()];
    for p in &mut a.session.panes {
        p.settings.tools = vec!["get_weather".into()];
        p.settings.tool_choice = Some("auto".into());
    }
    type_text(&mut a, "What is the weather in Oslo?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let body = chat_body(ProviderKind::Openrouter, &starts(&fx)[0]);
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(body["tool_choice"], "auto");
    drive(&mut a, fx).await;

    let calls: Vec<usize> = a
        .session
        .panes
        .iter()
        .map(|p| p.current().unwrap().tool_calls.len())
        .collect();
    assert_eq!(calls, vec![1, 2, 1], "tooler one call, parallel two");
    assert!(a.session.panes[0].current().unwrap().tool_calls[0]
        .invalid
        .is_none());
    let bad = &a.session.panes[2].current().unwrap().tool_calls[0];
    assert!(
        bad.invalid
            .as_deref()
            .is_some_and(|e| e.contains("not JSON")),
        "{bad:?}"
    );
    assert!(a
        .session
        .panes
        .iter()
        .all(|p| p.current().unwrap().status == Status::Done));

    // Canned results for every call, and each pane carries on with `tool` messages.
    let fx = press(&mut a, KeyCode::Char('t'), KeyModifiers::ALT);
    let sent = starts(&fx);
    assert_eq!(sent.len(), 3);
    let wire = chat_body(ProviderKind::Openrouter, &sent[1]);
    let messages = wire["messages"].as_array().unwrap();
    let n = messages.len();
    assert_eq!(messages[n - 3]["role"], "assistant");
    let ids: Vec<&str> = messages[n - 3]["tool_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    for (k, id) in ids.iter().enumerate() {
        let m: &Value = &messages[n - 2 + k];
        assert_eq!(m["role"], "tool");
        assert_eq!(m["tool_call_id"], *id);
        assert_eq!(m["content"], "sunny, 21°C");
    }
    drive(&mut a, fx).await;
    for p in &a.session.panes {
        let last = p.current().unwrap();
        assert_eq!(last.status, Status::Done);
        assert!(
            last.tool_calls.is_empty(),
            "{}: answered in prose after the results",
            p.model
        );
        assert!(!last.text.is_empty());
    }
    assert_eq!(a.session.panes[0].turns[1].tool_results[0].1, "sunny, 21°C");
}

#[test]
fn structured_answers_are_validated_when_they_end() {
    use switchboard::provider::settings::ResponseFormat;
    let mut a = common::sim_app(&["sim/swift", "sim/coder"]);
    let schema = json!({"type": "object", "required": ["city", "temp"],
        "properties": {"city": {"type": "string"}, "temp": {"type": "number"}}});
    for p in &mut a.session.panes {
        p.settings.response_format = Some(ResponseFormat::JsonSchema {
            schema: schema.clone(),
            strict: true,
        });
    }
    type_text(&mut a, "weather");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    let sent = starts(&fx);
    let body = chat_body(ProviderKind::Openrouter, &sent[0]);
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let ids: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .collect();
    for (id, text) in ids.iter().zip([
        "{\"city\": \"Oslo\", \"temp\": 21.5}",
        "{\"city\": \"Oslo\"}",
    ]) {
        update(
            &mut a,
            Action::Stream {
                request: *id,
                event: StreamEvent::Delta(text.into()),
            },
        );
        update(
            &mut a,
            Action::Stream {
                request: *id,
                event: StreamEvent::Done,
            },
        );
    }
    assert_eq!(
        a.session.panes[0].current().unwrap().structured,
        Some(Ok(()))
    );
    let bad = a.session.panes[1]
        .current()
        .unwrap()
        .structured
        .clone()
        .unwrap()
        .unwrap_err();
    assert!(bad.contains("\"temp\" is a required property"), "{bad}");
}

#[test]
fn run_reports_how_many_answers_were_valid_json() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("weather.json"),
        r#"{"type": "object", "required": ["city", "temp"], "properties": {
            "city": {"type": "string"}, "temp": {"type": "number"},
            "days": {"type": "array", "items": {"type": "object", "required": ["high"],
                "properties": {"high": {"type": "integer"}}}}}}"#,
    )
    .unwrap();
    let pane =
        |m: &str| format!("[[panes]]\nmodel = \"{m}\"\njson_schema_file = \"weather.json\"\n");
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[sim]\nspeed = 50\n{}{}[[panes]]\nmodel = \"sim/steady\"\njson_object = true\n",
            pane("sim/swift"),
            pane("sim/badjson")
        ),
    )
    .unwrap();
    let run = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(["run", "-p", "Weather in Oslo?", "--format", format])
            .env_remove("OPENROUTER_API_KEY")
            .env("SWITCHBOARD_HOME", home.path())
            .output()
            .unwrap()
    };
    let out = run("table");
    let table = String::from_utf8_lossy(&out.stdout);
    // The simulator fills the schema; sim/badjson leaves out what it requires.
    let valid = |model: &str| {
        table
            .lines()
            .find(|l| l.starts_with(model))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_default()
            .to_string()
    };
    assert!(table.contains("VALID JSON"), "{table}");
    assert_eq!(valid("sim/swift"), "1/1", "{table}");
    assert_eq!(valid("sim/badjson"), "0/1", "{table}");
    assert_eq!(valid("sim/steady"), "1/1", "{table}");
    let rows: Vec<Value> = serde_json::from_slice(&run("json").stdout).unwrap();
    let text = |model: &str| -> Value {
        let row = rows.iter().find(|r| r["model"] == model).unwrap();
        serde_json::from_str(row["text"].as_str().unwrap()).unwrap()
    };
    let answer = text("sim/swift");
    assert_eq!(answer["city"], "Oslo");
    assert!(answer["days"][0]["high"].is_i64(), "{answer}");
    assert!(text("sim/badjson").get("city").is_none());
    assert!(text("sim/steady").is_object());
}

/// A server that records every request body: the first request gets two tool calls, the
/// rest a one-word answer.
async fn capturing_server(bodies: std::sync::Arc<std::sync::Mutex<Vec<Value>>>) -> String {
    use axum::response::IntoResponse;
    let handler = move |axum::Json(body): axum::Json<Value>| {
        let bodies = bodies.clone();
        async move {
            let first = {
                let mut b = bodies.lock().unwrap();
                b.push(body);
                b.len() == 1
            };
            let sse = if first {
                STREAM.to_string()
            } else {
                "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sunny.\"}}]}\n\n\
                 data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
                 data: [DONE]\n\n"
                    .to_string()
            };
            ([("content-type", "text/event-stream")], sse).into_response()
        }
    };
    common::serve_loopback(
        axum::Router::new().route("/v1/chat/completions", axum::routing::post(handler)),
    )
    .await
}

#[tokio::test]
async fn the_tool_messages_sent_are_exactly_right_at_the_server() {
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let url = capturing_server(bodies.clone()).await;
    let mut a = common::sim_app(&["m"]);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = url;
    a.config.tools = vec![weather()];
    a.session.panes[0].settings.tools = vec!["get_weather".into()];
    type_text(&mut a, "Weather in Oslo and Rome?");
    let fx = press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    drive(&mut a, fx).await;
    assert_eq!(a.session.panes[0].current().unwrap().tool_calls.len(), 2);
    // A typed result goes to every call.
    type_text(&mut a, "rain");
    let fx = press(&mut a, KeyCode::Char('t'), KeyModifiers::ALT);
    drive(&mut a, fx).await;
    assert_eq!(a.session.panes[0].current().unwrap().text, "Sunny.");

    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["tools"][0]["type"], "function");
    assert_eq!(bodies[0]["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(
        bodies[1]["messages"],
        json!([
            {"role": "user", "content": "Weather in Oslo and Rome?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\": \"Óslo\"}"}},
                {"id": "call_2", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "rain"},
            {"role": "tool", "tool_call_id": "call_2", "content": "rain"}
        ]),
        "{:#}",
        bodies[1]["messages"]
    );
}

/// The simulator's catalog tags the models that call tools as OpenRouter does, so the picker's
/// tools filter finds exactly them.
#[tokio::test]
async fn the_pickers_tools_filter_finds_the_simulators_tool_models() {
    let server = common::sim_at(50.0).await;
    let mut a = common::sim_app(&["sim/swift"]);
    a.config
        .providers
        .endpoints
        .get_mut("sim")
        .unwrap()
        .base_url = server.base_url();
    let ep = a.config.providers.endpoints["sim"].clone();
    let models = switchboard::catalog::fetch(
        &reqwest::Client::new(),
        &ep,
        std::time::Duration::from_secs(30),
    )
    .await
    .unwrap();
    a.set_catalog(switchboard::catalog::Catalog {
        provider: "sim".into(),
        fetched_at: 0,
        models,
    });
    press(&mut a, KeyCode::Char('p'), KeyModifiers::CONTROL);
    press(&mut a, KeyCode::Tab, KeyModifiers::NONE); // free
    press(&mut a, KeyCode::Tab, KeyModifiers::NONE); // tools
    let switchboard::app::state::Overlay::Picker(p) = a.overlay.as_ref().unwrap() else {
        panic!("no picker");
    };
    assert_eq!(p.tag, switchboard::catalog::Tag::Tools);
    let mut found: Vec<&str> = p
        .results
        .iter()
        .map(|i| a.catalog.entries[*i].info.id.as_str())
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        ["sim/badjson", "sim/parallel", "sim/signer", "sim/tooler"]
    );
}

/// The status line of the app as drawn at `size`.
fn status_line(a: &switchboard::app::App, size: (u16, u16)) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(size.0, size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(a, &a.view.theme, f))
        .unwrap();
    let buf = t.backend().buffer().clone();
    (0..size.0)
        .map(|x| buf[(x, size.1 - 1)].symbol().to_string())
        .collect()
}

/// Sends `prompt`; each pane calls get_weather once and finishes. The requests started.
fn tool_round(a: &mut switchboard::app::App, prompt: &str) -> Vec<Effect> {
    type_text(a, prompt);
    let fx = press(a, KeyCode::Enter, KeyModifiers::NONE);
    let mut next = Vec::new();
    for id in fx.iter().filter_map(|e| match e {
        Effect::Start { request, .. } => Some(*request),
        _ => None,
    }) {
        for event in [
            StreamEvent::ToolCall {
                index: 0,
                id: Some(format!("call_{id}")),
                name: Some("get_weather".into()),
                arguments: "{\"city\": \"Oslo\"}".into(),
            },
            StreamEvent::Finish("tool_calls".into()),
            StreamEvent::Done,
        ] {
            next.extend(update(a, Action::Stream { request: id, event }));
        }
    }
    next
}

#[test]
fn auto_answering_shows_while_it_is_on_and_counts_steps_per_prompt() {
    let mut a = common::sim_app(&["sim/tooler"]);
    a.config.tools = vec![weather()];
    a.session.panes[0].settings.tools = vec!["get_weather".into()];
    for size in [(120, 30), (80, 24)] {
        assert!(!status_line(&a, size).contains("auto tools"));
    }
    press(&mut a, KeyCode::Char('a'), KeyModifiers::ALT);
    assert_eq!(a.session.auto_tools, Some(5));
    // Still shown once the notice is gone (any key acknowledges it), and beside a new one.
    type_text(&mut a, "x");
    assert!(a.view.notice.is_none());
    for size in [(120, 30), (80, 24)] {
        let line = status_line(&a, size);
        assert!(
            line.contains("auto tools: 5 steps left"),
            "{size:?}: {line:?}"
        );
    }
    press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);

    // A round whose call is answered by itself: one step used, recorded as automatic.
    let fx = tool_round(&mut a, "weather in Oslo?");
    assert_eq!(a.session.auto_tools, Some(4));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::History(op)
        if matches!(op.as_ref(), switchboard::session::store::Op::Round { prompt, .. }
            if prompt == "(tool results, answered automatically)"))),
        "{fx:?}"
    );
    assert!(status_line(&a, (120, 30)).contains("auto tools: 4 steps left"));

    // The next prompt has five steps of its own.
    type_text(&mut a, "and in Rome?");
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(a.session.auto_tools, Some(5));
    a.view.notice = Some(switchboard::app::state::Notice {
        text: "something else".into(),
        error: false,
    });
    let line = status_line(&a, (120, 30));
    assert!(
        line.contains("auto tools") && line.contains("something else"),
        "{line:?}"
    );

    // Off: gone from the status line.
    press(&mut a, KeyCode::Char('a'), KeyModifiers::ALT);
    assert_eq!(a.session.auto_tools, None);
    type_text(&mut a, "y");
    assert!(!status_line(&a, (120, 30)).contains("auto tools"));
}
