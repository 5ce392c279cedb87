//! What the status line says after an action: a notice, or an error in its colour.

use super::state::{App, Notice};
use crate::keymap::Mode;

/// The key of an action of the prompt and panes, as a message names it.
pub(super) fn key(app: &App, action: &str) -> String {
    app.config.keys.main(action)
}

/// The key of an action of another mode.
pub(super) fn key_in(app: &App, mode: Mode, action: &str) -> String {
    app.config.keys.label(mode, action)
}

pub(super) fn notice(app: &mut App, text: impl Into<String>) {
    app.view.notice = Some(Notice {
        text: text.into(),
        error: false,
    });
}

pub(super) fn notice_error(app: &mut App, text: impl Into<String>) {
    app.view.notice = Some(Notice {
        text: text.into(),
        error: true,
    });
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
