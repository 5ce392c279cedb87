#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The judge in the real binary, in a real terminal: a round judged pairwise by the
//! simulator's judge, its verdicts in the footers and the overlay, the scoreboard's judge
//! board, and the history and ledger afterwards.

mod common;

use common::tmux::{poll, Session};

#[test]
fn a_round_is_judged_in_the_playground_and_recorded() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[sim]\nspeed = 8\n[judge]\nmodel = \"sim/judge\"\nmode = \"pairwise\"\n",
    )
    .unwrap();
    let s = Session::start(home.path(), "judge", 120, 36, "-m sim/swift -m sim/steady");
    s.wait_for("the panes", |t| t.contains("sim/steady"));
    s.type_text("Explain raft leader election");
    s.keys(&["Enter"]);
    s.wait_for("both answers billed", |t| {
        t.matches("✓ billed").count() == 2
    });
    s.keys(&["M-j"]);
    s.wait_for("the verdicts", |t| {
        t.contains("never the model names")
            && t.contains("both ways round")
            && !t.contains("judging…")
    });
    s.keys(&["Escape"]);
    let footers = s.wait_for("verdicts in the footers", |t| {
        t.matches("judge ").count() >= 2
    });
    assert!(
        footers.contains("judge 1–0–0")
            || footers.contains("judge 0–0–1")
            || footers.contains("judge 0–1–0"),
        "{footers}"
    );
    s.keys(&["F10"]);
    s.wait_for("the scoreboard", |t| t.contains("your votes ↔ the judge's"));
    s.keys(&["j"]);
    s.wait_for("the judge's board", |t| {
        t.contains("as the judge rates them")
    });
    s.keys(&["Escape"]);
    s.keys(&["C-c"]);
    s.wait_for("exit", |t| t.contains("EXIT="));
    let db = rusqlite::Connection::open(home.path().join("history.db")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    poll("the verdict and the judge's spend written", || {
        (count("SELECT COUNT(*) FROM verdicts WHERE mode = 'pairwise' AND pick IS NOT NULL") == 1
            && count("SELECT COUNT(*) FROM spend WHERE purpose = 'judge'") == 2)
            .then_some(())
    });
}
