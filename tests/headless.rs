#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `switchboard run` against the simulator and a scripted server: formats, exit codes, the
//! concurrency bound (counted at the server), fallbacks, variables, and the history record.

mod common;

use common::run_home as home;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::response::IntoResponse;
use axum::routing::post;
use axum::Json;
use serde_json::Value;

fn run(home: &Path, args: &[&str]) -> Output {
    common::run_cli(home, args)
}

#[test]
fn json_jsonl_csv_md_and_table() {
    let h = home("");
    let args = [
        "-m",
        "sim/swift",
        "-m",
        "sim/steady",
        "-p",
        "Explain {{topic}}",
        "--var",
        "topic=backpressure",
    ];
    let out = run(h.path(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results
        .iter()
        .all(|r| r["ok"] == true && r["prompt"] == "Explain backpressure"));
    assert!(results.iter().all(|r| r["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("backpressure")));
    assert!(results.iter().all(|r| r["cost"].as_f64().unwrap() > 0.0));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("MODEL") && summary.contains("sim/steady"),
        "summary on stderr: {summary}"
    );

    let out = run(h.path(), &[&args[..], &["--format", "jsonl"]].concat());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let out = run(h.path(), &[&args[..], &["--format", "csv"]].concat());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("prompt_index,prompt,model"));
    let out = run(h.path(), &[&args[..], &["--format", "md"]].concat());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("## Prompt 1") && md.contains("### sim/swift") && md.contains("## Summary")
    );
    // The answers' own headings sit under the model headings.
    let mut fenced = false;
    for line in md.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let own =
            line.starts_with("## Prompt ") || line.starts_with("### sim/") || line == "## Summary";
        if !fenced && !own && line.starts_with('#') {
            assert!(line.starts_with("####"), "{line:?} in\n{md}");
        }
    }
    let out = run(h.path(), &args);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with("MODEL") && table.contains("TTFT MEAN") && table.contains("P95"),
        "{table}"
    );

    // Every run is recorded.
    let list = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["sessions", "list"])
        .env("SWITCHBOARD_HOME", h.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 5);
}

