//! Stored sessions in the playground: carrying one on, looking at one read-only, and coming
//! back to the live one.

use super::action::Effect;
use super::notice::{key, key_in, notice, notice_error};
use crate::keymap::Mode;

use super::state::{App, RequestId, Status};
use super::turn::{history, stop_all};
use crate::session::store::Op;

/// How to resume the session being looked at, or go back to one's own.
pub(super) fn resume_how(app: &App) -> String {
    format!(
        "{}, then {}, resumes it; {} goes back to yours",
        key(app, "sessions"),
        key_in(app, Mode::Sessions, "resume"),
        key(app, "back_to_live")
    )
}

/// Replaces the panes with a stored session's, conversations and all, and carries it on.
pub(super) fn resume(
    app: &mut App,
    (summary, rounds): (
        crate::session::export::SessionSummary,
        Vec<crate::session::export::RoundRec>,
    ),
    read_only: bool,
    fx: &mut Vec<Effect>,
) {
    let (panes, last) = crate::session::resume::panes(&app.config.providers, &rounds, app.now);
    if panes.is_empty() {
        return notice_error(
            app,
            format!("session {} has no answers to carry on from", summary.id),
        );
    }
    stop_all(app, Status::Cancelled, fx);
    if read_only && !app.session.read_only {
        // Looking is not leaving: the live session waits aside (Ctrl+B).
        app.session.live = Some(Box::new(super::state::Live {
            panes: std::mem::take(&mut app.session.panes),
            rounds: app.session.rounds,
            focus: app.view.focus,
            order: std::mem::take(&mut app.view.order),
            session_label: app.session.session_label.clone(),
            resumed: app.session.resumed,
        }));
    } else if !read_only {
        app.session.live = None;
    }
    // Request ids stay unique: the resumed answers are renumbered after this session's.
    let mut panes = panes;
    for p in &mut panes {
        for t in &mut p.turns {
            t.answer.request.0 += app.session.next_request.0;
        }
    }
    let newest = panes
        .iter()
        .flat_map(|p| &p.turns)
        .map(|t| t.answer.request)
        .max()
        .unwrap_or(app.session.next_request);
    app.session.next_request = RequestId(newest.0 + 1);
    app.session.panes = panes;
    app.view.focus = 0;
    app.view.zoomed = false;
    app.view.order.clear();
    app.session.rounds = last;
    app.session.read_only = read_only;
    if read_only {
        app.session.session_label = format!("{} (read-only)", summary.id);
        let how = resume_how(app);
        return notice(app, format!("viewing session {} — {how}", summary.id));
    }
    app.session.resumed = Some(summary.id);
    app.session.session_label = crate::session::resume::label(&summary);
    fx.push(history(Op::Resume {
        session: summary.id,
    }));
    notice(app, format!("resumed session {}", summary.id));
}

/// Leaves a read-only look at a stored session for the live one, as it was left.
pub(super) fn back_to_live(app: &mut App) {
    let Some(live) = app.session.live.take() else {
        return notice_error(app, "this is the live session");
    };
    let live = *live;
    app.session.panes = live.panes;
    app.session.rounds = live.rounds;
    app.view.focus = live.focus.min(app.session.panes.len().saturating_sub(1));
    app.view.order = live.order;
    app.session.session_label = live.session_label;
    app.session.resumed = live.resumed;
    app.session.read_only = false;
    app.view.zoomed = false;
    notice(app, "back to the live session");
}
