//! Shared by the headless tests: an app whose panes all talk to a (never contacted) simulator.

pub mod drive;
pub mod faulty;
pub mod keys;
pub mod otlp;
pub mod tmux;

use std::collections::BTreeMap;
use std::time::Instant;

use switchboard::app::{App, Pane, Providers};
use switchboard::provider::{Endpoint, ProviderKind};
use switchboard::stream::StreamEvent;

#[allow(dead_code)]
pub fn sim_app(models: &[&str]) -> App {
    let ep = Endpoint {
        provider: "sim".into(),
        kind: ProviderKind::Openrouter,
        base_url: "http://127.0.0.1:1/v1".into(),
        api_key: None,
        simulated: true,
        options: Default::default(),
    };
    let providers = Providers {
        endpoints: BTreeMap::from([("sim".to_string(), ep)]),
        default: "sim".into(),
    };
    let panes = models.iter().map(|m| Pane::new(*m, "sim")).collect();
    App::new(panes, providers, Instant::now())
}

/// [`sim_app`] whose simulator is the one at `base_url`.
#[allow(dead_code)]
pub fn sim_app_at(models: &[&str], base_url: String) -> App {
    let mut app = sim_app(models);
    if let Some(ep) = app.config.providers.endpoints.get_mut("sim") {
        ep.base_url = base_url;
    }
    app
}

/// What the simulator at `base` answers to `prompt`, asked once without streaming: the text a
/// streamed answer must match. sim/flaky refuses every other request, so a refusal is asked
/// again once.
#[allow(dead_code)]
pub async fn sim_text(base: &str, model: &str, prompt: &str) -> String {
    let body = serde_json::json!({
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
    });
    let mut reply = serde_json::Value::Null;
    for _ in 0..2 {
        reply = reqwest::Client::new()
            .post(format!("{base}/chat/completions"))
            .json(&body)
            .send()
            .await
            .expect("the simulator answers")
            .json()
            .await
            .expect("a JSON reply");
        if reply.get("error").is_none() {
            break;
        }
    }
    reply["choices"][0]["message"]["content"]
        .as_str()
        .unwrap_or_else(|| panic!("{model}: {reply}"))
        .to_string()
}

/// The answer text of a stream: its deltas, joined.
#[allow(dead_code)]
pub fn delta_text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// A simulator on a free loopback port, `speed` times faster than real time.
#[allow(dead_code)]
pub async fn sim_at(speed: f64) -> switchboard::sim::SimServer {
    switchboard::sim::start(
        "127.0.0.1",
        0,
        switchboard::sim::SimOptions {
            speed,
            ..Default::default()
        },
    )
    .await
    .expect("the simulator starts on loopback")
}

/// Serves `router` on a free loopback port; the base URL of its `/v1`.
#[allow(dead_code)]
pub async fn serve_loopback(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("the port's address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/v1")
}

/// An in-memory history database with one session open, and the writer for it.
#[allow(dead_code)]
pub fn history_db() -> (
    switchboard::cost::ledger::Ledger,
    switchboard::session::store::Writer,
) {
    use switchboard::session::store::{Op, Writer};
    let db = switchboard::cost::ledger::Ledger::in_memory().expect("an in-memory database");
    let mut w = Writer::default();
    w.apply(
        db.conn(),
        Op::Session {
            started_at: 1,
            workspace: None,
        },
    )
    .expect("a session row");
    (db, w)
}

/// `switchboard run ARGS` in `home` (its config folder and data folder), with no key and no
/// config from the environment.
#[allow(dead_code)]
pub fn run_cli(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("run")
        .args(args)
        .current_dir(home)
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env("SWITCHBOARD_HOME", home)
        .output()
        .unwrap()
}

/// A home folder for `switchboard run` whose config runs the simulator fast, with `config`
/// added to it.
#[allow(dead_code)]
pub fn run_home(config: &str) -> tempfile::TempDir {
    let h = tempfile::tempdir().unwrap();
    std::fs::write(
        h.path().join("config.toml"),
        format!("[sim]\nspeed = 50\n{config}"),
    )
    .unwrap();
    h
}

/// `switchboard run ARGS --out r.json` in `home`, and the rows it wrote (none when it wrote
/// nothing).
#[allow(dead_code)]
pub fn run_cli_json(
    home: &std::path::Path,
    args: &[&str],
) -> (std::process::Output, Vec<serde_json::Value>) {
    let out = run_cli(home, &[args, &["--out", "r.json"]].concat());
    let rows = std::fs::read(home.join("r.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    (out, rows)
}

#[allow(dead_code)]
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Draws the app at its size on a test terminal and keeps what was drawn, as the loop does
/// after every frame: scrolling, clicks and jumps go by it. Returns the screen's rows.
#[allow(dead_code)]
pub fn draw(app: &mut App) -> Vec<String> {
    use ratatui::backend::TestBackend;
    let mut t = ratatui::Terminal::new(TestBackend::new(app.view.size.0, app.view.size.1))
        .expect("a test terminal");
    let mut drawn = app.view.drawn.clone();
    t.draw(|f| drawn = switchboard::ui::frame(app, &app.view.theme, f))
        .expect("drawn");
    app.view.drawn = drawn;
    let b = t.backend().buffer();
    (0..b.area.height)
        .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect())
        .collect()
}
