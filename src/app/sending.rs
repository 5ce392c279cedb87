//! Sending: a prompt to every pane or one, a regenerated answer, the budget guard before it,
//! and the request each pane's conversation makes.

use super::action::Effect;
use super::notice::{key, key_in, notice, notice_error, plural};
use super::state::{App, Input as TurnInput};
use super::turn::{
    begin, begin_with, failure, new_round, pending_calls, renew_tool_steps, shuffle, start_turn,
};
use crate::cost::price::estimate_prompt_tokens;
use crate::keymap::Mode;
use crate::provider::ApiError;
use crate::session::store::Op;

/// Sends the prompt to every pane (`only == None`) or to one, unless the round could cross a
/// budget limit and the user has not said to go anyway.
pub(super) fn send(app: &mut App, only: Option<usize>, anyway: bool, fx: &mut Vec<Effect>) {
    let text = app.prompt_text();
    if text.trim().is_empty() {
        return notice_error(app, "type a prompt first");
    }
    if let Some(name) = crate::vars::missing(&text, &app.config.vars) {
        super::vars_keys::open(app, Some(&name));
        let set = key_in(app, Mode::Vars, "set");
        return notice_error(
            app,
            format!("not sent: the prompt uses {{{{{name}}}}}: give it a value, {set} sets it"),
        );
    }
    let text = match crate::vars::fill(&text, &app.config.vars) {
        Ok(t) => t,
        Err(e) => return notice_error(app, format!("not sent: {e}")),
    };
    let targets: Vec<usize> = match only {
        Some(i) if i < app.session.panes.len() => vec![i],
        Some(_) => return,
        None => (0..app.session.panes.len()).collect(),
    };
    if !anyway && app.config.budget.is_set() {
        let mut worst = 0.0;
        for &i in &targets {
            match worst_case(app, i, app.session.panes[i].turns.len(), &text) {
                Some(c) => worst += c,
                // An unknown price is not $0: a budget cannot vouch for what it cannot price.
                None => {
                    let model = app.session.panes[i].model.clone();
                    let anyway = key(app, "send_anyway");
                    return notice_error(
                        app,
                        format!(
                            "not sent: a budget is set and {model} has no known price, so this round's worst case cannot be priced — {anyway} sends anyway (or give it a price in the config)"
                        ),
                    );
                }
            }
        }
        if let Some(breach) = app.config.budget.check(app.live_spent(), worst) {
            let anyway = key(app, "send_anyway");
            return notice_error(app, format!("{} — {anyway} sends anyway", breach.refusal()));
        }
    }
    let images: Vec<String> = app
        .session
        .attachments
        .iter()
        .map(|a| a.data_url.clone())
        .collect();
    // Panes whose catalog entry takes no images say so instead of sending them.
    let blind: Vec<usize> = targets
        .iter()
        .copied()
        .filter(|&i| {
            let p = &app.session.panes[i];
            !images.is_empty()
                && app
                    .model_info(&p.provider, &p.model)
                    .is_some_and(|m| !m.vision)
        })
        .collect();
    if !blind.is_empty() && blind.len() == targets.len() {
        let names: Vec<String> = blind
            .iter()
            .map(|&i| app.session.panes[i].model.clone())
            .collect();
        let drop = key(app, "drop_images");
        return notice_error(
            app,
            format!(
                "not sent: {} {} no images — {drop} drops the images",
                names.join(", "),
                if names.len() == 1 { "takes" } else { "take" }
            ),
        );
    }
    // Calls still waiting go back as "not answered" (see `Pane::params_for`): say so.
    let skipped: Vec<String> = targets
        .iter()
        .filter(|&&i| !pending_calls(&app.session.panes[i]).is_empty())
        .map(|&i| (i + 1).to_string())
        .collect();
    let round = new_round(app, &text, fx);
    if !images.is_empty() {
        fx.push(super::turn::history(Op::Images {
            round,
            images: images.clone(),
        }));
    }
    renew_tool_steps(app);
    if !skipped.is_empty() {
        let answer = key(app, "answer_tools");
        notice(
            app,
            format!(
                "pane {}: waiting tool calls sent back as not answered ({answer} answers them instead)",
                skipped.join(", ")
            ),
        );
    }
    if app.view.blind {
        shuffle(app);
    }
    for i in targets {
        if blind.contains(&i) {
            refuse_images(app, i, round, &text);
        } else {
            start_turn(app, i, round, (text.clone(), images.clone()), anyway, fx);
        }
    }
    app.session.attachments.clear();
    app.view.history.push(&text);
    fx.push(Effect::SaveHistory { prompt: text });
    app.view.prompt = super::state::new_editor();
}

