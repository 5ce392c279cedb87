//! One turn's life, below the flows that start and end turns: a turn begins (its request and
//! history records), stops, and is settled into the totals. Sending, streams, tool steps, panes
//! and sessions all build on these.

use super::action::Effect;
use super::spend::{self, SpendState};
use super::state::{Answer, App, Input as TurnInput, Pane, Status, Turn};
use crate::cost::price::estimate_prompt_tokens;
use crate::provider::ApiError;
use crate::session::store::{Finished, Op};

/// Starts (or restarts) a turn in pane `i`: `Some(turn)` regenerates that turn's answer,
/// `None` appends a new turn with `prompt`.
pub(super) fn begin(
    app: &mut App,
    i: usize,
    round: u64,
    prompt: (String, Vec<String>),
    regenerate: bool,
    exempt: bool,
    fx: &mut Vec<Effect>,
) {
    begin_with(
        app,
        i,
        round,
        TurnInput::Prompt(prompt.0, prompt.1),
        regenerate,
        exempt,
        fx,
    );
}

/// Starts a turn from a prompt or from tool results.
pub(super) fn begin_with(
    app: &mut App,
    i: usize,
    round: u64,
    input: TurnInput,
    regenerate: bool,
    exempt: bool,
    fx: &mut Vec<Effect>,
) {
    stop_pane(app, i, Status::Cancelled, fx);
    if let Some(why) = cannot_search(app, i) {
        if regenerate {
            let request = app.session.next_request.take();
            let mut answer = Answer::new(request, app.now);
            answer.finished = Some(app.now);
            answer.status = Status::Failed(crate::provider::ApiError::NotSent(why));
            if let Some(t) = app.session.panes[i].turns.last_mut() {
                t.answer = answer;
            }
        } else {
            let prompt = match &input {
                TurnInput::Prompt(p, _) => p.clone(),
                TurnInput::ToolResults(_) => String::new(),
            };
            refuse(app, i, round, &prompt, why);
        }
        return;
    }
    let request = app.session.next_request.take();
    let now = app.now;
    let upto = if regenerate {
        app.session.panes[i].turns.len().saturating_sub(1)
    } else {
        app.session.panes[i].turns.len()
    };
    let price = app.price_of(&app.session.panes[i].provider, &app.session.panes[i].model);
    let offered: Vec<serde_json::Value> = app
        .config
        .tools
        .iter()
        .filter(|t| app.session.panes[i].settings.tools.contains(&t.name))
        .map(crate::tools::ToolDef::wire)
        .collect();
    let pane = &mut app.session.panes[i];
    let mut params = pane.params_for(upto, &input);
    params.tools = offered;
    let mut answer = Answer::new(request, now);
    answer.price = price;
    answer.prompt_tokens_estimate = estimate_prompt_tokens(&params.messages);
    answer.budget_exempt = exempt;
    let mut settings = serde_json::Map::new();
    pane.settings
        .apply(crate::provider::ProviderKind::Openrouter, &mut settings);
    if let Some(system) = &pane.settings.system {
        settings.insert("system".into(), serde_json::Value::String(system.clone()));
    }
    fx.push(history(Op::Answer {
        round,
        request,
        pane: i,
        model: pane.model.clone(),
        provider: pane.provider.clone(),
        settings: serde_json::Value::Object(settings),
        tool_results: match &input {
            TurnInput::ToolResults(r) => serde_json::to_value(r).ok(),
            TurnInput::Prompt(..) => None,
        },
        at: app.unix,
    }));
    if regenerate {
        if let Some(turn) = pane.turns.last_mut() {
            turn.answer = answer;
        }
    } else {
        let (prompt, images, tool_results) = match input {
            TurnInput::Prompt(p, images) => (p, images, Vec::new()),
            TurnInput::ToolResults(r) => (String::new(), Vec::new(), r),
        };
        pane.turns.push(Turn {
            round,
            prompt,
            tool_results,
            images,
            answer,
        });
    }
    app.view.transcripts.follow(pane.id);
    fx.push(Effect::Start {
        request,
        provider: pane.provider.clone(),
        params: Box::new(params),
    });
}

pub(super) fn history(op: Op) -> Effect {
    Effect::History(Box::new(op))
}

/// Numbers a new round and records its prompt.
pub(super) fn new_round(app: &mut App, prompt: &str, fx: &mut Vec<Effect>) -> u64 {
    app.session.rounds += 1;
    fx.push(history(Op::Round {
        round: app.session.rounds,
        prompt: prompt.to_string(),
        at: app.unix,
    }));
    app.session.rounds
}

