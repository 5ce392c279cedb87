//! Streams arriving and ending: text, figures and failures into the answer, the answer's
//! cost into the totals and the history, and what OpenRouter billed once it says.

use super::action::Effect;
use super::notice::{notice, notice_error};
use super::sending::history;
use super::spend::{self, SpendState};
use super::state::{Answer, App, Status};
use super::tool_steps::auto_answer;
use crate::provider::ApiError;
use crate::session::store::{Finished, Op};
use crate::stream::StreamEvent;

/// Books what `/generation` says an answer was billed in place of the stream's figure or the
/// estimate: in the totals, the ledger and the history.
pub(super) fn on_billed(
    app: &mut App,
    request: u64,
    result: Result<crate::provider::generation::Billed, String>,
    fx: &mut Vec<Effect>,
) {
    let Some(answer) = app
        .session
        .panes
        .iter_mut()
        .flat_map(|p| p.turns.iter_mut())
        .map(|t| &mut t.answer)
        .find(|a| a.request == request)
    else {
        return;
    };
    let billed = match result {
        Ok(b) => b,
        Err(why) => {
            answer.unbilled = Some(why);
            return;
        }
    };
    let before = answer.cost().usd();
    let (id, cost, details) = (
        answer.generation_id.clone().unwrap_or_default(),
        billed.booked(),
        billed.to_json(),
    );
    answer.billed = Some(billed);
    answer.unbilled = None;
    if !answer.status.is_active() {
        app.session.spend.add(cost - before);
    }
    fx.push(history(Op::Billed {
        request,
        generation_id: id,
        cost,
        details,
    }));
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
    let App {
        panes,
        spend,
        providers,
        ..
    } = app;
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
    if !app.any_active() {
        if let Some(provider) = app.key_provider() {
            fx.push(Effect::FetchKey { provider });
        }
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
                super::answer::CostView::Unpriced => None,
                c => Some(c.usd()),
            },
            reported: matches!(
                cost,
                super::answer::CostView::Reported(_) | super::answer::CostView::Billed(_)
            ),
            hops: serde_json::Value::Array(hops),
            at: unix,
        }),
    }
}

pub(super) fn book(spend: &mut SpendState, answer: &Answer) {
    spend.add(answer.cost().usd());
}

pub(super) fn on_stream(app: &mut App, request: u64, event: StreamEvent, fx: &mut Vec<Effect>) {
    let now = app.now;
    // Events of a cancelled or replaced request find no running answer and are dropped.
    let Some(i) = app.session.panes.iter().position(|p| {
        p.current()
            .is_some_and(|a| a.request == request && a.status.is_active())
    }) else {
        return;
    };
    if let StreamEvent::TokenField(field) = &event {
        let provider = app.session.panes[i].provider.clone();
        if let Some(ep) = app.config.providers.endpoints.get_mut(&provider) {
            ep.options.token_field = *field;
        }
        notice(
            app,
            format!(
                "{provider} refuses max_tokens: sending {} from now on",
                field.name()
            ),
        );
    }
    let Some(answer) = app.session.panes[i].turns.last_mut().map(|t| &mut t.answer) else {
        return;
    };
    let mut costs_more = false;
    // Model output is untrusted: nothing it sends may drive the terminal.
    match event.cleaned() {
        StreamEvent::Started { generation_id } => {
            answer.generation_id = generation_id;
            answer.retrying = None;
        }
        StreamEvent::Generation(id) => {
            answer.generation_id.get_or_insert(id);
        }
        StreamEvent::Hop(record) => answer.hops.push(record),
        StreamEvent::Retrying {
            reason,
            wait,
            attempt,
            of,
        } => {
            answer.retrying = Some(super::answer::Retrying {
                until: now + wait,
                reason,
                attempt,
                of,
            });
        }
        StreamEvent::FellBack { model, .. } => {
            answer.fell_back = Some(model);
            answer.retrying = None;
            answer.served_model = None;
            answer.served_provider = None;
        }
        StreamEvent::Served { model, provider } => {
            answer.served_model = Some(model);
            answer.served_provider = provider;
        }
        StreamEvent::Delta(text) => {
            first_token(answer, now);
            answer.estimated_tokens += estimate_tokens(&text);
            answer.text.push_str(&text);
            mark(answer, 'a', now);
            costs_more = true;
        }
        StreamEvent::Reasoning(text) => {
            first_token(answer, now);
            answer.estimated_tokens += estimate_tokens(&text);
            answer.reasoning.push_str(&text);
            mark(answer, 'r', now);
            costs_more = true;
        }
        StreamEvent::ToolCall {
            index,
            id,
            name,
            arguments,
        } => {
            first_token(answer, now);
            answer.estimated_tokens += estimate_tokens(&arguments);
            crate::tools::assemble(&mut answer.tool_calls, index, id, name, &arguments);
            costs_more = true;
        }
        StreamEvent::ReasoningDetails(items) => {
            first_token(answer, now);
            for item in items {
                crate::provider::reasoning::merge(&mut answer.reasoning_details, item);
            }
        }
        StreamEvent::Finish(reason) => answer.finish_reason = Some(reason),
        StreamEvent::NativeFinish(reason) => answer.native_finish_reason = Some(reason),
        StreamEvent::TokenField(field) => answer.token_field = Some(field),
        StreamEvent::RouterMetadata(meta) => answer.router = Some(meta),
        StreamEvent::UpstreamBody(body) => answer.upstream_body = Some(body),
        StreamEvent::Usage(usage) => {
            answer.usage = Some(usage);
            costs_more = true;
        }
        StreamEvent::Done => {
            answer.status = Status::Done;
            answer.finished = Some(now);
            let tools = app.config.tools.clone();
            let format = app.session.panes[i].settings.response_format.clone();
            if let Some(a) = app.session.panes[i].turns.last_mut().map(|t| &mut t.answer) {
                for call in &mut a.tool_calls {
                    call.invalid = crate::tools::check(call, &tools).err();
                }
                if let (Some(f), true) = (format, a.tool_calls.is_empty()) {
                    a.structured = Some(crate::tools::check_json(&a.text, f.schema()));
                }
            }
            settle(app, i, fx);
            auto_answer(app, fx);
        }
        StreamEvent::Error(e) => {
            answer.status = Status::Failed(e);
            answer.finished = Some(now);
            settle(app, i, fx);
        }
    }
    if costs_more {
        checkpoint(app, i, fx);
        guard_budget(app, fx);
    }
}

