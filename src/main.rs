//! The `switchboard` command: parses the command line and hands over to the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use switchboard::app::spend::SpendState;
use switchboard::app::state::Notice;
use switchboard::app::App;
use switchboard::config::paths;
use switchboard::cost::ledger::Ledger;
use switchboard::sim::{self, SimOptions};
use switchboard::tui::{load_history, run, Runtime};
use switchboard::{models_cmd, setup, term};

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
    /// Open a saved workspace (a named pane set) instead of the default panes.
    #[arg(short = 'w', long, value_name = "NAME", conflicts_with = "models")]
    workspace: Option<String>,
    /// Colour theme: dark, light, high-contrast, solarized, or one in the config folder's themes/.
    #[arg(long, value_name = "NAME")]
    theme: Option<String>,
    /// Fills {{name}} in prompts (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A file of name=value lines for {{name}} in prompts.
    #[arg(long = "vars", value_name = "FILE")]
    vars_file: Option<PathBuf>,
    /// Blind judging: model names and figures hidden, panes shuffled, until you vote (F6).
    #[arg(long)]
    blind: bool,
    /// An image to send with the first prompt (repeatable): png, jpeg, gif or webp.
    #[arg(long = "image", value_name = "PATH")]
    images: Vec<PathBuf>,
    /// A test suite to step through (Alt+N next case, Alt+B back), each pane's answer
    /// checked against the case's assertions.
    #[arg(long, value_name = "FILE")]
    suite: Option<PathBuf>,
    /// Carry on a recorded session: its panes and conversations (`last`, or an id from
    /// `switchboard sessions list`).
    #[arg(long, value_name = "ID", conflicts_with_all = ["models", "workspace"])]
    resume: Option<String>,
}

