//! The executor: carries out the effects `update` asks for, with no terminal in it. The
//! playground's loop, `switchboard run` and the tests all run effects through it. What only
//! the loop can do (hand the terminal to an editor) comes back as [`Needs`]; everything else
//! that takes time is spawned, and comes back as an [`Action`] on the executor's channel,
//! failures included, so `update` can say what went wrong.

mod files;
mod label;
mod probe;

use crate::model::RequestId;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::AbortHandle;

use super::action::{Action, Effect};
use super::state::{App, Providers};
use crate::cost::ledger::{Ledger, SpendRecord};
use crate::provider::{ApiError, ChatParams};
use crate::session::recorder::Recorder;
use crate::session::store::Op;
use crate::stream::StreamEvent;
use crate::telemetry::{Label, Telemetry};

pub use files::load_history;

/// How long a catalog or `/key` request may take.
const SIDE_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What an executor works with: built once by whoever runs one.
pub struct Setup {
    pub client: reqwest::Client,
    pub policy: crate::route::Policy,
    /// Where sent prompts are remembered; `None` keeps them in memory only.
    pub history_file: Option<PathBuf>,
    /// Where catalogs are cached; `None` keeps them in memory only.
    pub catalog_dir: Option<PathBuf>,
    /// Where panes and workspaces are saved (and, beside it, the prompt library).
    pub config_path: Option<PathBuf>,
    /// The spend ledger and history; written on a thread of its own.
    pub ledger: Option<Ledger>,
    /// Where every request's span is exported, when traces are asked for.
    pub telemetry: Option<crate::telemetry::Export>,
}

impl Setup {
    /// Nothing written anywhere: for tests and for what keeps nothing.
    pub fn in_memory(client: reqwest::Client) -> Self {
        Self {
            client,
            policy: crate::route::Policy::default(),
            history_file: None,
            catalog_dir: None,
            config_path: None,
            ledger: None,
            telemetry: None,
        }
    }
}

/// An effect only the loop can carry out: it needs the terminal.
#[derive(Debug, PartialEq)]
pub enum Needs {
    /// Suspend the screen and edit `text` in `$EDITOR`; tell `update` with
    /// [`Action::EditorClosed`].
    Editor { text: String },
}

/// Where what the executor starts reports back.
pub struct Inboxes {
    /// Actions: replies to effects, and what failed.
    pub actions: UnboundedReceiver<Action>,
    /// Requests that have stream events waiting ([`Executor::take`]).
    pub ready: UnboundedReceiver<RequestId>,
}

/// A request's stream events not yet taken, in order. Text that follows text is joined on:
/// when a stream is faster than the screen (one token an event, thousands a second), what
/// waits is the text itself rather than an event per token, and it is taken in one go.
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

pub struct Executor {
    client: reqwest::Client,
    policy: crate::route::Policy,
    history_file: Option<PathBuf>,
    catalog_dir: Option<PathBuf>,
    config_path: Option<PathBuf>,
    ledger: Option<Recorder>,
    clipboard: crate::clipboard::Clipboard,
    /// The requests running: each one's task (none for one ended before it began) and inbox.
    running: HashMap<RequestId, (Option<AbortHandle>, Inbox)>,
    tx: UnboundedSender<Action>,
    ready: UnboundedSender<RequestId>,
    /// The first write to the history or the ledger that failed, for a word on the way out.
    failed_write: Arc<Mutex<Option<String>>>,
    /// Spans out, when asked for.
    telemetry: Option<Telemetry>,
}

impl Executor {
    /// An executor and the channels it answers on. Must be called inside a tokio runtime.
    pub fn new(setup: Setup) -> (Self, Inboxes) {
        let (tx, actions) = unbounded_channel();
        let (ready, ready_rx) = unbounded_channel();
        let failed_write = Arc::new(Mutex::new(None::<String>));
        let ledger = setup.ledger.map(|l| {
            let (tx, failed) = (tx.clone(), failed_write.clone());
            Recorder::spawn(l, move |e| {
                let what = format!("not recorded: {e}");
                if let Ok(mut g) = failed.lock() {
                    g.get_or_insert_with(|| what.clone());
                }
                let _ = tx.send(Action::BackgroundError(what));
            })
        });
        let telemetry = setup.telemetry.and_then(|export| {
            if let Some(w) = &export.warning {
                let _ = tx.send(Action::TraceNotice(w.clone()));
            }
            let told = tx.clone();
            let tell = move |text: String| {
                let _ = told.send(Action::TraceNotice(text));
            };
            Telemetry::start(&export, tell)
                .map_err(|e| {
                    let _ = tx.send(Action::TraceNotice(e));
                })
                .ok()
        });
        let exec = Self {
            client: setup.client,
            policy: setup.policy,
            history_file: setup.history_file,
            catalog_dir: setup.catalog_dir,
            config_path: setup.config_path,
            ledger,
            clipboard: crate::clipboard::Clipboard::default(),
            running: HashMap::new(),
            tx,
            ready,
            failed_write,
            telemetry,
        };
        (
            exec,
            Inboxes {
                actions,
                ready: ready_rx,
            },
        )
    }

