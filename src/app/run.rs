//! The event loop: one task owns the [`App`], waits on input, network messages and a frame
//! deadline, runs `update`, carries out its effects, and redraws when something changed.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::AbortHandle;

use super::action::{Action, Effect};
use super::state::{App, Notice};
use super::update::update;
use crate::catalog::{self, Catalog};
use crate::cost::ledger::LedgerHandle;
use crate::provider::ApiError;
use crate::stream::StreamEvent;
use crate::term::Term;

/// At most 60 frames a second.
const FRAME: Duration = Duration::from_millis(16);
/// While something animates (spinners, elapsed time) and nothing else happens.
const TICK: Duration = Duration::from_millis(100);

pub struct Runtime {
    pub client: reqwest::Client,
    pub policy: crate::route::Policy,
    /// Where sent prompts are remembered; `None` keeps them in memory only.
    pub history_file: Option<PathBuf>,
    /// Where catalogs are cached; `None` keeps them in memory only.
    pub catalog_dir: Option<PathBuf>,
    /// Where panes and workspaces are saved.
    pub config_path: Option<PathBuf>,
    /// A stored session to play back, and how fast.
    pub replay: Option<(Vec<crate::session::export::RoundRec>, f64)>,
    pub ledger: Option<LedgerHandle>,
    pub clipboard: std::cell::RefCell<crate::clipboard::Clipboard>,
}

/// Stream events handled between two chances to draw.
const MAX_BATCH: usize = 256;

/// A request's stream events not yet handed to `update`, in order. Text that follows text is
/// joined on: when a stream is faster than the screen (one token an event, thousands a
/// second), what waits is the text itself rather than an event per token, and it is taken
/// in one go.
type Inbox = Arc<Mutex<VecDeque<StreamEvent>>>;

/// Puts an event in an inbox; true when the inbox was empty (whoever takes from it must be
/// told).
fn deliver(inbox: &Inbox, event: StreamEvent) -> bool {
    let mut q = inbox.lock().unwrap_or_else(|e| e.into_inner());
    let was_empty = q.is_empty();
    match (q.back_mut(), event) {
        (Some(StreamEvent::Delta(text)), StreamEvent::Delta(more))
        | (Some(StreamEvent::Reasoning(text)), StreamEvent::Reasoning(more)) => {
            text.push_str(&more)
        }
        (_, event) => q.push_back(event),
    }
    was_empty
}

/// The requests running: each one's task and inbox, and where they say they have events.
struct Requests {
    running: HashMap<u64, (AbortHandle, Inbox)>,
    ready: UnboundedSender<u64>,
}

/// How long a catalog or `/key` request may take.
const SIDE_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

pub async fn run(app: &mut App, rt: &Runtime, terminal: &mut Term) -> std::io::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Action>();
    let (ready, mut ready_rx) = unbounded_channel::<u64>();
    spawn_signal_listener(tx.clone());
    let mut events = EventStream::new();
    let mut tasks = Requests {
        running: HashMap::new(),
        ready,
    };
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    let mut dirty = true;
    let wall = chrono::Local::now();
    app.today = wall.date_naive();
    app.unix = wall.timestamp();
    for effect in super::update::startup(app) {
        run_effect(effect, app, rt, &tx, &mut tasks, terminal, &mut events);
    }
    if let Some((rounds, speed)) = rt.replay.clone() {
        tokio::spawn(crate::session::replay::play(rounds, speed, tx.clone()));
    }
    let mut last_draw = Instant::now()
        .checked_sub(FRAME)
        .unwrap_or_else(Instant::now);

    while !app.quit {
        if dirty && last_draw.elapsed() >= FRAME {
            app.now = Instant::now();
            let mut drawn = app.drawn.clone();
            terminal.draw(|f| drawn = crate::ui::frame(app, &app.theme, f))?;
            app.drawn = drawn;
            last_draw = Instant::now();
            // A resize re-wraps what is off screen over the frames that follow.
            dirty = app.drawn.rewrapping;
        }
        // No deadline at all while idle: an idle playground does no work.
        let deadline = if dirty {
            Some(last_draw + FRAME)
        } else if app.animating() {
            Some(last_draw + TICK)
        } else {
            None
        };
        let mut batch = Vec::new();
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => batch.extend(input_action(ev)),
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(a) = rx.recv() => {
                batch.push(a);
                // Drain what else is ready so many deltas cost one frame, but only so much:
                // a stream faster than the loop would otherwise keep the batch growing and
                // the screen frozen until it ended.
                while batch.len() < MAX_BATCH {
                    let Ok(a) = rx.try_recv() else { break };
                    batch.push(a);
                }
            },
            Some(id) = ready_rx.recv() => {
                // Everything the requests that have events have received so far.
                let mut ids = vec![id];
                while let Ok(id) = ready_rx.try_recv() {
                    ids.push(id);
                }
                for request in ids {
                    if let Some((_, inbox)) = tasks.running.get(&request) {
                        let taken = std::mem::take(&mut *inbox.lock().unwrap_or_else(|e| e.into_inner()));
                        batch.extend(taken.into_iter().map(|event| Action::Stream { request, event }));
                    }
                }
            },
            () = sleep_until(deadline) => {
                if !dirty {
                    batch.push(Action::Tick);
                }
            },
        }
        for action in batch {
            if let Action::Stream { request, event } = &action {
                if event.is_terminal() {
                    tasks.running.remove(request);
                }
            }
            app.now = Instant::now();
            let wall = chrono::Local::now();
            app.today = wall.date_naive();
            app.unix = wall.timestamp();
            let effects = update(app, action);
            dirty = true;
            for effect in effects {
                run_effect(effect, app, rt, &tx, &mut tasks, terminal, &mut events);
            }
        }
    }
    for (_, (h, _)) in tasks.running {
        h.abort();
    }
    Ok(())
}

