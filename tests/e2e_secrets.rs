#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A known fake key through a whole session (playground, vote, every export and result
//! format): the server receives it, and it appears in no file switchboard wrote.

mod common;

use std::path::Path;
use std::process::Command;

use common::tmux::Session;

const KEY: &str = "sk-or-v1-f4k3f4k3f4k3deadbeefcafe0123456789abcdef0123456789abcdef0123";

fn cli(home: &Path, config: &Path, args: &[&str]) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    cmd.args(args);
    if args[0] == "run" {
        cmd.arg("--config").arg(config);
    }
    let out = cmd
        .env("OPENROUTER_API_KEY", KEY)
        .env("SWITCHBOARD_HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success() || args[0] == "run",
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    [out.stdout, out.stderr].concat()
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_key_is_sent_and_never_written_down() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = rt.block_on(common::faulty::start());
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[providers.openrouter]\nbase_url = \"{base}\"\n"),
    )
    .unwrap();

    let s = Session::start_env(
        home.path(),
        "secrets",
        200,
        50,
        &format!("OPENROUTER_API_KEY={KEY}"),
        "-m fault/healthy -m fault/bad-json",
    );
    s.wait_for("the playground", |t| t.contains("2 fault/bad-json"));
    s.type_text("Tell me a secret");
    s.keys(&["Enter"]);
    s.wait_for("one answer and one error", |t| {
        t.contains("word199") && t.contains("unreadable") && !t.contains("streaming")
    });
    s.keys(&["F6"]);
    s.keys(&["1"]);
    s.keys(&["F2"]);
    s.wait_for("the settings panel", |t| t.contains("pane settings"));
    s.keys(&["Escape"]);
    // A key right behind Escape in one read would arrive as Alt+key: wait for the panel to go.
    s.wait_for("the panel closed", |t| !t.contains("pane settings"));
    s.keys(&["C-c"]);
    let end = s.wait_for("a clean exit", |t| t.contains("EXIT="));
    assert!(end.contains("EXIT=0"), "{end}");
    assert!(!end.contains(KEY), "the screen");

    let out_dir = home.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut printed = Vec::new();
    for format in ["md", "json", "csv"] {
        let text = cli(
            home.path(),
            &config,
            &["sessions", "export", "last", "--format", format],
        );
        std::fs::write(out_dir.join(format!("session.{format}")), &text).unwrap();
        printed.extend(text);
    }
    printed.extend(cli(home.path(), &config, &["sessions", "show", "last"]));
    printed.extend(cli(home.path(), &config, &["sessions", "list"]));
    for format in ["table", "json", "jsonl", "csv", "md"] {
        let file = out_dir.join(format!("run.{format}"));
        printed.extend(cli(
            home.path(),
            &config,
            &[
                "run",
                "-m",
                "fault/healthy",
                "-m",
                "fault/bad-json",
                "-p",
                "Another secret",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        ));
        assert!(file.exists(), "{format} written");
    }

    let sent = common::faulty::AUTHORIZATIONS.lock().unwrap().clone();
    assert!(
        sent.iter()
            .filter(|a| **a == format!("Bearer {KEY}"))
            .count()
            >= 7,
        "the key was used for every request: {sent:?}"
    );
    assert!(
        contains(&printed, b"word199")
            && contains(
                &std::fs::read(out_dir.join("run.md")).unwrap(),
                b"Another secret"
            ),
        "the exports and results hold the session"
    );
    assert!(!contains(&printed, KEY.as_bytes()), "printed output");
    let mut all = Vec::new();
    files(home.path(), &mut all);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("history.db")),
        "the history is among them: {names:?}"
    );
    // The key's tail is enough to leak it; look for that too.
    for (name, bytes) in &all {
        assert!(!contains(bytes, KEY.as_bytes()), "{name} holds the key");
        assert!(
            !contains(bytes, &KEY.as_bytes()[30..]),
            "{name} holds part of the key"
        );
    }
}
