//! Tool calls waiting for results: answered with the typed text, with canned results, or by
//! themselves for a few steps (auto mode).

use super::action::Effect;
use super::notice::{notice, notice_error};
use super::sending::{begin_with, new_round};
use super::state::{App, Input as TurnInput, Pane, Status};

/// How many tool steps auto mode takes before handing back to the user.
pub(super) const AUTO_TOOL_STEPS: u32 = 5;

/// A prompt the user sends starts a new chain of tool steps: auto mode stays on, and the
/// cap counts the steps of this prompt, not the ones before it.
pub(super) fn renew_tool_steps(app: &mut App) {
    if app.session.auto_tools.is_some() {
        app.session.auto_tools = Some(AUTO_TOOL_STEPS);
    }
}

/// In auto mode, answers waiting calls with canned results, counting the steps.
pub(super) fn auto_answer(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(left) = app.session.auto_tools else {
        return;
    };
    if !app
        .session
        .panes
        .iter()
        .any(|p| !pending_calls(p).is_empty())
    {
        return;
    }
    if left == 0 {
        app.session.auto_tools = None;
        return notice(app, "auto tool answers stopped after 5 steps");
    }
    if answer_tools(app, None, true, fx) > 0 {
        app.session.auto_tools = Some(left - 1);
    } else {
        app.session.auto_tools = None;
    }
}

/// The tool calls a pane is waiting on: its last answer finished with calls.
pub(super) fn pending_calls(pane: &Pane) -> Vec<crate::tools::ToolCall> {
    match pane.turns.last() {
        Some(t) if t.answer.status == Status::Done => t.answer.tool_calls.clone(),
        _ => Vec::new(),
    }
}

/// Answers every pending tool call: with `typed` when given, else each tool's canned result.
/// Every pane that made calls continues its conversation with `tool` messages.
pub(super) fn answer_tools(
    app: &mut App,
    typed: Option<String>,
    auto: bool,
    fx: &mut Vec<Effect>,
) -> usize {
    let mut answered = 0;
    let mut round = None;
    for i in 0..app.session.panes.len() {
        let calls = pending_calls(&app.session.panes[i]);
        if calls.is_empty() {
            continue;
        }
        let mut results = Vec::new();
        for call in &calls {
            let canned = || {
                app.config
                    .tools
                    .iter()
                    .find(|t| t.name == call.name)
                    .and_then(|def| def.canned(&call.arguments))
            };
            let Some(content) = typed.clone().or_else(canned) else {
                notice_error(
                    app,
                    format!("`{}` has no canned result: type one, then Alt+T", call.name),
                );
                return answered;
            };
            results.push((call.id.clone(), content));
        }
        let r = match round {
            Some(r) => r,
            // The history tells rounds nobody looked at from those the user answered.
            None => *round.insert(new_round(
                app,
                if auto {
                    "(tool results, answered automatically)"
                } else {
                    "(tool results)"
                },
                fx,
            )),
        };
        begin_with(app, i, r, TurnInput::ToolResults(results), false, false, fx);
        answered += 1;
    }
    answered
}
