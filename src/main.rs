//! The `switchboard` command: parses the command line and hands over to the library.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use switchboard::app::run::{load_history, run, Runtime};
use switchboard::app::App;
use switchboard::config::{keys, paths, Config};
use switchboard::sim::{self, SimOptions};
use switchboard::stream::task::StreamOptions;
use switchboard::theme::Theme;
use switchboard::{setup, term};

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "One prompt, many models, side by side, in the terminal.",
    after_help = "With no OPENROUTER_API_KEY (environment, ./.env or api_key_cmd) it runs on the built-in simulator.\nEnvironment: OPENROUTER_API_KEY, SWITCHBOARD_CONFIG (config file), SWITCHBOARD_HOME (config and data in one folder)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A model per pane (repeatable), e.g. -m sim/coder -m openai/gpt-4o; `provider:model` picks a provider.
    #[arg(short = 'm', long = "model", value_name = "MODEL")]
    models: Vec<String>,
    /// Use the built-in simulator even when a key is set.
    #[arg(long)]
    sim: bool,
    /// Config file (default: $XDG_CONFIG_HOME/switchboard/config.toml).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the simulator alone, for curl or any OpenAI-compatible client.
    Sim {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Speed factor: 2 is twice as fast, 0.5 half.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Sim { host, port, speed }) => serve_sim(&host, port, speed).await,
            None => playground(cli.models, cli.sim, cli.config).await,
        }
    });
    // Network tasks may still be winding down; they must not hold the exit.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            term::restore();
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve_sim(host: &str, port: u16, speed: f64) -> Result<(), String> {
    if !(speed.is_finite() && speed > 0.0) {
        return Err(format!("--speed {speed} must be a positive number"));
    }
    let listener = tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}/api/v1");
    println!("models: {}", sim::model_ids().join(", "));
    axum::serve(listener, sim::router(SimOptions { speed }))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("simulator stopped: {e}"))
}

async fn playground(
    models: Vec<String>,
    force_sim: bool,
    config: Option<PathBuf>,
) -> Result<(), String> {
    // Everything that can fail on bad input fails here, before the terminal is touched.
    let (config_path, required) = paths::config_file(config);
    let cfg = Config::load(&config_path, required).map_err(|e| e.to_string())?;
    let dotenv = keys::read_dotenv(std::path::Path::new(".env"));
    let mut resolved = BTreeMap::new();
    for (name, p) in &cfg.providers {
        let key = keys::resolve(p, |v| std::env::var(v).ok(), &dotenv)
            .map_err(|e| format!("provider `{name}`: {e}"))?;
        resolved.insert(name.clone(), key);
    }
    let simulator = sim::start(
        "127.0.0.1",
        0,
        SimOptions {
            speed: cfg.sim_speed,
        },
    )
    .await
    .map_err(|e| format!("cannot start the built-in simulator: {e}"))?;
    let s = setup::build(&cfg, &resolved, &models, force_sim, &simulator.base_url())?;
    let client = reqwest::Client::builder()
        .connect_timeout(cfg.connect_timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let history_file = paths::data_dir().join("prompt_history.jsonl");
    let mut app = App::new(s.panes, s.providers, Instant::now());
    app.history.entries = load_history(&history_file, 1000);
    app.session_label = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    let rt = Runtime {
        client,
        stream: StreamOptions {
            stall_timeout: cfg.stall_timeout,
        },
        history_file: Some(history_file),
    };
    let theme = Theme::default();
    let (guard, mut terminal) =
        term::TerminalGuard::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let result = run(&mut app, &theme, &rt, &mut terminal).await;
    drop(guard);
    simulator.shutdown();
    result.map_err(|e| format!("terminal: {e}"))
}