pub(super) fn start_turn(
    app: &mut App,
    i: usize,
    round: u64,
    prompt: (String, Vec<String>),
    exempt: bool,
    fx: &mut Vec<Effect>,
) {
    if i < app.session.panes.len() {
        begin(app, i, round, prompt, false, exempt, fx);
    }
}

/// Stops every running answer with `status`; returns how many were running.
pub(super) fn stop_all(app: &mut App, status: Status, fx: &mut Vec<Effect>) -> usize {
    (0..app.session.panes.len())
        .filter(|&i| stop_pane(app, i, status.clone(), fx))
        .count()
}

/// Stops pane `i`'s running answer, settling its cost. Returns whether one was running.
pub(super) fn stop_pane(app: &mut App, i: usize, status: Status, fx: &mut Vec<Effect>) -> bool {
    let Some(pane) = app.session.panes.get_mut(i) else {
        return false;
    };
    match pane.turns.last_mut() {
        Some(turn) if turn.answer.status.is_active() => {
            turn.answer.status = status;
            fx.push(Effect::Cancel {
                request: turn.answer.request,
            });
            settle(app, i, fx);
            true
        }
        _ => false,
    }
}

/// Books a pane's last answer, now finished one way or another: its cost joins the totals and
/// goes to the ledger. After the last running answer, the key's credit is refreshed.
pub(super) fn settle(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    if app.session.replaying.is_some() {
        // A replayed answer was paid for when it was recorded.
        if let Some(t) = app
            .session
            .panes
            .get_mut(i)
            .and_then(|p| p.turns.last_mut())
        {
            t.answer.finished.get_or_insert(app.now);
        }
        return;
    }
    let (now, unix, today) = (app.now, app.unix, app.today);
    let (panes, spend, providers) = (
        &mut app.session.panes,
        &mut app.session.spend,
        &app.config.providers,
    );
    let Some(pane) = panes.get_mut(i) else {
        return;
    };
    let Some(turn) = pane.turns.last_mut() else {
        return;
    };
    turn.answer.finished.get_or_insert(now);
    book(spend, &turn.answer);
    // OpenRouter knows what it billed: ask, and book that figure when it comes.
    if let (Some(id), Some(ep)) = (
        &turn.answer.generation_id,
        providers.endpoints.get(&pane.provider),
    ) {
        if ep.kind == crate::provider::ProviderKind::Openrouter && turn.answer.billed.is_none() {
            fx.push(Effect::FetchGeneration {
                request: turn.answer.request,
                provider: pane.provider.clone(),
                id: id.clone(),
            });
        }
    }
    fx.push(history(finish_op(&turn.answer, unix)));
    fx.push(Effect::RecordSpend(spend::record(
        &turn.answer,
        &pane.provider,
        &pane.model,
        unix,
        today,
    )));
    tell_reruns(app);
    if !app.any_active() {
        if let Some(provider) = app.key_provider() {
            fx.push(Effect::FetchKey { provider });
        }
    }
}

/// A rerun whose answers have all ended is summed up once: pass rate and the spread of its
/// figures, which the scoreboard keeps.
fn tell_reruns(app: &mut App) {
    let spreads = app.rerun_spreads();
    // Panes closed since do not hold the summary back.
    let open: Vec<usize> = app
        .session
        .reruns
        .iter()
        .map(|g| {
            g.panes
                .iter()
                .filter(|id| app.pane_index(**id).is_some())
                .count()
        })
        .collect();
    let mut told = None;
    for ((group, s), open) in app.session.reruns.iter_mut().zip(spreads).zip(open) {
        if !group.told && s.spread.n == open && open > 0 {
            group.told = true;
            told = Some(s);
        }
    }
    if let Some(s) = told {
        // The key first: a narrow screen cuts the end of the line.
        let text = format!(
            "rerun ×{} of {} ({} scoreboard): {}",
            s.spread.n,
            s.model,
            super::notice::key(app, "scoreboard"),
            crate::judge::spread::line(&s.spread),
        );
        super::notice::notice(app, text);
    }
}