/// Carries out one effect. Anything slow is spawned; nothing here waits on the network.
fn run_effect(
    effect: Effect,
    app: &mut App,
    rt: &Runtime,
    tx: &UnboundedSender<Action>,
    tasks: &mut Requests,
    terminal: &mut Term,
    events: &mut EventStream,
) {
    match effect {
        Effect::Start {
            request,
            provider,
            params,
        } => {
            let inbox = Inbox::default();
            let handle = spawn_request(app, rt, &tasks.ready, &inbox, request, &provider, *params);
            tasks.running.insert(request, (handle, inbox));
        }
        Effect::Cancel { request } => {
            if let Some((h, _)) = tasks.running.remove(&request) {
                h.abort();
            }
        }
        Effect::OpenEditor { text } => {
            // The input reader must not compete with the editor for keystrokes.
            *events = EventStream::new();
            let result = edit_externally(&text, terminal);
            *events = EventStream::new();
            let _ = tx.send(Action::EditorClosed(result));
        }
        Effect::SaveHistory { prompt } => {
            if let Some(path) = &rt.history_file {
                if let Err(e) = append_history(path, &prompt) {
                    app.notice = Some(Notice {
                        text: format!("could not save prompt history: {e}"),
                        error: true,
                    });
                }
            }
        }
        Effect::RecordSpend(record) => {
            if let Some(l) = &rt.ledger {
                l.record(record);
            }
        }
        Effect::LoadBreakdown => match &rt.ledger {
            Some(l) => {
                let tx = tx.clone();
                l.breakdown(app.today, 30, move |r| {
                    let _ = tx.send(Action::Breakdown(r));
                });
            }
            None => {
                let _ = tx.send(Action::Breakdown(Err(
                    "the spend ledger could not be opened this session".into(),
                )));
            }
        },
        Effect::FetchKey { provider } => {
            if let Some(ep) = app.providers.endpoints.get(&provider).cloned() {
                let (client, tx) = (rt.client.clone(), tx.clone());
                tokio::spawn(async move {
                    let status =
                        crate::provider::account::key_status(&client, &ep, SIDE_REQUEST_TIMEOUT)
                            .await;
                    let _ = tx.send(Action::KeyInfo { provider, status });
                });
            }
        }
        Effect::FetchGeneration {
            request,
            provider,
            id,
        } => {
            if let Some(ep) = app.providers.endpoints.get(&provider).cloned() {
                let (client, tx) = (rt.client.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = crate::provider::generation::fetch_billed(&client, &ep, &id).await;
                    let _ = tx.send(Action::Generation { request, result });
                });
            }
        }
        Effect::FetchCatalog { provider } => {
            if let Some(ep) = app.providers.endpoints.get(&provider).cloned() {
                let (client, tx) = (rt.client.clone(), tx.clone());
                let dir = rt.catalog_dir.clone();
                tokio::spawn(async move {
                    let result = catalog::fetch(&client, &ep, SIDE_REQUEST_TIMEOUT)
                        .await
                        .map(|models| Catalog {
                            provider: provider.clone(),
                            fetched_at: chrono::Utc::now().timestamp(),
                            models,
                        })
                        .map_err(|e| e.to_string());
                    if let (Ok(c), Some(dir)) = (&result, dir) {
                        let c = c.clone();
                        // A cache that cannot be written only costs the next start its head start.
                        let _ = tokio::task::spawn_blocking(move || catalog::cache::save(&dir, &c))
                            .await;
                    }
                    let _ = tx.send(Action::Catalog { provider, result });
                });
            }
        }
        Effect::SaveConfig(write) => {
            let Some(path) = rt.config_path.clone() else {
                let _ = tx.send(Action::ConfigSaved(Err(
                    "no config file this session".into()
                )));
                return;
            };
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Action::ConfigSaved(save_config(&path, &write)));
            });
        }
        Effect::FetchEndpoints { provider, model } => {
            if let Some(ep) = app.providers.endpoints.get(&provider).cloned() {
                let (client, tx) = (rt.client.clone(), tx.clone());
                tokio::spawn(async move {
                    // Suggestions only: a failure just means none are shown.
                    if let Ok(endpoints) =
                        catalog::endpoints(&client, &ep, &model, SIDE_REQUEST_TIMEOUT).await
                    {
                        let _ = tx.send(Action::Endpoints { model, endpoints });
                    }
                });
            }
        }
        Effect::TestProvider { provider } => {
            if let Some(ep) = app.providers.endpoints.get(&provider).cloned() {
                let (client, tx) = (rt.client.clone(), tx.clone());
                tokio::spawn(async move {
                    let report = test_provider(&client, &ep).await;
                    let _ = tx.send(Action::ProviderTested { provider, report });
                });
            }
        }
        Effect::SavePrompt { name, text } => {
            let result = match &rt.config_path {
                Some(p) => {
                    let dir = p
                        .parent()
                        .unwrap_or(std::path::Path::new("."))
                        .join("prompts");
                    crate::library::save(&dir, &name, &text).map(|path| crate::library::Saved {
                        name: path
                            .file_stem()
                            .and_then(|s| s.to_str())
                            .unwrap_or(&name)
                            .to_string(),
                        text: text.trim_end().to_string(),
                    })
                }
                None => Err("no config folder this session".into()),
            };
            let _ = tx.send(Action::PromptSaved(result));
        }
        Effect::Attach { path } => {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let expanded = crate::attach::expand(&path);
                let result = crate::attach::load(&expanded).map_err(|e| (path, e));
                let _ = tx.send(Action::Attached(result));
            });
        }
        Effect::LoadSessions { query } => {
            if let Some(l) = &rt.ledger {
                let tx = tx.clone();
                let mark = tx.clone();
                l.recording(move |id| {
                    let _ = mark.send(Action::Recording(id));
                });
                l.query(move |conn| {
                    let _ = tx.send(Action::Sessions(crate::session::export::find(conn, &query)));
                });
            }
        }
        Effect::OpenSession { id, read_only } => {
            if let Some(l) = &rt.ledger {
                let tx = tx.clone();
                l.query(move |conn| {
                    let loaded = crate::session::export::load(conn, id)
                        .map_err(|e| e.to_string())
                        .and_then(|o| o.ok_or_else(|| format!("no session {id}")))
                        .map(Box::new);
                    let _ = tx.send(Action::SessionLoaded { loaded, read_only });
                });
            }
        }
        Effect::LoadScoreboard => match &rt.ledger {
            Some(l) => {
                let tx = tx.clone();
                l.query(move |conn| {
                    let rows = crate::session::export::scoreboard(conn).map_err(|e| e.to_string());
                    let _ = tx.send(Action::Scoreboard(rows));
                });
            }
            None => {
                let _ = tx.send(Action::Scoreboard(Err(
                    "no history database this session".into()
                )));
            }
        },
        Effect::History(op) => {
            if let Some(l) = &rt.ledger {
                l.history(*op);
            }
        }
        Effect::Copy { text, what } => {
            let result = rt.clipboard.borrow_mut().copy(&text);
            app.notice = Some(match result {
                Ok(how) => Notice {
                    text: format!(
                        "copied {what} ({} characters) to the {how}",
                        text.chars().count()
                    ),
                    error: false,
                },
                Err(e) => Notice {
                    text: e,
                    error: true,
                },
            });
        }
        Effect::Quit => app.quit = true,
    }
}

