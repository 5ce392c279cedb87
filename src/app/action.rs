//! What flows into `update` and what comes out of it.

use crossterm::event::{KeyEvent, MouseEvent};

use super::spend::KeyStatus;
use crate::catalog::Catalog;
use crate::cost::ledger::{Breakdown, SpendRecord};
use crate::provider::ChatParams;
use crate::stream::StreamEvent;

/// Inputs to [`super::update::update`].
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    /// Bracketed paste: newlines are kept.
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// An event from the network task running `request`.
    Stream {
        request: u64,
        event: StreamEvent,
    },
    /// Time passed (spinners, elapsed figures).
    Tick,
    /// `$EDITOR` closed: the edited prompt, or why it failed.
    EditorClosed(Result<String, String>),
    /// SIGTERM / SIGHUP: leave now.
    Terminate,
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
    /// Background work failed in a way the user should hear about.
    BackgroundError(String),
}

/// Work `update` asks the loop to do. Plain data, so tests can assert on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Spawn a network task for `request` against provider `provider`.
    Start {
        request: u64,
        provider: String,
        params: Box<ChatParams>,
    },
    /// Abort the task running `request`.
    Cancel {
        request: u64,
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
    Quit,
}