/// The history record of an answer that has ended, with the text not yet checkpointed.
pub(super) fn finish_op(a: &Answer, unix: i64) -> Op {
    let cost = a.cost();
    let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let hops: Vec<serde_json::Value> = a
        .hops
        .iter()
        .map(|h| {
            serde_json::json!({"model": h.model, "provider": h.provider, "outcome": h.outcome,
                               "wait_ms": h.wait.map(ms)})
        })
        .chain(
            // OpenRouter's own attempts, when it reported them.
            a.router
                .as_ref()
                .and_then(|m| m.get("attempts"))
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .map(|at| serde_json::json!({"server": true, "attempt": at})),
        )
        .collect();
    Op::Finish {
        request: a.request,
        record: Box::new(Finished {
            text_tail: a.text.get(a.saved_text..).unwrap_or("").to_string(),
            timeline_tail: a.timeline.clone(),
            reasoning_tail: a
                .reasoning
                .get(a.saved_reasoning..)
                .unwrap_or("")
                .to_string(),
            served_model: a.served_model.clone(),
            served_provider: a.served_provider.clone(),
            status: a.status.label().to_string(),
            error: match &a.status {
                Status::Failed(e) => Some(e.to_string()),
                _ => None,
            },
            finish_reason: a.finish_reason.clone(),
            native_finish_reason: a.native_finish_reason.clone(),
            reasoning_details: (!a.reasoning_details.is_empty())
                .then(|| serde_json::Value::Array(a.reasoning_details.clone())),
            tool_calls: (!a.tool_calls.is_empty()).then(|| {
                serde_json::Value::Array(
                    a.tool_calls
                        .iter()
                        .map(crate::tools::ToolCall::wire)
                        .collect(),
                )
            }),
            generation_id: a.generation_id.clone(),
            web_searches: a.searches().map(|(n, _)| n),
            citations: a.citations.clone(),
            structured: a.structured.as_ref().map(|r| match r {
                Ok(()) => "valid".to_string(),
                Err(e) => format!("invalid: {e}"),
            }),
            ttft_ms: a.ttft().map(ms),
            elapsed_ms: a
                .finished
                .map(|f| ms(f.saturating_duration_since(a.started))),
            prompt_tokens: Some(a.prompt_tokens().0),
            completion_tokens: Some(a.tokens().0),
            cost: match cost {
                crate::model::answer::CostView::Unpriced => None,
                c => Some(c.usd()),
            },
            reported: matches!(
                cost,
                crate::model::answer::CostView::Reported(_)
                    | crate::model::answer::CostView::Billed(_)
            ),
            hops: serde_json::Value::Array(hops),
            at: unix,
        }),
    }
}

pub(super) fn book(spend: &mut SpendState, answer: &Answer) {
    spend.add(answer.cost().usd());
}

/// For tests and the UI: the error of a failed answer.
pub fn failure(answer: &Answer) -> Option<&ApiError> {
    match &answer.status {
        Status::Failed(e) => Some(e),
        _ => None,
    }
}

/// How many tool steps auto mode takes before handing back to the user.
pub(super) const AUTO_TOOL_STEPS: u32 = 5;

/// A prompt the user sends starts a new chain of tool steps: auto mode stays on, and the
/// cap counts the steps of this prompt, not the ones before it.
pub(super) fn renew_tool_steps(app: &mut App) {
    if app.session.auto_tools.is_some() {
        app.session.auto_tools = Some(AUTO_TOOL_STEPS);
    }
}

/// The tool calls a pane is waiting on: its last answer finished with calls.
pub(super) fn pending_calls(pane: &Pane) -> Vec<crate::tools::ToolCall> {
    match pane.turns.last() {
        Some(t) if t.answer.status == Status::Done => t.answer.tool_calls.clone(),
        _ => Vec::new(),
    }
}

/// A new display order: shuffled while blind (seeded by the round), in order otherwise.
pub(super) fn shuffle(app: &mut App) {
    let n = app.session.panes.len();
    app.view.order = (0..n).collect();
    if app.view.blind && n > 1 {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
            app.session.rounds.wrapping_mul(0x9E37_79B9) ^ app.unix as u64,
        );
        app.view.order.shuffle(&mut rng);
    }
}

/// Why pane `i` cannot search the web as it asks to: only OpenRouter runs web search.
pub(super) fn cannot_search(app: &App, i: usize) -> Option<String> {
    let p = &app.session.panes[i];
    let kind = app.config.providers.endpoints.get(&p.provider)?.kind;
    p.settings.search_refused(kind, &p.provider)
}

/// A turn that was never sent, and why: the answer says so, the other panes go ahead.
pub(super) fn refuse(app: &mut App, i: usize, round: u64, prompt: &str, why: String) {
    let request = app.session.next_request.take();
    let mut answer = Answer::new(request, app.now);
    answer.finished = Some(app.now);
    answer.status = Status::Failed(crate::provider::ApiError::NotSent(why));
    let pane = &mut app.session.panes[i];
    pane.turns.push(Turn {
        round,
        prompt: prompt.to_string(),
        tool_results: Vec::new(),
        images: Vec::new(),
        answer,
    });
    app.view.transcripts.follow(pane.id);
}