#[test]
fn repeats_give_each_figure_a_mean_and_an_interval() {
    let h = home("");
    let out = run(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-m",
            "sim/down",
            "-p",
            "Explain raft",
            "--repeat",
            "4",
            "--out",
            "r.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "sim/down fails every time");
    let results: Vec<Value> =
        serde_json::from_slice(&std::fs::read(h.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(results.len(), 8);
    let swift: Vec<&Value> = results
        .iter()
        .filter(|r| r["model"] == "sim/swift")
        .collect();
    let repeats: Vec<u64> = swift
        .iter()
        .map(|r| r["repeat"].as_u64().unwrap())
        .collect();
    assert_eq!(repeats, [1, 2, 3, 4]);
    // The summary's figures, computed here from the rows: mean ± t(3)·s/√4.
    let ttfts: Vec<f64> = swift
        .iter()
        .map(|r| r["ttft_ms"].as_f64().unwrap())
        .collect();
    let mean = ttfts.iter().sum::<f64>() / 4.0;
    let sd = (ttfts.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0).sqrt();
    let half = 3.182 * sd / 2.0;
    let summary = String::from_utf8_lossy(&out.stderr);
    let row = |m: &str| {
        summary
            .lines()
            .find(|l| l.starts_with(m))
            .unwrap()
            .to_string()
    };
    let want = if half > 0.0 {
        format!("{mean:.0} ±{half:.0} ms")
    } else {
        format!("{mean:.0} ms")
    };
    assert!(row("sim/swift").contains(&want), "{want} in\n{summary}");
    assert!(
        summary.lines().next().unwrap().contains("PASSED (95%)"),
        "{summary}"
    );
    // Wilson: 4 of 4 is 51–100%, 0 of 4 is 0–49%.
    assert!(row("sim/swift").contains("4/4 (51–100%)"), "{summary}");
    assert!(row("sim/down").contains("0/4 (0–49%)"), "{summary}");

    let out = run(h.path(), &["-m", "sim/swift", "-p", "hi", "--repeat", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--repeat must be at least 1"));
}

#[test]
fn exit_codes_and_prompt_files() {
    let h = home("");
    let out = run(h.path(), &["-m", "sim/swift", "-m", "sim/down", "-p", "hi"]);
    assert_eq!(out.status.code(), Some(1), "a failed answer");
    let out = run(h.path(), &["-m", "sim/swift"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to run"));
    let out = run(h.path(), &["-m", "sim/swift", "-p", "about {{x}}"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--var x="));

    let file = h.path().join("prompts.jsonl");
    std::fs::write(&file, "{\"prompt\": \"Explain {{t}}\", \"vars\": {\"t\": \"gossip\"}}\n\nplain prompt about {{t}}\n").unwrap();
    let out = run(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "--prompts",
            "prompts.jsonl",
            "--var",
            "t=raft",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let prompts: Vec<&str> = results
        .iter()
        .map(|r| r["prompt"].as_str().unwrap())
        .collect();
    assert_eq!(prompts, vec!["Explain gossip", "plain prompt about raft"]);
}

/// A server that answers after a pause and remembers how many requests it had in flight.
async fn counting_server(max: Arc<AtomicUsize>) -> String {
    let now = Arc::new(AtomicUsize::new(0));
    let handler = move |Json(body): Json<Value>| {
        let (now, max) = (now.clone(), max.clone());
        async move {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(150)).await;
            now.fetch_sub(1, Ordering::SeqCst);
            if body["model"] == "fail503" {
                return (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "{\"error\":{\"message\":\"busy\"}}",
                )
                    .into_response();
            }
            let sse = "data: {\"model\":\"ok\",\"choices\":[{\"delta\":{\"content\":\"fine\"}}]}\n\ndata: [DONE]\n\n";
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
async fn concurrency_is_bounded_and_fallbacks_are_walked() {
    let max = Arc::new(AtomicUsize::new(0));
    let url = counting_server(max.clone()).await;
    let h = home(&format!(
        "[providers.local]\nkind = \"openai\"\nbase_url = \"{url}\"\n[retry]\nper_hop = 0\n\
         [[panes]]\nmodel = \"fail503\"\nprovider = \"local\"\nfallbacks = [\"ok\"]\n\
         [[panes]]\nmodel = \"a\"\nprovider = \"local\"\n[[panes]]\nmodel = \"b\"\nprovider = \"local\"\n"
    ));
    std::fs::write(h.path().join("p.txt"), "one\ntwo\nthree\nfour\n").unwrap();
    let dir = h.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        run(
            &dir,
            &[
                "--prompts",
                "p.txt",
                "--concurrency",
                "2",
                "--format",
                "json",
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        max.load(Ordering::SeqCst),
        2,
        "never more than --concurrency in flight, and it used them"
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), 12);
    let fell_back: Vec<&Value> = results.iter().filter(|r| r["model"] == "fail503").collect();
    assert_eq!(fell_back.len(), 4);
    assert!(fell_back
        .iter()
        .all(|r| r["ok"] == true && r["attempts"] == 2 && r["text"] == "fine"));
}

#[test]
fn images_go_with_every_prompt_and_a_blind_model_fails_its_row() {
    let h = home("");
    let png = h.path().join("dot.png");
    std::fs::write(&png, [0x89, b'P', b'N', b'G', 13, 10, 26, 10]).unwrap();
    let png = png.display().to_string();
    let out = run(
        h.path(),
        &[
            "-m",
            "sim/seer",
            "-m",
            "sim/swift",
            "-p",
            "What is this?",
            "--image",
            &png,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "sim/swift refuses images");
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(results[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("I was sent 1 image: image/png, 8 bytes."));
    assert!(results[1]["error"]
        .as_str()
        .unwrap()
        .contains("support image input"));

    let out = run(
        h.path(),
        &["-m", "sim/seer", "-p", "hi", "--image", "nope.txt"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an image"));
}

fn sessions(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("sessions")
        .args(args)
        .current_dir(home)
        .env_remove("SWITCHBOARD_CONFIG")
        .env("SWITCHBOARD_HOME", home)
        .output()
        .unwrap()
}

#[test]
fn sessions_list_on_a_fresh_machine_and_as_json() {
    let h = tempfile::tempdir().unwrap();
    let out = sessions(h.path(), &["list"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no sessions recorded yet\n"
    );
    assert!(out.stderr.is_empty());
    let out = sessions(h.path(), &["list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.is_empty());
    assert!(
        !h.path().join("history.db").exists(),
        "listing creates no history"
    );

    let out = run(h.path(), &["-m", "sim/swift", "-p", "hi", "--sim"]);
    assert_eq!(out.status.code(), Some(0));
    let out = sessions(h.path(), &["list", "--json"]);
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["workspace"], "run");
    assert_eq!(list[0]["models"], serde_json::json!(["sim/swift"]));
    assert_eq!(list[0]["rounds"], 1);
}

#[test]
fn failures_are_told_in_plain_words_without_the_playgrounds_keys() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let h = home(&format!(
        "[providers.local]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:{closed}\"\n\
         [retry]\nper_hop = 0\n"
    ));
    let out = run(
        h.path(),
        &[
            "-m", "sim/down", "-m", "local:x", "-p", "hi", "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&str> = results
        .iter()
        .map(|r| r["error"].as_str().unwrap())
        .collect();
    assert!(
        errors.iter().any(|e| e.starts_with("could not connect")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.starts_with("503")), "{errors:?}");
    let printed = format!("{errors:?}{}", String::from_utf8_lossy(&out.stderr));
    for key in ["F2", "Ctrl+", "Alt+", "(F"] {
        assert!(!printed.contains(key), "{key} in {printed}");
    }
}

/// An OpenAI-style server that counts requests, sends a few words, then goes silent with the
/// connection open (a stall), reporting no usage and no cost.
async fn stalling_server(requests: Arc<AtomicUsize>) -> String {
    use futures::StreamExt as _;
    let handler = move || {
        let requests = requests.clone();
        async move {
            requests.fetch_add(1, Ordering::SeqCst);
            let words = "data: {\"choices\":[{\"delta\":{\"content\":\"forty characters of text, give or take..\"}}]}\n\n";
            let body = futures::stream::iter([Ok::<_, std::io::Error>(words.to_string())])
                .chain(futures::stream::pending());
            (
                [("content-type", "text/event-stream")],
                axum::body::Body::from_stream(body),
            )
                .into_response()
        }
    };
    let app = axum::Router::new().route("/v1/chat/completions", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_output_is_checked_first_its_format_follows_the_extension_and_stalls_are_costed() {
    let requests = Arc::new(AtomicUsize::new(0));
    let url = stalling_server(requests.clone()).await;
    let h = tempfile::tempdir().unwrap();
    std::fs::write(h.path().join("config.toml"), format!(
        "stall_timeout_secs = 1\n[sim]\nspeed = 50\n[providers.local]\nkind = \"openai\"\nbase_url = \"{url}\"\n\
         [providers.local.prices.slow]\nprompt = 1000\ncompletion = 2000\n[retry]\nper_hop = 0\n"
    ))
    .unwrap();
    let dir = h.path().to_path_buf();
    let blocking = move |args: Vec<&'static str>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || run(&dir, &args))
    };

    let out = blocking(vec![
        "-m",
        "local:slow",
        "-p",
        "hi",
        "--out",
        "missing/dir/x.csv",
    ])
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot write missing/dir/x.csv"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(requests.load(Ordering::SeqCst), 0, "nothing was sent");

    let out = blocking(vec![
        "-m",
        "local:slow",
        "-m",
        "sim/down",
        "-p",
        "hi",
        "--out",
        "r.json",
    ])
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    let results: Vec<Value> =
        serde_json::from_slice(&std::fs::read(h.path().join("r.json")).unwrap()).unwrap();
    let stalled = results.iter().find(|r| r["model"] == "slow").unwrap();
    assert!(stalled["error"].as_str().unwrap().contains("stalled"));
    // As the playground counts it: about 10 completion tokens at $2,000/M, plus the prompt.
    assert_eq!(stalled["cost_source"], "estimated");
    assert!(stalled["cost"].as_f64().unwrap() > 0.02, "{stalled}");
    let summary = String::from_utf8_lossy(&out.stderr);
    let row = |m: &str| {
        summary
            .lines()
            .find(|l| l.starts_with(m))
            .unwrap()
            .to_string()
    };
    assert!(
        summary.lines().next().unwrap().contains("WHY FAILED"),
        "{summary}"
    );
    assert!(row("slow").ends_with("stalled"), "{summary}");
    assert!(
        row("sim/down").ends_with("503 no provider available"),
        "{summary}"
    );
    assert!(!row("slow").contains(" $0 "), "{summary}");

    let out = blocking(vec!["-m", "sim/swift", "-p", "hi", "--out", "r.md"])
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(h.path().join("r.md"))
        .unwrap()
        .starts_with("## Prompt 1"));
    let out = blocking(vec![
        "-m",
        "sim/swift",
        "-p",
        "hi",
        "--out",
        "r.csv",
        "--format",
        "jsonl",
    ])
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(h.path().join("r.csv")).unwrap();
    assert!(
        serde_json::from_str::<Value>(text.lines().next().unwrap()).is_ok(),
        "{text}"
    );
    let out = blocking(vec!["-m", "sim/swift", "-p", "hi", "--out", "r.xlsx"])
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(h.path().join("r.xlsx"))
        .unwrap()
        .starts_with("MODEL"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("writing the table"));
}

#[test]
fn todays_recorded_spend_counts_against_the_daily_budget() {
    let h = home("");
    let args = [
        "-m",
        "sim/pricey",
        "-p",
        "Explain backpressure",
        "--format",
        "json",
    ];
    let first = run(h.path(), &args);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let spent: Vec<Value> = serde_json::from_slice(&first.stdout).unwrap();
    let cost = spent[0]["cost"].as_f64().unwrap();
    assert!(cost > 0.0);
    // A daily budget below what today already cost: the next run sends nothing.
    std::fs::write(
        h.path().join("config.toml"),
        format!("[sim]\nspeed = 50\n[budget]\ndaily_usd = {}\n", cost / 2.0),
    )
    .unwrap();
    let second = run(h.path(), &args);
    assert_eq!(second.status.code(), Some(1));
    let refused: Vec<Value> = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(refused[0]["ok"], false);
    let why = refused[0]["error"].as_str().unwrap();
    assert!(why.contains("daily"), "{why}");
}

#[test]
fn a_history_that_cannot_be_written_is_told_and_ends_the_run_non_zero() {
    let h = home("");
    // A folder where the database file should be: it cannot be opened, even by root.
    std::fs::create_dir(h.path().join("history.db")).unwrap();
    let out = run(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-p",
            "Explain backpressure",
            "--format",
            "json",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("cannot open the history"), "{err}");
    assert!(err.contains("not recorded"), "{err}");
    // The answers are still given.
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results[0]["ok"], true);
}
