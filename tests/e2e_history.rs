#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `kill -9` in the middle of a round: the database opens, the finished answer is whole, the
//! streaming one is there up to its last checkpoint; then `switchboard sessions` reads it all.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// (model, status, text length) of every answer.
fn answers(db: &Path) -> Vec<(String, String, usize)> {
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return Vec::new();
    };
    let Ok(mut stmt) =
        conn.prepare("SELECT model, status, length(text) FROM answers ORDER BY pane")
    else {
        return Vec::new();
    };
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as usize))
    })
    .map(|rows| rows.filter_map(Result::ok).collect())
    .unwrap_or_default()
}

fn sessions(home: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("sessions")
        .args(args)
        .env("SWITCHBOARD_HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn kill_9_mid_stream_loses_at_most_the_last_checkpoint() {
    let home = tempfile::tempdir().unwrap();
    // Slow enough that sim/steady is still streaming when sim/swift has finished.
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 0.5\n").unwrap();
    let name = format!("sb-kill-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_switchboard");
    let cmd = format!(
        "cd '{h}' && env -u OPENROUTER_API_KEY SWITCHBOARD_HOME='{h}' '{bin}' -m sim/swift -m sim/steady; sleep 600",
        h = home.path().display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "160",
        "-y",
        "40",
        &cmd,
    ]);
    let _cleanup = scopeguard(name.clone());
    wait_for("the playground", || {
        tmux(&["capture-pane", "-p", "-t", &name])
            .contains("2 sim/steady")
            .then_some(())
    });
    tmux(&["send-keys", "-t", &name, "-l", "Explain consistent hashing"]);
    tmux(&["send-keys", "-t", &name, "Enter"]);

    let db = home.path().join("history.db");
    wait_for("swift done and steady checkpointed", || {
        let a = answers(&db);
        let swift_done = a
            .iter()
            .any(|(m, s, n)| m == "sim/swift" && s == "done" && *n > 200);
        let steady_partial = a
            .iter()
            .any(|(m, s, n)| m == "sim/steady" && s == "streaming" && *n > 0);
        (swift_done && steady_partial).then_some(())
    });
    let shell = tmux(&["list-panes", "-t", &name, "-F", "#{pane_pid}"]);
    let pid = String::from_utf8_lossy(
        &Command::new("pgrep")
            .args(["-P", shell.trim(), "switchboard"])
            .output()
            .unwrap()
            .stdout,
    )
    .trim()
    .to_string();
    assert!(Command::new("kill")
        .args(["-9", &pid])
        .status()
        .unwrap()
        .success());

    let after = answers(&db);
    let steady = after.iter().find(|(m, _, _)| m == "sim/steady").unwrap();
    assert_eq!(steady.1, "streaming", "it never finished");
    assert!(steady.2 > 0, "its text up to the last checkpoint is there");
    let swift = after.iter().find(|(m, _, _)| m == "sim/swift").unwrap();
    assert_eq!(swift.1, "done");

    let list = sessions(home.path(), &["list"]);
    assert!(
        list.contains("sim/swift, sim/steady") && list.contains("1 round"),
        "{list}"
    );
    let json: serde_json::Value = serde_json::from_str(&sessions(
        home.path(),
        &["export", "last", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["rounds"][0]["prompt"], "Explain consistent hashing");
    assert_eq!(json["rounds"][0]["answers"].as_array().unwrap().len(), 2);
    let found = sessions(home.path(), &["search", "hashing"]);
    assert!(
        found.contains("prompt") && found.contains("[hashing]"),
        "{found}"
    );
    let md = sessions(home.path(), &["show", "last"]);
    assert!(
        md.starts_with("# Session 1") && md.contains("### 2 · sim/steady"),
        "{md}"
    );
}

struct Kill(String);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}
fn scopeguard(name: String) -> Kill {
    Kill(name)
}

#[test]
fn resume_carries_on_a_recorded_session() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 20\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_switchboard");
    let out = Command::new(bin)
        .args([
            "run",
            "-m",
            "sim/swift",
            "-m",
            "sim/coder",
            "-p",
            "Explain quorum reads",
        ])
        .env_remove("OPENROUTER_API_KEY")
        .env("SWITCHBOARD_HOME", home.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let name = format!("sb-resume-{}", std::process::id());
    let cmd = format!(
        "cd '{h}' && env -u OPENROUTER_API_KEY SWITCHBOARD_HOME='{h}' '{bin}' --resume last; sleep 600",
        h = home.path().display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "160",
        "-y",
        "40",
        &cmd,
    ]);
    let _cleanup = scopeguard(name.clone());
    wait_for("the resumed session", || {
        tmux(&["capture-pane", "-p", "-t", &name])
            .contains("resumed #1")
            .then_some(())
    });
    // The view follows the tail; the top of the conversation shows the old prompt.
    tmux(&["send-keys", "-t", &name, "C-Home"]);
    let screen = wait_for("the old prompt", || {
        let s = tmux(&["capture-pane", "-p", "-t", &name]);
        s.contains("› Explain quorum reads").then_some(s)
    });
    assert!(
        screen.contains("1 sim/swift") && screen.contains("2 sim/coder"),
        "{screen}"
    );
    tmux(&["send-keys", "-t", &name, "-l", "And sloppy quorums?"]);
    tmux(&["send-keys", "-t", &name, "Enter"]);
    let db = home.path().join("history.db");
    wait_for("the follow-up recorded in the same session", || {
        let conn = rusqlite::Connection::open(&db).ok()?;
        let (sessions, rounds): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM sessions s WHERE EXISTS (SELECT 1 FROM rounds r WHERE r.session_id = s.id)),
                        (SELECT COUNT(*) FROM rounds WHERE session_id = 1)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok()?;
        let done: i64 = conn
            .query_row("SELECT COUNT(*) FROM answers a JOIN rounds r ON r.id = a.round_id WHERE r.seq = 2 AND a.status = 'done'", [], |r| r.get(0))
            .ok()?;
        (sessions == 1 && rounds == 2 && done == 2).then_some(())
    });
}

#[test]
fn replay_plays_a_session_back_and_records_nothing() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "[sim]\nspeed = 20\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_switchboard");
    let out = Command::new(bin)
        .args([
            "run",
            "-m",
            "sim/swift",
            "-m",
            "sim/down",
            "-p",
            "Explain vector clocks",
        ])
        .env_remove("OPENROUTER_API_KEY")
        .env("SWITCHBOARD_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "sim/down fails");

    let name = format!("sb-replay-{}", std::process::id());
    let cmd = format!(
        "cd '{h}' && env -u OPENROUTER_API_KEY SWITCHBOARD_HOME='{h}' '{bin}' replay last --speed 10; sleep 600",
        h = home.path().display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "160",
        "-y",
        "40",
        &cmd,
    ]);
    let _cleanup = scopeguard(name.clone());
    let screen = wait_for("the replayed answers", || {
        let s = tmux(&["capture-pane", "-p", "-t", &name]);
        (s.contains("replay of session 1")
            && s.contains('✓')
            && s.contains("no provider available"))
        .then_some(s)
    });
    assert!(screen.to_lowercase().contains("vector"), "{screen}");
    let conn = rusqlite::Connection::open(home.path().join("history.db")).unwrap();
    let rounds: i64 = conn
        .query_row("SELECT COUNT(*) FROM rounds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rounds, 1, "a replay adds nothing to the history");
}
