#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `switchboard report` in a real headless browser (Chromium, installed by `.ci/run`): the page
//! loads offline with no console errors, every round and model is there, the charts render, a
//! hostile answer stays text; a screenshot is kept in the test's target folder.

mod common;

use std::path::Path;
use std::process::Command;

use axum::response::IntoResponse;
use axum::routing::post;

/// An answer that tries everything a page could run or fetch.
const HOSTILE: &str = "Hi <script>document.title='pwned'</script> <img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> [click](javascript:alert(1)) ![remote](http://127.0.0.1:9/x.png)\n\n<iframe src=\"http://127.0.0.1:9/\"></iframe>";

async fn hostile_server() -> String {
    let handler = || async {
        let chunk =
            serde_json::json!({"model": "evil", "choices": [{"delta": {"content": HOSTILE}}]});
        let sse = format!("data: {chunk}\n\ndata: [DONE]\n\n");
        ([("content-type", "text/event-stream")], sse).into_response()
    };
    let app = axum::Router::new().route("/v1/chat/completions", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

fn chromium() -> &'static str {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return name;
        }
    }
    panic!("a headless Chromium must be installed (.ci/run installs it)");
}

/// The page as the browser built it, and what the browser logged.
fn browse(page: &Path, extra: &[&str]) -> (String, String) {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
        ])
        .args(["--enable-logging=stderr", "--v=0"])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn console(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_report_opens_offline_with_everything_and_runs_no_script() {
    let url = hostile_server().await;
    let h = tempfile::tempdir().unwrap();
    std::fs::write(
        h.path().join("config.toml"),
        format!("[sim]\nspeed = 50\n[providers.local]\nkind = \"openai\"\nbase_url = \"{url}\"\n"),
    )
    .unwrap();
    std::fs::write(
        h.path().join("prompts.txt"),
        "Explain raft\nExplain gossip\n",
    )
    .unwrap();
    let dir = h.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        common::run_cli(
            &dir,
            &[
                "-m",
                "sim/swift",
                "-m",
                "sim/coder",
                "-m",
                "local:evil",
                "--prompts",
                "prompts.txt",
                "--repeat",
                "2",
                "--out",
                "results.json",
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
    let report = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["report", "results.json", "--out", "report.html"])
        .current_dir(h.path())
        .env("SWITCHBOARD_HOME", h.path())
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let page = h.path().join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<iframe") && !html.contains("<img"),
        "no markup from the answer"
    );
    assert!(!html.contains("javascript:"), "no script links");

    let (dom, log) = browse(&page, &["--dump-dom"]);
    assert!(
        dom.contains("<title>switchboard run · results.json</title>"),
        "no script changed the title:\n{dom}"
    );
    assert!(!dom.contains("data-pwned=\"1\""), "no handler ran");
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "the answer stays text"
    );
    for round in [
        "Prompt 1 · repeat 1",
        "Prompt 1 · repeat 2",
        "Prompt 2 · repeat 1",
        "Prompt 2 · repeat 2",
    ] {
        assert!(dom.contains(round), "{round}");
    }
    for model in ["sim/swift", "sim/coder", "evil"] {
        assert!(
            dom.matches(&format!("<h3>{model}")).count() >= 4,
            "{model} in every round"
        );
    }
    // Three charts with a bar a model measured (the local model reports no cost, and its
    // one-piece answers no speed) and whiskers for the intervals.
    assert_eq!(dom.matches("<svg").count(), 3, "{dom}");
    let ttft = dom
        .split("<svg")
        .find(|svg| svg.contains("Time to first token"))
        .unwrap();
    assert_eq!(ttft.matches("class=\"bar\"").count(), 3, "{ttft}");
    assert!(dom.matches("class=\"bar\"").count() >= 7);
    assert!(dom.contains("class=\"whisker\""));
    assert!(console(&log).is_empty(), "console: {:?}", console(&log));

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let _ = std::fs::remove_file(&shot);
    browse(
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,2000",
        ],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}