/// A turn that was never sent: the model takes no images, and the answer says so.
pub(super) fn refuse_images(app: &mut App, i: usize, round: u64, prompt: &str) {
    let why = format!(
        "{} takes no images (its catalog entry has no image input)",
        app.session.panes[i].model
    );
    super::turn::refuse(app, i, round, prompt, why);
}

/// The most a turn could cost: the prompt, plus the longest answer the model may give. With no
/// known limit on the answer, only the prompt is counted and the live guard watches the rest.
/// `None` when the model's price is unknown or dynamic.
pub(super) fn worst_case(app: &App, i: usize, upto: usize, prompt: &str) -> Option<f64> {
    let pane = &app.session.panes[i];
    let price = app.price_of(&pane.provider, &pane.model)?;
    let prompt_tokens = estimate_prompt_tokens(&pane.params(upto, prompt).messages);
    let max_out = pane.settings.max_tokens.map(u64::from).or_else(|| {
        app.model_info(&pane.provider, &pane.model)
            .and_then(|m| m.max_completion)
    });
    price.cost(prompt_tokens, max_out.unwrap_or(0))
}

/// Re-sends the last prompt. When some panes failed, only those: the answers that came are
/// not paid for again (a second Ctrl+R then regenerates every pane). A pane with no turns
/// gets the last prompt anew.
pub(super) fn resend(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(last) = app.view.history.entries.last().cloned() else {
        return notice_error(app, "nothing to re-send yet");
    };
    let failed: Vec<usize> = (0..app.session.panes.len())
        .filter(|&i| {
            let pane = &app.session.panes[i];
            !pane.is_active()
                && pane
                    .turns
                    .last()
                    .is_some_and(|t| failure(&t.answer).is_some())
        })
        .collect();
    let all = failed.is_empty();
    let targets: Vec<usize> = if all {
        (0..app.session.panes.len()).collect()
    } else {
        failed
    };
    let mut fresh_round = None;
    for &i in &targets {
        resend_pane(app, i, &last, &mut fresh_round, fx);
    }
    if !all {
        let n = targets.len();
        let again = key(app, "resend");
        notice(
            app,
            format!(
                "retrying {n} failed pane{} ({again} again re-sends every pane)",
                plural(n)
            ),
        );
    }
}

/// Re-sends the focused pane's last prompt to it alone.
pub(super) fn resend_focused(app: &mut App, fx: &mut Vec<Effect>) {
    let i = app.view.focus;
    let Some(pane) = app.session.panes.get(i) else {
        return;
    };
    if pane.is_active() {
        return notice_error(app, "this pane is still streaming: x cancels it first");
    }
    let Some(last) = app.view.history.entries.last().cloned() else {
        return notice_error(app, "nothing to re-send yet");
    };
    resend_pane(app, i, &last, &mut None, fx);
}

/// Regenerates pane `i`'s last answer, or sends it `last` when it has none (in a round
/// opened once for all such panes).
pub(super) fn resend_pane(
    app: &mut App,
    i: usize,
    last: &str,
    fresh_round: &mut Option<u64>,
    fx: &mut Vec<Effect>,
) {
    match app.session.panes[i].turns.last() {
        None => {
            let round = match *fresh_round {
                Some(r) => r,
                None => *fresh_round.insert(new_round(app, last, fx)),
            };
            begin(
                app,
                i,
                round,
                (last.to_string(), Vec::new()),
                false,
                false,
                fx,
            );
        }
        Some(turn) => {
            // A 402 that said what the key can afford: ask for no more than that.
            let afford = failure(&turn.answer).and_then(ApiError::affordable);
            let round = turn.round;
            let input = if turn.tool_results.is_empty() {
                TurnInput::Prompt(turn.prompt.clone(), turn.images.clone())
            } else {
                TurnInput::ToolResults(turn.tool_results.clone())
            };
            if let Some(n) = afford {
                app.session.panes[i].settings.max_tokens = Some(n);
                notice(
                    app,
                    format!(
                        "pane {}: max_tokens capped at {n}, what the key can afford",
                        i + 1
                    ),
                );
            }
            begin_with(app, i, round, input, true, false, fx);
        }
    }
}
