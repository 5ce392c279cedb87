#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `provider:model` means the same in a config pane as after `-m`: the provider's server gets the
//! bare model id; a provider that is not configured is named as such, before anything is sent.

mod common;

use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::response::IntoResponse;
use axum::routing::post;
use axum::Json;
use serde_json::Value;

fn run(home: &Path, args: &[&str]) -> Output {
    common::run_cli(home, args)
}

/// An OpenAI-style server that remembers the `model` of every request.
async fn recording_server(seen: Arc<Mutex<Vec<String>>>) -> String {
    let handler = move |Json(body): Json<Value>| {
        let seen = seen.clone();
        async move {
            seen.lock()
                .unwrap()
                .push(body["model"].as_str().unwrap_or_default().to_string());
            let sse =
                "data: {\"choices\":[{\"delta\":{\"content\":\"fine\"}}]}\n\ndata: [DONE]\n\n";
            ([("content-type", "text/event-stream")], sse).into_response()
        }
    };
    let app = axum::Router::new().route("/v1/chat/completions", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_pane_splits_provider_and_model_as_the_command_line_does() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let url = recording_server(seen.clone()).await;
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[providers.ollama]\nkind = \"openai\"\nbase_url = \"{url}\"\n\
             [[panes]]\nmodel = \"ollama:llama3\"\n"
        ),
    )
    .unwrap();
    let dir = home.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || run(&dir, &["-p", "hi", "--format", "json"]))
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results[0]["provider"], "ollama");
    assert_eq!(results[0]["model"], "llama3");
    assert_eq!(*seen.lock().unwrap(), vec!["llama3".to_string()]);

    let dir = home.path().to_path_buf();
    let out =
        tokio::task::spawn_blocking(move || run(&dir, &["-m", "ollama:qwen3:8b", "-p", "hi"]))
            .await
            .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(seen.lock().unwrap().last().unwrap(), "qwen3:8b");
}

#[test]
fn an_unknown_provider_on_the_command_line_is_named_before_anything_is_sent() {
    let home = tempfile::tempdir().unwrap();
    let out = run(home.path(), &["-m", "ollama:x", "-p", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        "error: -m ollama:x: unknown provider `ollama`; configured providers: openrouter"
    );
    assert!(out.stdout.is_empty());
    // OpenRouter's own ids, variants included, are not provider names.
    let out = run(home.path(), &["-m", "sim/swift:nitro", "-p", "hi", "--sim"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