    /// Where actions for `update` are sent: for tasks the executor did not start (signals,
    /// a replay).
    pub fn sender(&self) -> UnboundedSender<Action> {
        self.tx.clone()
    }

    /// The first history or ledger write that failed, if one did.
    pub fn failed_write(&self) -> Option<String> {
        self.failed_write.lock().ok().and_then(|g| g.clone())
    }

    /// Waits (up to `timeout`, on a blocking thread) until every history and ledger write
    /// asked for so far is done; false when it is not.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let Some(l) = self.ledger.clone() else {
            return true;
        };
        tokio::task::spawn_blocking(move || l.flush(timeout))
            .await
            .unwrap_or(false)
    }

    /// Whether any request is still running.
    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Carries out one effect. Nothing here waits on the network or the disk for long; an
    /// effect that needs the terminal is handed back.
    pub fn run(&mut self, effect: Effect, app: &mut App) -> Option<Needs> {
        match effect {
            Effect::Start {
                request,
                provider,
                params,
            } => {
                // Where the request stands in the session, only when it goes on a span.
                let label = match &self.telemetry {
                    Some(_) => label::of(app, request),
                    None => Label::default(),
                };
                if let Err(e) =
                    self.start(&app.config.providers, request, &provider, *params, label)
                {
                    // Told as the request's own end, as a failure on the way would be.
                    self.fail(request, ApiError::Connect(e));
                }
            }
            Effect::Cancel { request } => self.cancel(request),
            Effect::OpenEditor { text } => return Some(Needs::Editor { text }),
            Effect::SaveHistory { prompt } => {
                if let Some(path) = &self.history_file {
                    if let Err(e) = files::append_history(path, &prompt) {
                        self.tell(Action::BackgroundError(format!(
                            "could not save prompt history: {e}"
                        )));
                    }
                }
            }
            Effect::RecordSpend(record) => self.book(record),
            Effect::History(op) => self.history(*op),
            Effect::LoadBreakdown => match &self.ledger {
                Some(l) => {
                    let tx = self.tx.clone();
                    l.breakdown(app.today, 30, move |r| {
                        let _ = tx.send(Action::Breakdown(r));
                    });
                }
                None => self.tell(Action::Breakdown(Err(
                    "the spend ledger could not be opened this session".into(),
                ))),
            },
            Effect::FetchGeneration {
                request,
                provider,
                id,
            } => {
                self.bill(&app.config.providers, request, &provider, id);
            }
            Effect::SaveConfig(write) => {
                let Some(path) = self.config_path.clone() else {
                    self.tell(Action::ConfigSaved(Err(
                        "no config file this session".into()
                    )));
                    return None;
                };
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Action::ConfigSaved(files::save_config(&path, &write)));
                });
            }
            Effect::SavePrompt { name, text } => {
                let result = match &self.config_path {
                    Some(p) => files::save_prompt(p, &name, &text),
                    None => Err("no config folder this session".into()),
                };
                self.tell(Action::PromptSaved(result));
            }
            Effect::Attach { path } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let expanded = crate::attach::expand(&path);
                    let result = crate::attach::load(&expanded).map_err(|e| (path, e));
                    let _ = tx.send(Action::Attached(result));
                });
            }
            Effect::LoadSessions { query } => {
                if let Some(l) = &self.ledger {
                    let (tx, mark) = (self.tx.clone(), self.tx.clone());
                    l.recording(move |id| {
                        let _ = mark.send(Action::Recording(id));
                    });
                    l.query(move |conn| {
                        let _ =
                            tx.send(Action::Sessions(crate::session::export::find(conn, &query)));
                    });
                }
            }
            Effect::OpenSession { id, read_only } => {
                if let Some(l) = &self.ledger {
                    let tx = self.tx.clone();
                    l.query(move |conn| {
                        let loaded = crate::session::export::load(conn, id)
                            .map_err(|e| e.to_string())
                            .and_then(|o| o.ok_or_else(|| format!("no session {id}")))
                            .map(Box::new);
                        let _ = tx.send(Action::SessionLoaded { loaded, read_only });
                    });
                }
            }
            Effect::LoadScoreboard => match &self.ledger {
                Some(l) => {
                    let tx = self.tx.clone();
                    l.query(move |conn| {
                        let rows = crate::session::boards::boards(conn).map_err(|e| e.to_string());
                        let _ = tx.send(Action::Scoreboard(rows));
                    });
                }
                None => self.tell(Action::Scoreboard(Err(
                    "no history database this session".into()
                ))),
            },
            Effect::Copy { text, what } => {
                let result = self.clipboard.copy(&text).map(|how| {
                    format!(
                        "copied {what} ({} characters) to the {how}",
                        text.chars().count()
                    )
                });
                self.tell(Action::Copied(result));
            }
            Effect::FetchKey { provider } => {
                probe::key(self.side(app, &provider), provider);
            }
            Effect::FetchCatalog { provider } => {
                probe::catalog(
                    self.side(app, &provider),
                    provider,
                    self.catalog_dir.clone(),
                );
            }
            Effect::FetchEndpoints { provider, model } => {
                probe::endpoints(self.side(app, &provider), model);
            }
            Effect::TestProvider { provider } => {
                probe::test(self.side(app, &provider), provider);
            }
            Effect::Quit => app.quit = true,
        }
        None
    }

    /// Starts `request` against `provider` through its route: the fallback chain, retries
    /// with backoff. Its events wait in an inbox until [`Executor::take`]n; `ready` hears
    /// when an empty inbox gets one. A request that cannot be routed is not started: why.
    pub fn start(
        &mut self,
        providers: &Providers,
        request: RequestId,
        provider: &str,
        params: ChatParams,
        label: Label,
    ) -> Result<(), String> {
        let hops = crate::route::plan(providers, provider, &params)?;
        let inbox = Inbox::default();
        let (ready, events) = (self.ready.clone(), inbox.clone());
        let (client, policy) = (self.client.clone(), self.policy.clone());
        let mut trace = match (&self.telemetry, hops.first()) {
            (Some(t), Some(first)) => Some(t.begin(label, &first.endpoint, &params)),
            _ => None,
        };
        let handle = tokio::spawn(async move {
            crate::route::run(&client, hops, &policy, |event| {
                if let Some(t) = &mut trace {
                    t.on(&event);
                }
                if deliver(&events, event) {
                    let _ = ready.send(request);
                }
            })
            .await;
        })
        .abort_handle();
        if let Some((Some(old), _)) = self.running.insert(request, (Some(handle), inbox)) {
            old.abort();
        }
        Ok(())
    }

    /// Ends `request` with `error` without starting it.
    fn fail(&mut self, request: RequestId, error: ApiError) {
        let inbox = Inbox::default();
        deliver(&inbox, StreamEvent::Error(error));
        if let Some((Some(old), _)) = self.running.insert(request, (None, inbox)) {
            old.abort();
        }
        let _ = self.ready.send(request);
    }

    /// Stops `request`; nothing more comes from it.
    pub fn cancel(&mut self, request: RequestId) {
        if let Some((Some(h), _)) = self.running.remove(&request) {
            h.abort();
        }
    }

    /// The events `request` has sent since last asked, in order. After its last one (done or
    /// failed) it is forgotten.
    pub fn take(&mut self, request: RequestId) -> Vec<StreamEvent> {
        let Some((_, inbox)) = self.running.get(&request) else {
            return Vec::new();
        };
        let taken: Vec<StreamEvent> =
            std::mem::take(&mut *inbox.lock().unwrap_or_else(|e| e.into_inner())).into();
        if taken.last().is_some_and(StreamEvent::is_terminal) {
            self.running.remove(&request);
        }
        taken
    }

    /// Records something in the history database; a failure comes back as an action.
    pub fn history(&self, op: Op) {
        if let Some(l) = &self.ledger {
            l.history(op);
        }
    }

    /// Books an answer's cost in the spend ledger; a failure comes back as an action.
    pub fn book(&self, record: SpendRecord) {
        if let Some(l) = &self.ledger {
            l.record(record);
        }
    }

    /// Asks `/generation` what generation `id` of `request` was billed, in the background;
    /// the answer comes back as [`Action::Generation`]. False when the provider is unknown.
    pub fn bill(
        &self,
        providers: &Providers,
        request: RequestId,
        provider: &str,
        id: String,
    ) -> bool {
        let Some(ep) = providers.endpoints.get(provider).cloned() else {
            return false;
        };
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = crate::provider::generation::fetch_billed(&client, &ep, &id).await;
            let _ = tx.send(Action::Generation { request, result });
        });
        true
    }

    /// Sends the spans still waiting and stops exporting, waiting at most `within`; a word for
    /// the user when some did not get out.
    pub async fn finish_traces(&mut self, within: Duration) -> Option<String> {
        let t = self.telemetry.take()?;
        let stop = tokio::task::spawn_blocking(move || t.shutdown(within));
        match tokio::time::timeout(within + Duration::from_secs(1), stop).await {
            Ok(Ok(word)) => word,
            _ => Some("traces: the last ones may not have been sent".into()),
        }
    }

    fn tell(&self, action: Action) {
        let _ = self.tx.send(action);
    }

    /// What a side request to `provider` needs, when the provider is known.
    fn side(&self, app: &App, provider: &str) -> Option<probe::Side> {
        let endpoint = app.config.providers.endpoints.get(provider).cloned()?;
        Some(probe::Side {
            client: self.client.clone(),
            endpoint,
            tx: self.tx.clone(),
        })
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        // Stopping the exporter waits on its thread: never on an async one.
        if let Some(t) = self.telemetry.take() {
            std::thread::spawn(move || t.shutdown(Duration::from_secs(2)));
        }
        for (h, _) in self.running.values() {
            if let Some(h) = h {
                h.abort();
            }
        }
    }
}

#[cfg(test)]
mod tests;