/// How often streaming text is written to the history database: a kill loses at most this.
pub(super) const CHECKPOINT: std::time::Duration = std::time::Duration::from_millis(250);

/// Appends what pane `i`'s answer received since its last checkpoint, at most every 250 ms.
pub(super) fn checkpoint(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    let (now, unix) = (app.now, app.unix);
    let Some(a) = app
        .session
        .panes
        .get_mut(i)
        .and_then(|p| p.turns.last_mut())
        .map(|t| &mut t.answer)
    else {
        return;
    };
    if a.checkpoint_at
        .is_some_and(|t| now.saturating_duration_since(t) < CHECKPOINT)
    {
        return;
    }
    a.checkpoint_at = Some(now);
    let text = a.text.get(a.saved_text..).unwrap_or("").to_string();
    let reasoning = a
        .reasoning
        .get(a.saved_reasoning..)
        .unwrap_or("")
        .to_string();
    a.saved_text = a.text.len();
    a.saved_reasoning = a.reasoning.len();
    if !text.is_empty() || !reasoning.is_empty() {
        fx.push(history(Op::Append {
            request: a.request,
            text,
            reasoning,
            timeline: std::mem::take(&mut a.timeline),
            at: unix,
        }));
    }
}

/// Stops the guarded streams once spending has crossed a limit.
pub(super) fn guard_budget(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(breach) = app.config.budget.check(app.live_spent(), 0.0) else {
        return;
    };
    let guarded: Vec<usize> = (0..app.session.panes.len())
        .filter(|&i| {
            app.session.panes[i]
                .current()
                .is_some_and(|a| a.status.is_active() && !a.budget_exempt)
        })
        .collect();
    if guarded.is_empty() {
        return;
    }
    for i in guarded {
        stop_pane(app, i, Status::OverBudget, fx);
    }
    notice_error(
        app,
        format!(
            "stopped: the {} budget of {} is spent ({} so far)",
            breach.limit.name(),
            crate::cost::money(breach.cap),
            crate::cost::money(breach.spent)
        ),
    );
}

/// Notes when a piece arrived and how long the text had grown, for replays.
pub(super) fn mark(answer: &mut Answer, kind: char, now: std::time::Instant) {
    use std::fmt::Write;
    let ms = now.saturating_duration_since(answer.started).as_millis();
    let len = if kind == 'a' {
        answer.text.len()
    } else {
        answer.reasoning.len()
    };
    let _ = write!(answer.timeline, "{kind}{ms},{len};");
}

pub(super) fn first_token(answer: &mut Answer, now: std::time::Instant) {
    answer.retrying = None;
    if answer.first_token.is_none() {
        answer.first_token = Some(now);
    }
    answer.status = Status::Streaming;
}

/// A delta is at least a token, whatever its length.
pub(super) fn estimate_tokens(text: &str) -> u64 {
    crate::cost::price::estimate_tokens(text).max(1)
}

/// For tests and the UI: the error of a failed answer.
pub fn failure(answer: &Answer) -> Option<&ApiError> {
    match &answer.status {
        Status::Failed(e) => Some(e),
        _ => None,
    }
}
