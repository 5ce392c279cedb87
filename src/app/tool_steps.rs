//! Tool calls waiting for results: answered with the typed text, with canned results, or by
//! themselves for a few steps (auto mode).

use super::action::Effect;
use super::notice::{key, notice, notice_error};
use super::state::{App, Input as TurnInput};
use super::turn::{begin_with, new_round, pending_calls};

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
                let answer = key(app, "answer_tools");
                notice_error(
                    app,
                    format!(
                        "`{}` has no canned result: type one, then {answer}",
                        call.name
                    ),
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