#[derive(Subcommand)]
enum SessionsCommand {
    /// Every recorded session, newest first.
    List {
        /// An array of sessions for scripts (empty when none are recorded).
        #[arg(long)]
        json: bool,
    },
    /// A session as Markdown.
    Show {
        /// A session id, or `last`.
        id: String,
    },
    /// Full-text search over prompts and answers.
    Search { query: String },
    /// A session as Markdown, JSON or CSV.
    Export {
        /// A session id, or `last`.
        id: String,
        #[arg(long, value_parser = ["md", "json", "csv"], default_value = "md")]
        format: String,
        /// Write here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Play a recorded session back in the playground at its recorded pace.
    Replay {
        /// A session id, or `last`.
        id: String,
        /// 2 plays twice as fast.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Evaluate without the TUI: every prompt to every model; exit 1 if any failed.
    Run(Box<switchboard::headless::RunArgs>),
    /// One self-contained HTML page of a session (an id or `last`) or of a run's results
    /// (a `run --out results.json` file): answers side by side, figures, charts.
    Report {
        /// A session id, `last`, or a run's results file (.json).
        source: String,
        #[arg(long, value_name = "FILE", default_value = "report.html")]
        out: PathBuf,
    },
    /// Browse the history of past sessions.
    Sessions {
        #[command(subcommand)]
        command: SessionsCommand,
    },
    /// Print the model catalog (fetched fresh, else from the cache) for scripts.
    Models {
        /// Fuzzy filter, e.g. `claude sonnet`.
        query: Option<String>,
        #[arg(long, value_parser = ["match", "price", "context", "name"], default_value = "match")]
        sort: String,
        /// One JSON object per model, in an array.
        #[arg(long)]
        json: bool,
        /// Which provider's catalog (default: the default provider, or the simulator without a key).
        #[arg(long)]
        provider: Option<String>,
        /// Read from the simulator.
        #[arg(long)]
        sim: bool,
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Run the simulator alone, for curl or any OpenAI-compatible client.
    Sim {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Speed factor: 2 is twice as fast, 0.5 half.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Repeat each tool call's id and whole name in every fragment, as some servers do.
        #[arg(long)]
        repeat_tool_names: bool,
        /// Give the key this much credit (USD): requests it cannot cover get 402 "can only
        /// afford N"; unlimited without it.
        #[arg(long, value_name = "USD")]
        credit: Option<f64>,
        /// Requests a day to `:free` variants before 429, as OpenRouter's free daily cap.
        #[arg(long, default_value_t = 50)]
        free_per_day: u64,
        /// One token per event, each a whole chunk of about 250 bytes, as real servers send
        /// them (by default 1-3 tokens share an event).
        #[arg(long)]
        one_token_per_event: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `run` waits on the network and does little else: on one thread, every piece of a stream
    // goes from the connection to the answer without a hand-off between threads (each one a
    // wake-up and a system call).
    let mut builder = if matches!(cli.command, Some(Command::Run(_))) {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    // Blocking-pool threads (file writes, name lookups) would otherwise linger for 10 s and
    // then wake up to exit: activity in an app that is sitting idle.
    let runtime = match builder
        .enable_all()
        .thread_keep_alive(std::time::Duration::from_secs(1))
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(Command::Run(run)) = cli.command {
        let args = switchboard::headless::Args::from(*run);
        let outcome = runtime.block_on(switchboard::headless::run(args));
        runtime.shutdown_background();
        return match outcome {
            Ok(switchboard::headless::Outcome::AllAnswered) => ExitCode::SUCCESS,
            Ok(switchboard::headless::Outcome::SomeFailed) => ExitCode::from(1),
            Ok(switchboard::headless::Outcome::NotRecorded) => ExitCode::from(3),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Sim {
                host,
                port,
                speed,
                repeat_tool_names,
                credit,
                free_per_day,
                one_token_per_event,
            }) => {
                let opts = SimOptions {
                    speed,
                    repeat_tool_names,
                    credit,
                    free_per_day,
                    one_token_per_event,
                };
                serve_sim(&host, port, opts).await.map(|()| SUCCESS)
            }
            Some(Command::Run(_)) => Ok(SUCCESS),
            Some(Command::Report { source, out }) => {
                switchboard::report::run(&source, &out).map(|()| SUCCESS)
            }
            Some(Command::Replay { id, speed, config }) => {
                if !(speed.is_finite() && speed > 0.0) {
                    return Err(format!("--speed {speed} must be a positive number"));
                }
                playground(Start {
                    config,
                    replay: Some((id, speed)),
                    ..Start::default()
                })
                .await
            }
            Some(Command::Sessions { command }) => {
                use switchboard::sessions_cmd::{run, Command as C};
                run(match command {
                    SessionsCommand::List { json } => C::List { json },
                    SessionsCommand::Show { id } => C::Show { id },
                    SessionsCommand::Search { query } => C::Search { query },
                    SessionsCommand::Export { id, format, out } => C::Export { id, format, out },
                })
                .map(|()| SUCCESS)
            }
            Some(Command::Models {
                query,
                sort,
                json,
                provider,
                sim,
                config,
            }) => switchboard::models_cmd::run(models_cmd::Args {
                query: query.unwrap_or_default(),
                sort,
                json,
                provider,
                force_sim: sim,
                config,
            })
            .await
            .map(|()| SUCCESS),
            None => {
                let mut vars = match &cli.vars_file {
                    Some(p) => switchboard::vars::read_file(p)?,
                    None => Default::default(),
                };
                for v in &cli.vars {
                    let (k, val) = switchboard::vars::parse_var(v)?;
                    vars.insert(k, val);
                }
                let images = cli
                    .images
                    .iter()
                    .map(|p| switchboard::attach::load(p))
                    .collect::<Result<Vec<_>, _>>()?;
                let suite = cli
                    .suite
                    .as_deref()
                    .map(switchboard::suite::read)
                    .transpose()?;
                playground(Start {
                    models: cli.models,
                    force_sim: cli.sim,
                    config: cli.config,
                    workspace: cli.workspace,
                    theme: cli.theme,
                    resume: cli.resume,
                    vars,
                    blind: cli.blind,
                    images,
                    suite,
                    replay: None,
                })
                .await
            }
        }
    });
    // Network tasks may still be winding down; they must not hold the exit.
    runtime.shutdown_background();
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            term::restore();
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve_sim(host: &str, port: u16, opts: SimOptions) -> Result<(), String> {
    let speed = opts.speed;
    if !(speed.is_finite() && speed > 0.0) {
        return Err(format!("--speed {speed} must be a positive number"));
    }
    let listener = tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}/api/v1");
    println!("models: {}", sim::model_ids().join(", "));
    axum::serve(listener, sim::router(opts))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("simulator stopped: {e}"))
}

/// How the playground starts: from the command line.
#[derive(Default)]
struct Start {
    models: Vec<String>,
    force_sim: bool,
    config: Option<PathBuf>,
    workspace: Option<String>,
    theme: Option<String>,
    resume: Option<String>,
    vars: std::collections::BTreeMap<String, String>,
    blind: bool,
    images: Vec<switchboard::attach::Attachment>,
    suite: Option<switchboard::suite::Suite>,
    replay: Option<(String, f64)>,
}

/// The exit status of a session that ended as asked.
const SUCCESS: u8 = 0;

/// Runs the playground; the exit status is 128 plus the signal's number when one ended it.
async fn playground(start: Start) -> Result<u8, String> {
    let Start {
        models,
        force_sim,
        config,
        workspace,
        theme,
        resume,
        vars,
        blind,
        images,
        suite,
        replay,
    } = start;
    // Everything that can fail on bad input fails here, before the terminal is touched.
    switchboard::render::highlight::preload();
    let session = setup::Session::open(config, &models, force_sim, workspace.as_deref()).await?;
    let themes_dir = session.config_path.parent().map(|d| d.join("themes"));
    let themes = switchboard::theme::load_all(themes_dir.as_deref()).map_err(|e| e.to_string())?;
    let wanted = match (&theme, &session.cfg.theme) {
        (Some(t), _) => Some((t.clone(), "--theme".to_string())),
        (None, Some((t, line, col))) => Some((
            t.clone(),
            format!("{}:{line}:{col}", session.config_path.display()),
        )),
        (None, None) => None,
    };
    let chosen = match wanted {
        Some((name, from)) => themes.get(&name).cloned().ok_or_else(|| {
            let known: Vec<&str> = themes.keys().map(String::as_str).collect();
            format!(
                "{from}: unknown theme `{name}`; themes: {}",
                known.join(", ")
            )
        })?,
        None => themes.get("dark").cloned().unwrap_or_default(),
    };
    let no_color = switchboard::theme::Theme::no_color_requested();
    let paint = |t: switchboard::theme::Theme| if no_color { t.without_colour() } else { t };
    let client = reqwest::Client::builder()
        .connect_timeout(session.cfg.connect_timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let data = paths::data_dir();
    let history_file = data.join("prompt_history.jsonl");
    let catalog_dir = data.join("catalog");
    let mut app = App::new(session.setup.panes, session.setup.providers, Instant::now());
    app.view.history.entries = load_history(&history_file, 1000);
    app.session.session_label = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    app.config.budget = session.cfg.budget.clone();
    app.view.theme = paint(chosen);
    app.config.themes = themes.into_values().map(paint).collect();
    app.view.expand_thinking = session.cfg.expand_thinking;
    app.config.hyperlinks = session
        .cfg
        .hyperlinks
        .unwrap_or_else(|| switchboard::hyperlink::supported(|k| std::env::var(k).ok()));
    app.config.keys = session.cfg.keys.clone();
    app.config.vars = vars;
    app.session.attachments = images;
    app.config.tools = session.cfg.tools.clone();
    app.view.blind = blind;
    if let Some(suite) = suite {
        let n = suite.cases.len();
        app.session.suite = Some(switchboard::model::suite_run::SuiteRun::new(suite));
        app.view.notice = Some(Notice {
            text: format!(
                "suite loaded: {n} cases · {} sends the first",
                app.config.keys.main("next_case")
            ),
            error: false,
        });
    }
    if let Some(dir) = session.config_path.parent() {
        app.config.library = switchboard::library::load(&dir.join("prompts"));
    }
    app.config.workspaces = session.cfg.workspaces.clone();
    app.config.judge = session.cfg.judge.clone();
    app.config.workspace_judges = session.cfg.workspace_judges.clone();
    app.config.default_panes = if workspace.is_some() {
        session.cfg.panes.clone()
    } else {
        app.session
            .panes
            .iter()
            .map(|p| setup::to_config(&app.config.providers, p))
            .collect()
    };
    app.session.workspace = workspace;
    for (name, p) in &session.cfg.providers {
        for (model, price) in &p.prices {
            app.config
                .prices
                .insert((name.clone(), model.clone()), *price);
        }
    }
    let names: Vec<String> = app.config.providers.endpoints.keys().cloned().collect();
    for name in names {
        if let Some(c) = switchboard::catalog::cache::load(&catalog_dir, &name) {
            app.set_catalog(c);
            let replaced = app.replace_unlisted_defaults(&name);
            if !replaced.is_empty() {
                app.view.notice = Some(switchboard::app::state::Notice {
                    text: replaced.join("; "),
                    error: false,
                });
            }
        }
    }
    let today = chrono::Local::now().date_naive();
    // A replay reads the history but writes nothing: it is not a new session.
    let mut replaying = None;
    let ledger = match std::fs::create_dir_all(&data)
        .map_err(|e| e.to_string())
        .and_then(|()| Ledger::open(&data.join("history.db")).map_err(|e| e.to_string()))
    {
        Ok(l) => {
            let (day, month) = l.totals(today).unwrap_or((0.0, 0.0));
            app.session.spend = SpendState::new(today, day, month);
            if let Some((id, speed)) = &replay {
                let id = switchboard::session::export::resolve(l.conn(), id)?;
                let (_, rounds) = switchboard::session::export::load(l.conn(), id)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no session {id} (see `switchboard sessions list`)"))?;
                let (mut panes, _) = switchboard::session::resume::panes(
                    &app.config.providers,
                    &rounds,
                    Instant::now(),
                );
                if panes.is_empty() {
                    return Err(format!("session {id} has nothing to replay"));
                }
                for p in &mut panes {
                    p.turns.clear();
                }
                app.session.panes = panes;
                app.session.replaying = Some(id);
                replaying = Some((rounds, *speed));
            }
            if let Some(id) = &resume {
                let id = switchboard::session::export::resolve(l.conn(), id)?;
                let (summary, rounds) = switchboard::session::export::load(l.conn(), id)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no session {id} (see `switchboard sessions list`)"))?;
                if rounds.iter().all(|r| r.answers.is_empty()) {
                    return Err(format!("session {id} has no answers to carry on from"));
                }
                // The same path as resuming from the sessions browser; the history is told
                // which session it writes to when the loop starts (`startup`).
                switchboard::app::update(
                    &mut app,
                    switchboard::app::Action::SessionLoaded {
                        loaded: Ok(Box::new((summary, rounds))),
                        read_only: false,
                    },
                );
                app.config.default_panes = app
                    .session
                    .panes
                    .iter()
                    .map(|p| setup::to_config(&app.config.providers, p))
                    .collect();
            }
            Some(l)
        }
        Err(e) if resume.is_some() => return Err(format!("cannot open the history: {e}")),
        Err(e) => {
            app.view.notice = Some(Notice {
                text: format!("spend is not being recorded: {e}"),
                error: true,
            });
            None
        }
    };
    if !std::io::stdout().is_terminal() {
        return Err(
            "the playground needs a terminal to draw on; for scripts use `switchboard run`".into(),
        );
    }
    let (guard, mut terminal) =
        term::TerminalGuard::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let rt = Runtime {
        replay: replaying.clone(),
        setup: switchboard::app::executor::Setup {
            client,
            policy: session.cfg.policy.clone(),
            history_file: Some(history_file),
            catalog_dir: Some(catalog_dir),
            config_path: Some(session.config_path.clone()),
            ledger: ledger.filter(|_| replaying.is_none()),
            // A replay sends nothing: nothing to trace.
            telemetry: switchboard::telemetry::settings::resolve(&session.cfg.telemetry, |k| {
                std::env::var(k).ok()
            })
            .filter(|_| replaying.is_none()),
        },
    };
    let result = run(&mut app, rt, &mut terminal).await;
    drop(guard);
    session.simulator.shutdown();
    for w in result.as_deref().unwrap_or_default() {
        eprintln!("warning: {w}");
    }
    result.map_err(|e| format!("terminal: {e}"))?;
    Ok(app
        .signalled
        .map_or(SUCCESS, |n| u8::try_from(128 + n).unwrap_or(u8::MAX)))
}
