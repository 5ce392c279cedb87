//! What flows into `update` and what comes out of it.

use crate::model::RequestId;
use crossterm::event::{KeyEvent, MouseEvent};

use super::spend::KeyStatus;
use crate::catalog::Catalog;
use crate::cost::ledger::{Breakdown, SpendRecord};
use crate::provider::ChatParams;
use crate::stream::StreamEvent;

/// Inputs to `update`.
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    /// Bracketed paste: newlines are kept.
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// An event from the network task running `request`.
    Stream {
        request: RequestId,
        event: StreamEvent,
    },
    /// Time passed (spinners, elapsed figures).
    Tick,
    /// `$EDITOR` closed: the edited prompt, or why it failed.
    EditorClosed(Result<String, String>),
    /// SIGTERM, SIGHUP or SIGINT (its number): leave now.
    Terminate(i32),
    /// What `/key` said for a provider.
    KeyInfo {
        provider: String,
        status: KeyStatus,
    },
    /// A catalog refresh finished.
    Catalog {
        provider: String,
        result: Result<Catalog, String>,
    },
    /// The ledger's spend breakdown, for the overlay.
    Breakdown(Result<Breakdown, String>),
    /// A prompt was saved to the library (its name and text), or why not.
    PromptSaved(Result<crate::library::Saved, String>),
    /// An image read for the next prompt; on failure, the path typed and why.
    Attached(Result<crate::attach::Attachment, (String, String)>),
    /// A replayed round begins: its prompt, and the request id each pane's answer arrives under.
    ReplayRound {
        prompt: String,
        requests: Vec<(usize, RequestId)>,
    },
    /// Sessions matching the browser's query.
    Sessions(Result<Vec<crate::session::export::SessionSummary>, String>),
    /// The session this process writes its history to (none before its first round).
    Recording(Option<i64>),
    /// A stored session, read to be resumed or looked at.
    SessionLoaded {
        loaded: Result<
            Box<(
                crate::session::export::SessionSummary,
                Vec<crate::session::export::RoundRec>,
            )>,
            String,
        >,
        read_only: bool,
    },
    /// The scoreboard over all history, read from the database.
    /// All history's boards: the votes', and the judges' when any judged.
    Scoreboard(
        Result<
            (
                Vec<crate::judge::Row>,
                Option<crate::model::boards::JudgeBoard>,
            ),
            String,
        >,
    ),
    /// Background work failed in a way the user should hear about (a history, ledger or
    /// prompt history write, say).
    BackgroundError(String),
    /// A word about the traces' export (a collector that cannot be reached): said, but the
    /// session's own record is not at stake.
    TraceNotice(String),
    /// Text went to the clipboard (what was copied, and where), or why not.
    Copied(Result<String, String>),
    /// A write to the config file finished: a message, and for a saved pane which pane and
    /// which `[[panes]]` entry it now is.
    ConfigSaved(Result<(String, Option<(super::state::PaneId, usize)>), String>),
    /// The providers serving a model: for routing suggestions, the picker's endpoint table
    /// and the per-provider comparison.
    Endpoints {
        model: String,
        endpoints: Vec<crate::catalog::ProviderEndpoint>,
    },
    /// What `/generation` said an answer was billed, or why it never said.
    Generation {
        request: RequestId,
        result: Result<crate::provider::generation::Billed, String>,
    },
    /// A provider's connection test finished.
    ProviderTested {
        provider: String,
        report: Result<String, String>,
    },
}

/// A change to the config file.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigWrite {
    /// Pane `pane` (shown as number `number`) into `[[panes]]` entry `index`, or a new entry.
    Pane {
        pane: super::state::PaneId,
        number: usize,
        index: Option<usize>,
        config: Box<crate::config::PaneConfig>,
    },
    Workspace {
        name: String,
        panes: Vec<crate::config::PaneConfig>,
    },
}

/// Work `update` asks the loop to do. Plain data, so tests can assert on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Spawn a network task for `request` against provider `provider`.
    Start {
        request: RequestId,
        provider: String,
        params: Box<ChatParams>,
    },
    /// Abort the task running `request`.
    Cancel {
        request: RequestId,
    },
    /// Suspend the UI and edit `text` in `$EDITOR`.
    OpenEditor {
        text: String,
    },
    /// Remember a sent prompt across sessions.
    SaveHistory {
        prompt: String,
    },
    /// Write a settled answer's cost to the ledger.
    RecordSpend(SpendRecord),
    /// Ask a provider's `/key` for the credit left.
    FetchKey {
        provider: String,
    },
    /// Refresh a provider's catalog in the background.
    FetchCatalog {
        provider: String,
    },
    /// Read the spend breakdown from the ledger.
    LoadBreakdown,
    /// Write to the config file, keeping the user's comments and layout.
    SaveConfig(Box<ConfigWrite>),
    /// Ask which providers serve a model (OpenRouter's `/models/…/endpoints`).
    FetchEndpoints {
        provider: String,
        model: String,
    },
    /// Read an image to go with the next prompt.
    Attach {
        path: String,
    },
    /// Save a prompt to the library under a name.
    SavePrompt {
        name: String,
        text: String,
    },
    /// Find sessions: all of them, or those whose prompts or answers match `query`.
    LoadSessions {
        query: String,
    },
    /// Read a session to resume it, or only to look at it.
    OpenSession {
        id: i64,
        read_only: bool,
    },
    /// Read the scoreboard over all history.
    LoadScoreboard,
    /// Record something in the history database.
    History(Box<crate::session::store::Op>),
    /// Put text on the clipboard (OSC 52 where there is no clipboard, e.g. over SSH).
    Copy {
        text: String,
        what: String,
    },
    /// Ask `/generation` what answer `request` was billed, in the background.
    FetchGeneration {
        request: RequestId,
        provider: String,
        id: String,
    },
    /// Check a provider: its base URL, its models, its key, its latency.
    TestProvider {
        provider: String,
    },
    Quit,
}

impl From<crate::session::replay::Played> for Action {
    fn from(p: crate::session::replay::Played) -> Self {
        use crate::session::replay::Played;
        match p {
            Played::Round { prompt, requests } => Action::ReplayRound { prompt, requests },
            Played::Stream { request, event } => Action::Stream { request, event },
        }
    }
}
