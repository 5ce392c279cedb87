//! What the status line says after an action: a notice, or an error in its colour.

use super::state::{App, Notice};

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
