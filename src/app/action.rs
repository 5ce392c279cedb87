//! What flows into `update` and what comes out of it.

use crossterm::event::{KeyEvent, MouseEvent};

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
}

/// Work `update` asks the loop to do. Plain data, so tests can assert on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Spawn a network task for `request` against provider `provider`.
    Start {
        request: u64,
        provider: String,
        params: ChatParams,
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
    Quit,
}
