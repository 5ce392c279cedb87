#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `switchboard run --judge`: a judge model's scores and pairwise verdicts on the answers,
//! its cost booked apart, what it is shown, and a judge that fails or answers off-schema.

mod common;

use common::{run_cli_json as run_json, run_home as home, stderr};

use std::sync::{Arc, Mutex};

use axum::response::IntoResponse;
use axum::routing::post;
use axum::Json;
use serde_json::Value;

#[test]
fn a_judge_scores_every_answer_and_its_cost_is_booked_apart() {
    let h = home("");
    std::fs::write(
        h.path().join("rubric.md"),
        "Reward answers that explain leader election.",
    )
    .unwrap();
    let (out, rows) = run_json(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-m",
            "sim/steady",
            "-p",
            "Explain raft leader election",
            "--judge",
            "sim/judge",
            "--rubric",
            "rubric.md",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(rows.len(), 2);
    for r in &rows {
        let j = &r["judged"];
        assert_eq!(j["judge"], "sim/judge", "{r}");
        assert_eq!(j["mode"], "score");
        let score = j["score"].as_u64().unwrap();
        assert!((1..=10).contains(&score), "{j}");
        assert_eq!(j["scale"], 10);
        assert!(!j["reasons"][0].as_str().unwrap().is_empty());
        assert!(j["cost"].as_f64().unwrap() > 0.0);
    }
    let err = stderr(&out);
    assert!(err.lines().next().unwrap().contains("JUDGE"), "{err}");
    assert!(err.contains("/10"), "{err}");
    assert!(
        err.contains("judge sim/judge (score): 2 verdicts, 0 failed"),
        "{err}"
    );

    let db = rusqlite::Connection::open(h.path().join("history.db")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(
        count("SELECT COUNT(*) FROM spend WHERE purpose = 'judge' AND model = 'sim/judge' AND cost > 0"),
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM spend WHERE purpose = 'answer'"),
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM verdicts WHERE mode = 'score' AND score BETWEEN 1 AND 10 AND reasons <> ''"),
        2
    );
    // All history's scoreboard has the judge as a rater: the better score won the round.
    let (_, judged) = switchboard::session::boards::boards(&db).unwrap();
    let board = judged.expect("a judge board");
    assert_eq!(board.judge, "sim/judge");
    let scores: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["model"].as_str().unwrap().to_string(),
                r["judged"]["score"].as_u64().unwrap(),
            )
        })
        .collect();
    let top = board.rows.iter().find(|r| r.wins + r.ties > 0).unwrap();
    if scores[0].1 != scores[1].1 {
        let best = scores.iter().max_by_key(|(_, s)| *s).unwrap();
        assert_eq!(
            (top.model.as_str(), top.wins),
            (best.0.as_str(), 1),
            "{scores:?}"
        );
    }
    assert_eq!(board.agreement, (0, 0), "nobody voted");
}