#[test]
fn a_session_report_has_its_votes_judge_verdicts_and_a_suites_heat_map() {
    let h = tempfile::tempdir().unwrap();
    std::fs::write(h.path().join("config.toml"), "[sim]\nspeed = 50\n").unwrap();
    let out = common::run_cli(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-m",
            "sim/steady",
            "-p",
            "Explain raft",
            "--judge",
            "sim/judge",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let report = |source: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(["report", source, "--out", "s.html"])
            .current_dir(h.path())
            .env("SWITCHBOARD_HOME", h.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(h.path().join("s.html")).unwrap()
    };
    let html = report("last");
    assert!(
        html.contains("Round 1") && html.contains("sim/steady"),
        "{html}"
    );
    assert!(html.contains("sim/judge: "), "the judge's verdicts: {html}");
    let (_, log) = browse(&h.path().join("s.html"), &["--dump-dom"]);
    assert!(console(&log).is_empty(), "console: {:?}", console(&log));

    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/suites/explainers.toml");
    let out = common::run_cli(
        h.path(),
        &[
            "--suite",
            fixture.to_str().unwrap(),
            "-m",
            "sim/swift",
            "-m",
            "sim/coder",
            "--out",
            "suite.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "the fixture has failing cases");
    let html = report("suite.json");
    assert!(
        html.contains("Suite: cases passed, by model"),
        "the heat map"
    );
    assert!(html.contains("✗ is-json"), "the failing assertion");
    let bad = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["report", "42", "--out", "x.html"])
        .env("SWITCHBOARD_HOME", h.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no session 42"));
}

#[test]
fn a_sessions_votes_mark_the_answer_voted_for_and_draw_the_ratings() {
    use switchboard::model::RequestId;
    use switchboard::session::store::{Finished, Op, Writer};
    let h = tempfile::tempdir().unwrap();
    {
        let ledger = switchboard::cost::ledger::Ledger::open(&h.path().join("history.db")).unwrap();
        let mut w = Writer::default();
        let mut apply = |op| w.apply(ledger.conn(), op).unwrap();
        apply(Op::Session {
            started_at: 1_795_000_000,
            workspace: None,
        });
        let mut request = 0;
        for round in 1..=3u64 {
            apply(Op::Round {
                round,
                prompt: format!("question {round}"),
                at: 1_795_000_010,
            });
            for (pane, model) in [(0, "sim/swift"), (1, "sim/steady")] {
                request += 1;
                apply(Op::Answer {
                    round,
                    request: RequestId(request),
                    pane,
                    model: model.into(),
                    provider: "sim".into(),
                    settings: serde_json::json!({}),
                    tool_results: None,
                    at: 1_795_000_010,
                });
                apply(Op::Finish {
                    request: RequestId(request),
                    record: Box::new(Finished {
                        text_tail: format!("{model} answers {round}"),
                        status: "done".into(),
                        ttft_ms: Some(100),
                        elapsed_ms: Some(600),
                        completion_tokens: Some(50),
                        at: 1_795_000_011,
                        ..Finished::default()
                    }),
                });
            }
            // steady wins every round.
            apply(Op::Vote {
                round,
                verdict: "winner".into(),
                winner_pane: Some(1),
                at: 1_795_000_012,
            });
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["report", "last", "--out", "v.html"])
        .current_dir(h.path())
        .env("SWITCHBOARD_HOME", h.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(h.path().join("v.html")).unwrap();
    assert_eq!(
        html.matches("<article class=\"answer won\"><h3>sim/steady")
            .count(),
        3,
        "{html}"
    );
    assert_eq!(html.matches("your vote: best of the round").count(), 3);
    let ratings = html
        .split("<svg")
        .find(|s| s.contains("Ratings from the votes"))
        .expect("the ratings chart");
    assert_eq!(ratings.matches("class=\"dot\"").count(), 2, "{ratings}");
}
