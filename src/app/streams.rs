//! Streams arriving and ending: text, figures and failures into the answer, the answer's
//! cost into the totals and the history, and what OpenRouter billed once it says.

use super::action::Effect;
use super::notice::{notice, notice_error};
use super::state::{Answer, App, Status};
use super::tool_steps::auto_answer;
use super::turn::{history, settle, stop_pane};
use crate::model::RequestId;
use crate::session::store::Op;
use crate::stream::StreamEvent;

/// Books what `/generation` says an answer was billed in place of the stream's figure or the
/// estimate: in the totals, the ledger and the history.
pub(super) fn on_billed(
    app: &mut App,
    request: RequestId,
    result: Result<crate::provider::generation::Billed, String>,
    fx: &mut Vec<Effect>,
) {
    let judges = super::judging::is_judges(app, request);
    let Some(answer) = app
        .session
        .panes
        .iter_mut()
        .flat_map(|p| p.turns.iter_mut())
        .map(|t| &mut t.answer)
        .chain(app.session.judge_jobs.iter_mut().map(|j| &mut j.answer))
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
        if judges {
            app.session.judge_spent += cost - before;
        }
    }
    fx.push(history(Op::Billed {
        request,
        generation_id: id,
        cost,
        details,
    }));
}

pub(super) fn on_stream(
    app: &mut App,
    request: RequestId,
    event: StreamEvent,
    fx: &mut Vec<Effect>,
) {
    if super::judging::is_judges(app, request) {
        super::judging::on_event(app, request, event, fx);
        return super::suite_steps::progress(app, fx);
    }
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
    // A search's price, for the footer, from the catalog when the searches are counted (it
    // may have come in after the request went).
    let search_price = match &event {
        StreamEvent::Usage(u) if u.web_searches() > 0 => {
            let p = &app.session.panes[i];
            app.model_info(&p.provider, &p.model)
                .and_then(|m| m.web_search)
        }
        _ => None,
    };
    let Some(answer) = app.session.panes[i].turns.last_mut().map(|t| &mut t.answer) else {
        return;
    };
    if search_price.is_some() {
        answer.search_price = search_price;
    }
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
            answer.retrying = Some(crate::model::answer::Retrying {
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
        StreamEvent::Citations(c) => crate::provider::citation::merge(&mut answer.citations, c),
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
            super::suite_steps::progress(app, fx);
        }
        StreamEvent::Error(e) => {
            answer.status = Status::Failed(e);
            answer.finished = Some(now);
            settle(app, i, fx);
            super::suite_steps::progress(app, fx);
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
