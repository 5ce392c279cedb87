#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every model the simulator has, each failure among them, in sixteen panes at once in the real
//! binary: the healthy answers finish word for word, the failing ones say why, the app exits
//! cleanly and the history holds every answer.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::tmux::Session;

const PROMPT: &str = "Explain backpressure in stream processing";

/// The failing panes and a word their error shows on screen. sim/flaky is not among them: its
/// 429 is retried and the second attempt answers.
const FAILING: &[(&str, &str)] = &[
    ("sim/down", "503"),
    ("sim/cutoff", "dropped"),
    ("sim/midfail", "mid-answer"),
    ("sim/stall", "stalled"),
    ("sim/malformed", "MALFORMED"),
    ("sim/no-such-model", "400 bad request"),
];

/// (model → (status, text, error)) from the history database.
fn answers(db: &Path) -> BTreeMap<String, (String, String, Option<String>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT model, status, text, error FROM answers")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// What the simulator answers to the prompt, asked directly without streaming.
fn expected(models: &[&str]) -> BTreeMap<String, String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sim = common::sim_at(1000.0).await;
        let mut out = BTreeMap::new();
        for m in models {
            let text = common::sim_text(&sim.base_url(), m, PROMPT).await;
            out.insert(m.to_string(), text);
        }
        out
    })
}

#[test]
fn every_failure_at_once_beside_healthy_panes() {
    let healthy: Vec<&str> = switchboard::sim::model_ids()
        .into_iter()
        .filter(|m| !FAILING.iter().any(|(f, _)| f == m))
        .take(16 - FAILING.len())
        .collect();
    let mut models: Vec<&str> = healthy.clone();
    models.extend(FAILING.iter().map(|(m, _)| *m));
    assert_eq!(
        models.len(),
        16,
        "every failing simulator model, one unknown, and healthy ones up to sixteen panes"
    );

    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "stall_timeout_secs = 2\n[sim]\nspeed = 20\n[retry]\nper_hop = 1\nbackoff_ms = 100\nmax_wait_secs = 1\n",
    )
    .unwrap();
    let args: Vec<String> = models.iter().map(|m| format!("-m {m}")).collect();
    let s = Session::start(home.path(), "all-faults", 200, 50, &args.join(" "));
    s.wait_for("sixteen panes", |t| t.contains("16 sim/no-such-model"));
    s.type_text(PROMPT);
    s.keys(&["Enter"]);

    let db = home.path().join("history.db");
    // Each failing pane shows its error, and nothing is still streaming or waiting to retry.
    s.wait_for("every pane settled", |t| {
        let status = t.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        FAILING.iter().all(|(_, word)| t.contains(word))
            && !status.trim_start().starts_with("streaming")
            && !t.contains("retrying in")
    });
    let settled = |a: &BTreeMap<String, (String, String, Option<String>)>| {
        a.len() == 16 && a.values().all(|(st, _, _)| st == "done" || st == "failed")
    };
    common::tmux::poll("every answer settled in the history", || {
        settled(&answers(&db)).then_some(())
    });

    s.keys(&["C-c"]);
    let end = s.wait_for("a clean exit", |t| t.contains("EXIT="));
    assert!(end.contains("EXIT=0"), "{end}");
    assert!(!end.contains("panicked"), "{end}");

    let rows = answers(&db);
    let want = expected(&healthy);
    for m in &healthy {
        let (status, text, error) = &rows[*m];
        assert_eq!(status, "done", "{m}: {error:?}");
        assert_eq!(text, &want[*m], "{m}: the whole answer, word for word");
    }
    for (m, _) in FAILING {
        let (status, _, error) = &rows[*m];
        assert_eq!(status, "failed", "{m}");
        assert!(error.as_deref().is_some_and(|e| !e.is_empty()), "{m}");
    }
    let partial = &rows["sim/cutoff"].1;
    assert!(!partial.is_empty(), "the cut-off answer keeps what arrived");
}