/// Applies a change to the config file, keeping the rest of it, and writes it atomically.
fn save_config(
    path: &std::path::Path,
    write: &super::action::ConfigWrite,
) -> Result<(String, Option<(super::state::PaneId, usize)>), String> {
    use super::action::ConfigWrite;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let (new, placed, what) = match write {
        ConfigWrite::Pane {
            pane,
            number,
            index,
            config,
        } => {
            let (t, i) = crate::config::edit::save_pane(&text, *index, config)?;
            (t, Some((*pane, i)), format!("pane {number}"))
        }
        ConfigWrite::Workspace { name, panes } => (
            crate::config::edit::save_workspace(&text, name, panes)?,
            None,
            format!("workspace {name}"),
        ),
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(new.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    Ok((format!("saved {what} to {}", path.display()), placed))
}

/// Resolves the base URL, lists the models, checks the key and times it all.
async fn test_provider(
    client: &reqwest::Client,
    ep: &crate::provider::Endpoint,
) -> Result<String, String> {
    let start = Instant::now();
    let models = catalog::fetch(client, ep, SIDE_REQUEST_TIMEOUT)
        .await
        .map_err(|e| format!("{} — {e}", ep.base_url))?;
    let latency = start.elapsed().as_millis();
    let mut report = format!("{} · {} models in {latency} ms", ep.base_url, models.len());
    if ep.kind == crate::provider::ProviderKind::Openrouter {
        use super::spend::KeyStatus;
        let key = match crate::provider::account::key_status(client, ep, SIDE_REQUEST_TIMEOUT).await
        {
            KeyStatus::Remaining(v) => format!("key ok, {} left", crate::cost::money(v)),
            KeyStatus::Used(v) => format!("key ok, {} used", crate::cost::money(v)),
            KeyStatus::Refused => return Err(format!("{report} · key refused")),
            KeyStatus::Unavailable(e) => format!("key not checked ({e})"),
        };
        report.push_str(" · ");
        report.push_str(&key);
    }
    Ok(report)
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

fn input_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => Some(Action::Key(k)),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Mouse(m) => Some(Action::Mouse(m)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

fn spawn_request(
    app: &App,
    rt: &Runtime,
    ready: &UnboundedSender<u64>,
    inbox: &Inbox,
    request: u64,
    provider: &str,
    params: crate::provider::ChatParams,
) -> AbortHandle {
    let (ready, inbox) = (ready.clone(), inbox.clone());
    let hops = crate::route::plan(&app.providers, provider, &params);
    let client = rt.client.clone();
    let policy = rt.policy.clone();
    tokio::spawn(async move {
        let emit = |event| {
            if deliver(&inbox, event) {
                let _ = ready.send(request);
            }
        };
        match hops {
            Ok(hops) => crate::route::run(&client, hops, &policy, emit).await,
            Err(e) => emit(StreamEvent::Error(ApiError::Connect(e))),
        }
    })
    .abort_handle()
}

fn spawn_signal_listener(tx: UnboundedSender<Action>) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        // POSIX fixes these numbers; the exit status is 128 plus the number, as shells report.
        let signal = tokio::select! {
            _ = term.recv() => 15,
            _ = hup.recv() => 1,
            _ = int.recv() => 2,
        };
        let _ = tx.send(Action::Terminate(signal));
    });
}

/// Suspends the screen, runs `$VISUAL`/`$EDITOR` on the text, and comes back.
fn edit_externally(text: &str, terminal: &mut Term) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("switchboard-prompt-")
        .suffix(".md")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let path = file.path().to_path_buf();
    crate::term::restore();
    // Through the shell so EDITOR may carry arguments, e.g. "code --wait".
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let back = crate::term::enter_screen();
    let _ = terminal.clear();
    back.map_err(|e| format!("cannot restore the screen: {e}"))?;
    match status {
        Ok(s) if s.success() => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the edited prompt: {e}")),
        Ok(s) => Err(format!("`{editor}` exited with {s}; prompt unchanged")),
        Err(e) => Err(format!("cannot run `{editor}`: {e}")),
    }
}