/// A judge that always prefers whatever it is shown first, and remembers what it was asked.
async fn biased_judge(asked: Arc<Mutex<Vec<Value>>>) -> String {
    let handler = move |Json(body): Json<Value>| {
        let asked = asked.clone();
        async move {
            asked.lock().unwrap().push(body);
            let verdict =
                serde_json::json!({"winner": "A", "reasons": "the first one"}).to_string();
            let chunk = serde_json::json!({"model": "biased", "choices": [{"delta": {"content": verdict}}]});
            let sse = format!("data: {chunk}\n\ndata: [DONE]\n\n");
            ([("content-type", "text/event-stream")], sse).into_response()
        }
    };
    let app = axum::Router::new().route("/v1/chat/completions", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairwise_asks_both_ways_round_and_a_position_bias_cancels_out() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let url = biased_judge(asked.clone()).await;
    let h = home(&format!(
        "[providers.local]\nkind = \"openai\"\nbase_url = \"{url}\"\n"
    ));
    let dir = h.path().to_path_buf();
    let (out, rows) = tokio::task::spawn_blocking(move || {
        run_json(
            &dir,
            &[
                "-m",
                "sim/swift",
                "-m",
                "sim/steady",
                "-m",
                "sim/coder",
                "-p",
                "Explain raft",
                "--judge",
                "local:biased",
                "--judge-mode",
                "pairwise",
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Three answers, three pairs, each asked twice.
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 6);
    for body in &asked {
        assert_eq!(body["model"], "biased");
        assert_eq!(body["response_format"]["type"], "json_schema", "{body}");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        let text = body["messages"].to_string();
        for name in ["sim/swift", "sim/steady", "sim/coder", "swift", "steady"] {
            assert!(!text.contains(name), "the judge saw {name}: {text}");
        }
    }
    let shown = |b: &Value| {
        let user = b["messages"][1]["content"].as_str().unwrap().to_string();
        let a = user
            .split("<answer_a>")
            .nth(1)
            .unwrap()
            .split("</answer_a>")
            .next()
            .unwrap()
            .to_string();
        let b = user
            .split("<answer_b>")
            .nth(1)
            .unwrap()
            .split("</answer_b>")
            .next()
            .unwrap()
            .to_string();
        (a, b)
    };
    let orders: Vec<(String, String)> = asked.iter().map(shown).collect();
    for (a, b) in &orders {
        assert!(
            orders.contains(&(b.clone(), a.clone())),
            "every pair is also asked the other way round"
        );
    }
    // Always "A": each answer won once and lost once in every pair, so every pair is a tie.
    for r in &rows {
        let j = &r["judged"];
        assert_eq!(
            (j["wins"].as_u64(), j["losses"].as_u64(), j["ties"].as_u64()),
            (None, None, Some(2)),
            "{r}"
        );
    }
    assert!(
        stderr(&out).contains("2/0/0") || stderr(&out).contains("0/0/2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_judge_that_fails_or_answers_off_schema_says_so_and_the_answers_stay() {
    let h = home("");
    let (out, rows) = run_json(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-p",
            "Explain raft",
            "--judge",
            "sim/down",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the answers came: {}",
        stderr(&out)
    );
    let j = &rows[0]["judged"];
    assert!(j["score"].is_null(), "{j}");
    assert!(
        j["errors"][0].as_str().unwrap().starts_with("judge failed"),
        "{j}"
    );
    assert!(
        rows[0]["text"].as_str().unwrap().len() > 20,
        "the answer stays"
    );
    assert!(
        stderr(&out).contains("1 verdicts, 1 failed"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("(1 failed)"), "{}", stderr(&out));

    let (out, rows) = run_json(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-p",
            "Explain raft",
            "--judge",
            "sim/badjson",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let e = rows[0]["judged"]["errors"][0].as_str().unwrap();
    assert!(e.starts_with("off-schema"), "{e}");

    let out = common::run_cli(
        h.path(),
        &["-m", "sim/swift", "-p", "x", "--rubric", "r.md"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--rubric needs --judge"));
    let out = common::run_cli(
        h.path(),
        &[
            "-m",
            "sim/swift",
            "-p",
            "x",
            "--judge",
            "sim/judge",
            "--rubric",
            "missing.md",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read the rubric"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_configs_judge_gives_its_mode_and_rubric_unless_the_command_line_says() {
    let h = home(
        "[judge]\nmodel = \"sim/judge\"\nmode = \"pairwise\"\nrubric = \"Prefer the shorter.\"\n",
    );
    let args = [
        "-m",
        "sim/swift",
        "-m",
        "sim/steady",
        "-p",
        "Explain raft",
        "--judge",
        "sim/judge",
    ];
    let (out, rows) = run_json(h.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        rows.iter().all(|r| r["judged"]["mode"] == "pairwise"),
        "{rows:?}"
    );
    let (_, rows) = run_json(h.path(), &[&args[..], &["--judge-mode", "score"]].concat());
    assert!(
        rows.iter().all(|r| r["judged"]["mode"] == "score"),
        "{rows:?}"
    );
}
