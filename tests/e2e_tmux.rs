#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The real binary in a real terminal (tmux) on the simulator: type a prompt, watch three panes
//! stream and finish, quit, and check the terminal came back.

use std::process::Command;

mod common;

use common::tmux::Session;

#[test]
fn three_panes_stream_and_finish_then_quit_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 8\n").unwrap();
    let s = Session::start(
        home.path(),
        "three",
        200,
        50,
        "-m sim/swift -m sim/coder -m sim/thinker",
    );
    s.wait_for("the playground", |t| {
        t.contains("simulator — set OPENROUTER_API_KEY") && t.contains("3 sim/thinker")
    });

    s.type_text("Explain database indexing strategies");
    s.keys(&["Enter"]);
    let screen = s.wait_for("three finished panes", |t| t.matches('✓').count() >= 3);

    let footers: Vec<&str> = screen.lines().filter(|l| l.contains('✓')).collect();
    assert_eq!(
        footers.len(),
        1,
        "the three footers share one row:\n{screen}"
    );
    assert_eq!(footers[0].matches("ttft").count(), 3, "{screen}");
    assert_eq!(footers[0].matches("tok/s").count(), 3, "{screen}");
    assert!(
        screen.contains("→ via SimCloud"),
        "served-by shown:\n{screen}"
    );
    assert!(
        screen.to_lowercase().contains("strategies"),
        "answers mention the topic:\n{screen}"
    );
    assert!(!screen.contains("streaming"), "{screen}");

    // The prompt went into history: Up brings it back.
    s.keys(&["Up"]);
    s.wait_for("history recall", |t| {
        t.lines()
            .rev()
            .take(4)
            .any(|l| l.contains("Explain database indexing strategies"))
    });
    s.keys(&["C-u"]);

    // The catalog was fetched at start: the picker lists the simulator's models with prices.
    s.keys(&["C-p"]);
    let picker = s.wait_for("the picker", |t| {
        t.contains("pick a model") && t.contains("sim/pricey")
    });
    assert!(
        picker.contains("75.0"),
        "output price of sim/pricey:\n{picker}"
    );
    s.keys(&["Escape"]);
    s.wait_for("the picker closed", |t| !t.contains("pick a model"));
    // The header shows what this round cost, and the ledger has it.
    assert!(s.screen().contains("session $0.0"), "{}", s.screen());

    s.keys(&["C-c"]);
    let after = s.wait_for("exit", |t| t.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "clean exit:\n{after}");
    assert!(
        !after.contains("switchboard · session"),
        "alternate screen left:\n{after}"
    );

    // One ledger row per answer, with the server's reported cost.
    let db = rusqlite::Connection::open(home.path().join("history.db")).unwrap();
    let (rows, reported, cost): (i64, i64, f64) = db
        .query_row(
            "SELECT COUNT(*), SUM(reported), SUM(cost) FROM spend",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((rows, reported), (3, 3));
    assert!(cost > 0.0);
}

#[test]
fn narrow_terminal_uses_tabs_and_errors_show_in_their_pane() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 8\n").unwrap();
    let s = Session::start(
        home.path(),
        "narrow",
        80,
        24,
        "-m sim/down -m sim/swift -m sim/stall",
    );
    s.wait_for("tabs", |t| {
        t.contains("1 down") && t.contains("2 swift") && t.contains("3 stall")
    });
    s.type_text("hello there");
    s.keys(&["Enter"]);
    s.wait_for("the error in pane 1", |t| {
        t.contains("503 no provider available")
    });
    s.keys(&["Tab"]);
    s.wait_for("pane 2 finished", |t| {
        t.contains("2 sim/swift") && t.contains('✓')
    });
    // sim/stall is still streaming: SIGTERM must still restore the terminal, keep the history,
    // and say in the exit status that a signal ended it (128 + 15).
    s.wait_for("a stream still running", |t| t.contains("streaming 1/3"));
    let pid = s.app_pid();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let after = s.wait_for("exit", |t| t.contains("EXIT="));
    assert!(after.contains("EXIT=143"), "{after}");
    assert!(
        !after.contains("sim/swift"),
        "alternate screen left:\n{after}"
    );
    // The stream the signal cut short is booked too: one row per answer.
    let db = rusqlite::Connection::open(home.path().join("history.db")).unwrap();
    let statuses: Vec<String> = db
        .prepare("SELECT status FROM spend ORDER BY model")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        statuses,
        vec!["failed", "cancelled", "done"],
        "down, stall, swift"
    );
}

#[test]
fn resizing_down_to_20x5_while_streaming() {
    let home = tempfile::tempdir().unwrap();
    // 20,000 tokens at 2,000 tokens/s: ten seconds of streaming to resize through.
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 1\n").unwrap();
    let s = Session::start(
        home.path(),
        "resize",
        200,
        60,
        "-m sim/marathon -m sim/swift -m sim/coder",
    );
    s.wait_for("the playground", |t| t.contains("3 sim/coder"));
    s.type_text("Write a long guide to caching");
    s.keys(&["Enter"]);
    s.wait_for("streaming", |t| t.contains("streaming"));
    let resize = |w: u16, h: u16| {
        assert!(common::tmux::tmux(&s.name)
            .args([
                "resize-window",
                "-t",
                &s.name,
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string()
            ])
            .status()
            .unwrap()
            .success());
    };
    for (w, h) in [
        (160, 50),
        (100, 30),
        (80, 24),
        (40, 12),
        (20, 5),
        (25, 6),
        (200, 60),
    ] {
        resize(w, h);
        // Each size is drawn before the next: the last row of a frame is always drawn.
        s.wait_for(&format!("a frame at {w}×{h}"), |t| {
            t.lines().count() <= usize::from(h) && t.lines().any(|l| !l.trim().is_empty())
        });
    }
    // Back at full size, the three panes are side by side again, each finished.
    s.wait_for("all three finished", |t| {
        t.matches('✓').count() >= 3 && t.contains("1 sim/marathon") && t.contains("3 sim/coder")
    });
    s.keys(&["C-c"]);
    let end = s.wait_for("a clean exit", |t| t.contains("EXIT="));
    assert!(end.contains("EXIT=0"), "{end}");
}

#[test]
fn without_a_key_the_first_screen_shows_the_hints_not_openrouters_catalog() {
    let home = tempfile::tempdir().unwrap();
    // Were OpenRouter's catalog fetched, it would fail at once here: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        home.path().join("config.toml"),
        format!("[providers.openrouter]\nbase_url = \"http://127.0.0.1:{closed}\"\n"),
    )
    .unwrap();
    let s = Session::start(home.path(), "hints", 80, 24, "");
    // The key's figures are asked for after the catalogs; by the time the simulator's answer
    // shows, a fetch from a closed port would long have failed and said so.
    let screen = s.wait_for("the playground and the key's figures", |t| {
        t.contains("F1 help") && t.contains("key used")
    });
    assert!(
        !screen.contains("catalog") && !screen.contains("openrouter"),
        "{screen}"
    );
    let last = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        last.contains("Enter send") && last.contains("F1 help"),
        "{screen}"
    );
}
