//! What is done to panes themselves: rerun in new panes, copy, workspaces, close and undo.

use super::action::Effect;
use super::notice::{key, key_in, notice, notice_error};
use super::state::{App, Pane, Rerun, Status, MAX_PANES};
use super::turn::{new_round, start_turn, stop_all, stop_pane};
use crate::keymap::Mode;

/// Sends the focused pane's last prompt `n` more times, each in a new pane with the same
/// model and settings, to see how much its answers vary.
pub(super) fn rerun(app: &mut App, n: usize, fx: &mut Vec<Effect>) {
    let Some(source) = app.session.panes.get(app.view.focus) else {
        return;
    };
    let Some((prompt, images)) = source
        .turns
        .last()
        .map(|t| (t.prompt.clone(), t.images.clone()))
    else {
        return;
    };
    let room = MAX_PANES.saturating_sub(app.session.panes.len());
    let n = n.min(room);
    if n == 0 {
        return notice_error(app, format!("no room: at most {MAX_PANES} panes"));
    }
    let (model, provider, settings) = (
        source.model.clone(),
        source.provider.clone(),
        source.settings.clone(),
    );
    let round = new_round(app, &prompt, fx);
    let mut ids = Vec::new();
    for _ in 0..n {
        let mut pane = Pane::new(model.clone(), provider.clone());
        pane.settings = settings.clone();
        ids.push(pane.id);
        app.session.panes.push(pane);
    }
    app.session.reruns.push(Rerun {
        model: model.clone(),
        prompt: prompt.clone(),
        round,
        panes: ids,
        told: false,
    });
    notice(app, format!("rerun ×{n} of {model}"));
    let first = app.session.panes.len() - n;
    for i in first..app.session.panes.len() {
        start_turn(app, i, round, (prompt.clone(), images.clone()), false, fx);
    }
}

/// Copies the focused pane's last answer, or its `block`th code block.
pub(super) fn copy(app: &mut App, block: Option<usize>, fx: &mut Vec<Effect>) {
    let Some(answer) = app
        .session
        .panes
        .get(app.view.focus)
        .and_then(Pane::current)
    else {
        return notice_error(app, "nothing to copy yet");
    };
    let (text, what) = match block {
        None => (answer.text.clone(), "the answer".to_string()),
        Some(n) => {
            let blocks = crate::render::stream::code_blocks(&answer.text);
            match blocks.get(n) {
                Some(b) => (b.clone(), format!("code block {}", n + 1)),
                None => {
                    return notice_error(
                        app,
                        format!("no code block {}: this answer has {}", n + 1, blocks.len()),
                    )
                }
            }
        }
    };
    if text.is_empty() {
        return notice_error(app, "nothing to copy yet");
    }
    fx.push(Effect::Copy { text, what });
}

/// Moves to the next saved workspace; the panes left behind keep their conversations for
/// when the user comes back.
pub(super) fn next_workspace(app: &mut App, fx: &mut Vec<Effect>) {
    let mut names: Vec<Option<String>> = vec![None];
    names.extend(app.config.workspaces.keys().cloned().map(Some));
    if names.len() == 1 {
        let how = format!(
            "{}, then {}",
            key(app, "settings"),
            key_in(app, Mode::Panel, "save_workspace")
        );
        return notice_error(
            app,
            format!("no saved workspaces yet — {how}, saves this pane set as one"),
        );
    }
    let i = names
        .iter()
        .position(|n| *n == app.session.workspace)
        .unwrap_or(0);
    let next = names[(i + 1) % names.len()].clone();
    stop_all(app, Status::Cancelled, fx);
    let current_key = app.session.workspace.clone().unwrap_or_default();
    let leaving = std::mem::take(&mut app.session.panes);
    app.session.stashed.insert(current_key, leaving);
    let next_key = next.clone().unwrap_or_default();
    app.session.panes = match app.session.stashed.remove(&next_key) {
        Some(panes) => panes,
        None => match &next {
            Some(name) => app.config.workspaces[name]
                .iter()
                .map(|pc| crate::setup::from_config(&app.config.providers, pc))
                .collect(),
            None => app
                .config
                .default_panes
                .iter()
                .map(|pc| crate::setup::from_config(&app.config.providers, pc))
                .collect(),
        },
    };
    if app.session.panes.is_empty() {
        let (provider, model) = app.config.providers.route("sim/swift");
        app.session.panes.push(Pane::new(model, provider));
    }
    app.view.focus = 0;
    app.view.zoomed = false;
    app.session.workspace = next;
    notice(
        app,
        format!(
            "workspace: {}",
            app.session.workspace.as_deref().unwrap_or("default")
        ),
    );
}

pub(super) fn close_pane(app: &mut App, fx: &mut Vec<Effect>) {
    if app.session.panes.len() <= 1 {
        return notice_error(app, "the last pane cannot be closed");
    }
    stop_pane(app, app.view.focus, Status::Cancelled, fx);
    let at = app.view.focus;
    let pane = app.session.panes.remove(at);
    app.view.focus = app.view.focus.min(app.session.panes.len() - 1);
    if app.session.panes.len() == 1 {
        app.view.zoomed = false;
    }
    let undo = key(app, "undo");
    notice(
        app,
        format!("closed {} — {undo} brings it back", pane.model),
    );
    app.session.undo = Some(super::state::Undo::Closed(at, Box::new(pane)));
}

/// Brings back the pane closed last, or the conversations cleared last.
pub(super) fn undo(app: &mut App) {
    match app.session.undo.take() {
        None => notice_error(app, "nothing to bring back"),
        Some(super::state::Undo::Closed(at, pane)) => {
            if app.session.panes.len() >= MAX_PANES {
                app.session.undo = Some(super::state::Undo::Closed(at, pane));
                return notice_error(app, format!("at most {MAX_PANES} panes"));
            }
            let at = at.min(app.session.panes.len());
            let model = pane.model.clone();
            app.session.panes.insert(at, *pane);
            app.view.focus = at;
            notice(app, format!("{model} is back"));
        }
        Some(super::state::Undo::Cleared(kept)) => {
            for (id, turns, session) in kept {
                // A pane that has talked since keeps its new conversation.
                if let Some(p) = app
                    .session
                    .panes
                    .iter_mut()
                    .find(|p| p.id == id && p.turns.is_empty())
                {
                    p.turns = turns;
                    p.session_id = session;
                    app.view.transcripts.follow(id);
                }
            }
            notice(app, "conversations are back");
        }
    }
}

/// Stops every stream and clears every pane's conversation; the undo key brings them back.
pub(super) fn clear(app: &mut App, fx: &mut Vec<Effect>) {
    stop_all(app, Status::Cancelled, fx);
    let mut kept = Vec::new();
    for pane in &mut app.session.panes {
        let turns = std::mem::take(&mut pane.turns);
        let id = std::mem::replace(&mut pane.session_id, crate::app::state::new_session_id());
        kept.push((pane.id, turns, id));
        app.view.transcripts.follow(pane.id);
    }
    app.session.undo = Some(super::state::Undo::Cleared(kept));
    let undo = key(app, "undo");
    notice(
        app,
        format!("conversations cleared — {undo} brings them back"),
    );
}
