#![allow(dead_code)]
//! The real binary in a real terminal: a tmux session of its own.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Generous: CI machines are slow and shared.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub struct Session {
    pub name: String,
}

/// tmux on a server of the session's own, so other tmux sessions on the machine (and a server
/// exiting as its last session closes) cannot disturb it.
pub fn tmux(session: &str) -> Command {
    let mut c = Command::new("tmux");
    c.args(["-L", session]);
    c
}

impl Session {
    /// `label` keeps sessions of one test binary apart.
    pub fn start(home: &Path, label: &str, width: u16, height: u16, args: &str) -> Self {
        Self::start_env(home, label, width, height, "", args)
    }

    /// With `env` (e.g. `KEY=value`) set for the app; OPENROUTER_API_KEY is unset otherwise.
    pub fn start_env(
        home: &Path,
        label: &str,
        width: u16,
        height: u16,
        env: &str,
        args: &str,
    ) -> Self {
        let name = format!("sb-e2e-{}-{label}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_switchboard");
        let cmd = format!(
            "cd '{}' && env -u OPENROUTER_API_KEY {env} SWITCHBOARD_HOME='{}' TERM=xterm-256color '{bin}' {args}; echo \"EXIT=$?\"; sleep 600",
            home.display(),
            home.display()
        );
        let ok = tmux(&name)
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                &cmd,
            ])
            .status()
            .expect("tmux must be installed (CI installs it)")
            .success();
        assert!(ok, "tmux new-session failed");
        Self { name }
    }

    pub fn screen(&self) -> String {
        let out = tmux(&self.name)
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        assert!(tmux(&self.name).args(&args).status().unwrap().success());
    }

    /// The switchboard process: the child of the shell tmux started.
    pub fn app_pid(&self) -> String {
        let out = tmux(&self.name)
            .args(["list-panes", "-t", &self.name, "-F", "#{pane_pid}"])
            .output()
            .unwrap();
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let out = Command::new("pgrep")
            .args(["-P", &shell, "switchboard"])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "switchboard is not running under {shell}");
        pid
    }

    pub fn type_text(&self, text: &str) {
        assert!(tmux(&self.name)
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap()
            .success());
    }

    /// Polls the screen until `cond` holds; panics with the last screen after the deadline.
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if cond(&s) {
                return s;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&self.name)
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

/// Polls `f` until it gives a value; panics after [`DEADLINE`].
pub fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