fn append_history(path: &std::path::Path, prompt: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let line = serde_json::to_string(prompt).map_err(std::io::Error::other)?;
    writeln!(f, "{line}")
}

/// Prompts remembered from earlier sessions, oldest first, at most `limit`.
pub fn load_history(path: &std::path::Path, limit: usize) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let all: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<String>(l).ok())
        .collect();
    let skip = all.len().saturating_sub(limit);
    all.into_iter().skip(skip).collect()
}

#[cfg(test)]
mod inbox_tests {
    use super::*;

    #[test]
    fn text_that_follows_text_waits_as_one_piece_and_order_is_kept() {
        let inbox = Inbox::default();
        let wakes: Vec<bool> = [
            StreamEvent::Delta("Hel".into()),
            StreamEvent::Delta("lo".into()),
            StreamEvent::Served {
                model: "m".into(),
                provider: None,
            },
            StreamEvent::Reasoning("a".into()),
            StreamEvent::Reasoning("b".into()),
            StreamEvent::Delta(" world".into()),
            StreamEvent::Done,
        ]
        .into_iter()
        .map(|e| deliver(&inbox, e))
        .collect();
        // Only the first event finds the inbox empty: one wake-up for all of them.
        assert_eq!(wakes, [true, false, false, false, false, false, false]);
        let taken: Vec<StreamEvent> = std::mem::take(&mut *inbox.lock().unwrap()).into();
        assert_eq!(
            taken,
            vec![
                StreamEvent::Delta("Hello".into()),
                StreamEvent::Served {
                    model: "m".into(),
                    provider: None
                },
                StreamEvent::Reasoning("ab".into()),
                StreamEvent::Delta(" world".into()),
                StreamEvent::Done,
            ]
        );
        // Emptied, it wakes its reader again.
        assert!(deliver(&inbox, StreamEvent::Delta("!".into())));
    }
}
