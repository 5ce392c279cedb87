//! The pure heart of the playground: `update(state, action) -> effects`. No I/O happens here.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use tui_textarea::{CursorMove, Input, TextArea};

use super::action::{Action, Effect};
use super::keymap::{self, Command};
use super::picker::{PickMode, Picker};
use super::picker_keys::{ask_endpoints, picker_key};
use super::spend::{self, KeyStatus, SpendState};
use super::state::{
    Answer, App, Input as TurnInput, Notice, Overlay, Pane, Status, Turn, Zone, MAX_PANES,
};
use crate::cost::price::estimate_prompt_tokens;
use crate::provider::ApiError;
use crate::session::store::{Finished, Op};
use crate::stream::StreamEvent;
use crate::ui::layout;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.spend.roll(app.today);
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key, &mut fx),
        Action::Key(_) | Action::Tick => {}
        Action::Paste(text) => on_paste(app, &text),
        Action::Mouse(m) => on_mouse(app, m),
        Action::Resize(w, h) => app.size = (w, h),
        Action::Stream { request, event } => on_stream(app, request, event, &mut fx),
        Action::EditorClosed(Ok(text)) => {
            set_prompt(&mut app.prompt, text.trim_end_matches('\n'));
            app.zone = Zone::Prompt;
        }
        Action::EditorClosed(Err(e)) => notice_error(app, format!("editor: {e}")),
        Action::Terminate(signal) => {
            app.signalled = Some(signal);
            quit_now(app, &mut fx);
        }
        Action::KeyInfo { provider, status } => {
            if status == KeyStatus::Refused {
                notice_error(app, format!("{provider}: key refused — check the API key"));
            }
            app.key = Some((provider, status));
        }
        Action::Catalog { provider, result } => match result {
            Ok(catalog) => {
                app.set_catalog(catalog);
                if let Some(Overlay::Picker(p)) = &mut app.overlay {
                    p.refresh(&app.entries);
                }
                let replaced = app.replace_unlisted_defaults(&provider);
                if !replaced.is_empty() {
                    notice(app, replaced.join("; "));
                }
            }
            Err(e) => {
                let cached = app
                    .catalogs
                    .get(&provider)
                    .map(|c| crate::catalog::cache::age(c.fetched_at, app.unix));
                let tail = match cached {
                    Some(age) => format!("using the copy from {age} ago"),
                    None => "no copy on disk yet".into(),
                };
                notice(
                    app,
                    format!("catalog: {provider} not refreshed ({e}); {tail}"),
                );
            }
        },
        Action::BackgroundError(e) => notice_error(app, e),
        Action::PromptSaved(Ok(saved)) => {
            notice(app, format!("saved prompt {}", saved.name));
            app.library.retain(|s| s.name != saved.name);
            app.library.push(saved);
            app.library.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Action::PromptSaved(Err(e)) => notice_error(app, e),
        Action::Attached(Ok(image)) => {
            notice(
                app,
                format!("attached {} — it goes with the next prompt", image.label()),
            );
            app.attachments.push(image);
        }
        Action::Attached(Err((path, e))) => {
            // The path goes back where it was typed, so nothing is lost.
            let mut lines = app.prompt.lines().to_vec();
            if lines.iter().all(String::is_empty) {
                lines.clear();
            }
            lines.push(path);
            set_prompt(&mut app.prompt, &lines.join("\n"));
            notice_error(app, format!("not attached: {e}"));
        }
        Action::ReplayRound { prompt, requests } => {
            app.rounds += 1;
            let (round, now) = (app.rounds, app.now);
            for (pane, request) in requests {
                if let Some(p) = app.panes.get_mut(pane) {
                    p.turns.push(Turn {
                        round,
                        prompt: prompt.clone(),
                        tool_results: Vec::new(),
                        images: Vec::new(),
                        answer: Answer::new(request, now),
                    });
                    p.scroll = None;
                }
            }
        }
        Action::Recording(id) => app.recording = id,
        Action::Sessions(result) => {
            if let Some(Overlay::Sessions(b)) = &mut app.overlay {
                b.sessions = Some(result);
            }
        }
        Action::SessionLoaded { loaded: Err(e), .. } => notice_error(app, e),
        Action::SessionLoaded {
            loaded: Ok(loaded),
            read_only,
        } => resume(app, *loaded, read_only, &mut fx),
        Action::Scoreboard(result) => {
            if let Some(Overlay::Scoreboard { all: true, rows }) = &mut app.overlay {
                *rows = Some(result);
            }
        }
        Action::ConfigSaved(result) => {
            let (text, error) = match result {
                Ok((msg, placed)) => {
                    // Found by name: panes may have been closed since the save was asked for.
                    if let Some((id, index)) = placed {
                        if let Some(p) = app.panes.iter_mut().find(|p| p.id == id) {
                            p.origin = Some(index);
                        }
                    }
                    (msg, false)
                }
                Err(e) => (e, true),
            };
            match &mut app.overlay {
                Some(Overlay::Panel(panel)) => panel.status = Some((text, error)),
                _ if error => notice_error(app, text),
                _ => notice(app, text),
            }
        }
        Action::Endpoints { model, endpoints } => {
            app.endpoints.insert(model, endpoints);
        }
        Action::ProviderTested { provider, report } => {
            let (text, error) = match report {
                Ok(r) => (format!("{provider}: {r}"), false),
                Err(e) => (format!("{provider}: {e}"), true),
            };
            match &mut app.overlay {
                Some(Overlay::Panel(panel)) => panel.status = Some((text, error)),
                _ if error => notice_error(app, text),
                _ => notice(app, text),
            }
        }
        Action::Breakdown(result) => {
            if let Some(Overlay::Spend(slot)) = &mut app.overlay {
                *slot = Some(result);
            }
        }
        Action::Generation { request, result } => on_billed(app, request, result, &mut fx),
    }
    fx
}

/// Books what `/generation` says an answer was billed in place of the stream's figure or the
/// estimate: in the totals, the ledger and the history.
fn on_billed(
    app: &mut App,
    request: u64,
    result: Result<crate::provider::generation::Billed, String>,
    fx: &mut Vec<Effect>,
) {
    let Some(answer) = app
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
        app.spend.add(cost - before);
    }
    fx.push(history(Op::Billed {
        request,
        generation_id: id,
        cost,
        details,
    }));
}

/// What a session asks for as it opens: every usable provider's catalog and the key's credit.
/// A keyless OpenRouter is only the simulator's stand-in: its catalog serves no pane, and
/// offline its fetch would only fail, in place of the first screen's hints.
pub fn startup(app: &App) -> Vec<Effect> {
    let mut fx: Vec<Effect> = app
        .providers
        .endpoints
        .values()
        .filter(|e| !e.lacks_key())
        .map(|e| Effect::FetchCatalog {
            provider: e.provider.clone(),
        })
        .collect();
    if let Some(provider) = app.key_provider() {
        fx.push(Effect::FetchKey { provider });
    }
    fx.push(history(match app.resumed {
        Some(session) => Op::Resume { session },
        None => Op::Session {
            started_at: app.unix,
            workspace: app.workspace.clone(),
        },
    }));
    fx
}

pub(super) fn notice(app: &mut App, text: impl Into<String>) {
    app.notice = Some(Notice {
        text: text.into(),
        error: false,
    });
}

pub(super) fn notice_error(app: &mut App, text: impl Into<String>) {
    app.notice = Some(Notice {
        text: text.into(),
        error: true,
    });
}

/// Whether the prompt holds text that was never sent.
fn has_draft(app: &App) -> bool {
    !app.prompt_text().trim().is_empty()
}

fn quit_now(app: &mut App, fx: &mut Vec<Effect>) {
    stop_all(app, Status::Cancelled, fx);
    // An unsent draft goes to the prompt history: ↑ brings it back next time.
    if has_draft(app) {
        fx.push(Effect::SaveHistory {
            prompt: app.prompt_text(),
        });
    }
    app.quit = true;
    fx.push(Effect::Quit);
}

/// Stops every running answer with `status`; returns how many were running.
fn stop_all(app: &mut App, status: Status, fx: &mut Vec<Effect>) -> usize {
    (0..app.panes.len())
        .filter(|&i| stop_pane(app, i, status.clone(), fx))
        .count()
}

/// Stops pane `i`'s running answer, settling its cost. Returns whether one was running.
fn stop_pane(app: &mut App, i: usize, status: Status, fx: &mut Vec<Effect>) -> bool {
    let Some(pane) = app.panes.get_mut(i) else {
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
fn settle(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    if app.replaying.is_some() {
        // A replayed answer was paid for when it was recorded.
        if let Some(t) = app.panes.get_mut(i).and_then(|p| p.turns.last_mut()) {
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
fn finish_op(a: &Answer, unix: i64) -> Op {
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
                .then(|| serde_json::Value::Array(a.reasoning_details.clone()).to_string()),
            tool_calls: (!a.tool_calls.is_empty()).then(|| {
                serde_json::Value::Array(
                    a.tool_calls
                        .iter()
                        .map(crate::tools::ToolCall::wire)
                        .collect(),
                )
                .to_string()
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
            hops: serde_json::Value::Array(hops).to_string(),
            at: unix,
        }),
    }
}

fn book(spend: &mut SpendState, answer: &Answer) {
    spend.add(answer.cost().usd());
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if app.overlay.is_some() {
        return on_overlay_key(app, key, fx);
    }
    // Any key acknowledges the last notice.
    app.notice = None;
    if std::mem::take(&mut app.rerun_pending) {
        return match key.code {
            KeyCode::Char(c @ '1'..='7') => rerun(app, c as usize - '0' as usize, fx),
            _ => notice(app, "no rerun"),
        };
    }
    if let Some(entry) = app.vote_pending.take() {
        return super::vote_keys::vote_key(app, entry, key, fx);
    }
    if std::mem::take(&mut app.copy_pending) {
        match key.code {
            KeyCode::Char('y') => return copy(app, None, fx),
            KeyCode::Char(c @ '1'..='9') => {
                return copy(app, Some(c as usize - '1' as usize), fx);
            }
            _ => {}
        }
    }
    if app.search.as_ref().is_some_and(|s| s.editing) {
        return super::find::edit(app, key);
    }
    let prompt_empty = app.prompt.is_empty();
    if let Some(cmd) = keymap::command(app.zone, &key, prompt_empty) {
        return run_command(app, cmd, fx);
    }
    if app.zone == Zone::Prompt {
        edit_prompt(app, key);
    }
}

fn run_command(app: &mut App, cmd: Command, fx: &mut Vec<Effect>) {
    let sends = matches!(
        cmd,
        Command::Send
            | Command::SendFocused
            | Command::SendAnyway
            | Command::Resend
            | Command::ResendFocused
            | Command::Rerun
            | Command::AnswerTools
            | Command::AutoTools
    );
    if sends {
        if let Some(id) = app.replaying {
            return notice_error(
                app,
                format!(
                    "a replay sends nothing: `switchboard --resume {id}` carries session {id} on"
                ),
            );
        }
        if app.read_only {
            return notice_error(
                app,
                "read-only: Ctrl+O, then Enter, resumes this session; Ctrl+B goes back to yours",
            );
        }
    }
    match cmd {
        Command::BackToLive => back_to_live(app),
        Command::Send => send(app, None, false, fx),
        Command::SendFocused => send(app, Some(app.focus), false, fx),
        Command::SendAnyway => send(app, None, true, fx),
        Command::PickModel | Command::Settings | Command::Trail if app.hidden() => {
            notice_error(
                app,
                "the models stay hidden until you vote (F6) or turn blind judging off (F8)",
            );
        }
        Command::PickModel => {
            let picker = Picker::new(PickMode::SetModel, &app.entries);
            ask_endpoints(app, &picker, fx);
            app.overlay = Some(Overlay::Picker(Box::new(picker)));
        }
        Command::Settings => {
            if let Some(pane) = app.panes.get(app.focus) {
                let openrouter = app
                    .providers
                    .endpoints
                    .get(&pane.provider)
                    .is_some_and(|e| e.kind == crate::provider::ProviderKind::Openrouter);
                if openrouter && app.endpoints_asked.insert(pane.model.clone()) {
                    fx.push(Effect::FetchEndpoints {
                        provider: pane.provider.clone(),
                        model: pane.model.clone(),
                    });
                }
                app.overlay = Some(Overlay::Panel(Box::new(super::panel::Panel::new(
                    app.focus,
                ))));
            }
        }
        Command::Trail => app.overlay = Some(Overlay::Trail(app.focus)),
        Command::ToggleThinking => {
            let expand = app.expand_thinking;
            if let Some(pane) = app.panes.get_mut(app.focus) {
                let started = pane.current().is_some_and(|a| !a.text.is_empty());
                let shown = crate::render::transcript::thinking_shown(pane, started, expand);
                pane.show_thinking = Some(!shown);
                let word = if shown { "hidden" } else { "shown" };
                notice(app, format!("thinking {word}"));
            }
        }
        Command::NextTheme => {
            if !app.themes.is_empty() {
                let i = app
                    .themes
                    .iter()
                    .position(|t| t.name == app.theme.name)
                    .map_or(0, |i| (i + 1) % app.themes.len());
                app.theme = app.themes[i].clone();
                notice(app, format!("theme: {}", app.theme.name));
            }
        }
        Command::Presentation => app.presentation = !app.presentation,
        Command::Vote => {
            if app.rounds == 0 {
                return notice_error(app, "nothing to judge yet");
            }
            app.vote_pending = Some(super::state::VoteEntry::Start);
            notice(app, super::vote_keys::prompt(app));
        }
        Command::AnswerTools => {
            let typed = app.prompt_text();
            let typed = (!typed.trim().is_empty()).then_some(typed);
            let from_prompt = typed.is_some();
            match answer_tools(app, typed, false, fx) {
                0 if app.notice.is_none() => notice_error(app, "no tool calls are waiting"),
                0 => {}
                n => {
                    if from_prompt {
                        app.prompt = crate::ui::prompt::new_editor();
                    }
                    notice(app, format!("tool results sent to {n} pane{}", plural(n)));
                }
            }
        }
        Command::AttachImage => {
            let mut lines = app.prompt.lines().to_vec();
            let path = lines.pop().unwrap_or_default();
            if path.trim().is_empty() {
                return notice_error(
                    app,
                    "type an image's path on the prompt's last line, then Alt+I",
                );
            }
            set_prompt(&mut app.prompt, lines.join("\n").trim_end());
            fx.push(Effect::Attach {
                path: path.trim().to_string(),
            });
        }
        Command::DropImages => {
            let n = app.attachments.len();
            app.attachments.clear();
            if n == 0 {
                notice_error(app, "no images are attached");
            } else {
                notice(app, format!("dropped {n} image{}", plural(n)));
            }
        }
        Command::AutoTools => {
            app.auto_tools = match app.auto_tools {
                Some(_) => None,
                None => Some(AUTO_TOOL_STEPS),
            };
            let on = app.auto_tools.is_some();
            notice(
                app,
                if on {
                    "tool calls are answered with canned results, 5 steps per prompt (Alt+A stops)"
                } else {
                    "tool calls wait for you again"
                },
            );
            if on {
                auto_answer(app, fx);
            }
        }
        Command::Library => {
            let mut input = TextArea::default();
            input.set_placeholder_text("filter, or a name to save the prompt as");
            app.overlay = Some(Overlay::Library {
                input: Box::new(input),
                selected: 0,
            });
        }
        Command::Sessions => {
            let mut input = TextArea::default();
            input.set_placeholder_text("search prompts and answers");
            app.overlay = Some(Overlay::Sessions(Box::new(super::state::Browser {
                input,
                sessions: None,
                selected: 0,
            })));
            fx.push(Effect::LoadSessions {
                query: String::new(),
            });
        }
        Command::Diff => {
            if app.panes.len() < 2 {
                return notice_error(app, "a diff needs two panes");
            }
            let left = app.focus;
            app.overlay = Some(Overlay::Diff {
                left,
                right: (left + 1) % app.panes.len(),
            });
        }
        Command::Rerun => {
            if app
                .panes
                .get(app.focus)
                .and_then(|p| p.turns.last())
                .is_none()
            {
                return notice_error(app, "nothing to rerun yet");
            }
            app.rerun_pending = true;
            notice(app, "rerun: how many more times? 2–7");
        }
        Command::Blind => {
            app.blind = !app.blind;
            shuffle(app);
            notice(
                app,
                if app.blind {
                    "blind judging: names hidden until you vote (F6)"
                } else {
                    "blind judging off"
                },
            );
        }
        Command::Scoreboard => {
            let rows = app.scoreboard();
            app.overlay = Some(Overlay::Scoreboard {
                all: false,
                rows: Some(Ok(rows)),
            });
        }
        Command::CopyAnswer => copy(app, None, fx),
        Command::CopyPrefix => {
            app.copy_pending = true;
            notice(app, "copy: y for the answer, 1–9 for that code block");
        }
        Command::NextWorkspace => next_workspace(app, fx),
        Command::SpendBreakdown => {
            app.overlay = Some(Overlay::Spend(None));
            fx.push(Effect::LoadBreakdown);
        }
        Command::Resend => resend(app, fx),
        Command::ResendFocused => resend_focused(app, fx),
        // Esc drops a search before it leaves the panes.
        Command::Switch if app.search.is_some() && app.zone == Zone::Panes => app.search = None,
        Command::Search => super::find::start(app),
        Command::Vars => super::vars_keys::open(app, None),
        Command::NextMatch => super::find::step(app, true),
        Command::PrevMatch => super::find::step(app, false),
        Command::NextRound => super::find::jump(app, super::find::Mark::Round, true),
        Command::PrevRound => super::find::jump(app, super::find::Mark::Round, false),
        Command::NextCode => super::find::jump(app, super::find::Mark::Code, true),
        Command::PrevCode => super::find::jump(app, super::find::Mark::Code, false),
        Command::Switch => {
            app.zone = match app.zone {
                Zone::Prompt => Zone::Panes,
                Zone::Panes => Zone::Prompt,
            };
        }
        Command::CancelAll => {
            let n = stop_all(app, Status::Cancelled, fx);
            if n > 0 {
                notice(app, format!("cancelled {n} stream{}", plural(n)));
            } else {
                notice(app, "nothing is streaming");
            }
        }
        Command::CancelFocused => {
            if stop_pane(app, app.focus, Status::Cancelled, fx) {
                notice(app, "cancelled");
            }
        }
        Command::Clear => {
            stop_all(app, Status::Cancelled, fx);
            let mut kept = Vec::new();
            for pane in &mut app.panes {
                let turns = std::mem::take(&mut pane.turns);
                let id =
                    std::mem::replace(&mut pane.session_id, crate::app::state::new_session_id());
                kept.push((pane.id, turns, id));
                pane.scroll = None;
            }
            app.undo = Some(super::state::Undo::Cleared(kept));
            notice(app, "conversations cleared — u (Alt+U) brings them back");
        }
        Command::Undo => undo(app),
        // Panes are numbered, and walked, in the order they are shown (shuffled while blind).
        Command::NextPane => {
            let n = app.panes.len().max(1);
            let slot = (app.slot_of(app.focus) + 1) % n;
            focus(app, app.pane_in_slot(slot));
        }
        Command::PrevPane => {
            let n = app.panes.len().max(1);
            let slot = (app.slot_of(app.focus) + n - 1) % n;
            focus(app, app.pane_in_slot(slot));
        }
        Command::FocusPane(slot) => {
            if slot < app.panes.len() {
                focus(app, app.pane_in_slot(slot));
            }
        }
        Command::Zoom => app.zoomed = !app.zoomed,
        Command::AddPane => {
            if app.panes.len() >= MAX_PANES {
                notice_error(app, format!("at most {MAX_PANES} panes"));
            } else {
                app.overlay = Some(Overlay::Picker(Box::new(Picker::new(
                    PickMode::AddPane,
                    &app.entries,
                ))));
            }
        }
        Command::ClosePane => close_pane(app, fx),
        Command::PageUp => scroll(app, app.focus, |_, page| -(page as isize)),
        Command::PageDown => scroll(app, app.focus, |_, page| page as isize),
        Command::LineUp => scroll(app, app.focus, |_, _| -1),
        Command::LineDown => scroll(app, app.focus, |_, _| 1),
        Command::Top => {
            if let Some(p) = app.panes.get_mut(app.focus) {
                p.scroll = Some(0);
            }
        }
        Command::Bottom => {
            if let Some(p) = app.panes.get_mut(app.focus) {
                p.scroll = None;
            }
        }
        Command::Editor => fx.push(Effect::OpenEditor {
            text: app.prompt_text(),
        }),
        Command::Help => {
            app.overlay = Some(Overlay::Help {
                scroll: 0,
                max: std::cell::Cell::new(u16::MAX),
            });
        }
        Command::Quit => {
            if app.any_active() || has_draft(app) {
                app.overlay = Some(Overlay::ConfirmQuit);
            } else {
                quit_now(app, fx);
            }
        }
        Command::FocusPrompt => app.zone = Zone::Prompt,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn focus(app: &mut App, i: usize) {
    if app.focus != i {
        // A search's matches are the focused pane's: another pane is searched anew.
        if let Some(s) = app.search.as_mut() {
            s.hits.clear();
            s.current = None;
        }
    }
    app.focus = i;
}

fn on_overlay_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers == KeyModifiers::CONTROL;
    match app.overlay.take() {
        Some(Overlay::Help { scroll, max }) => {
            // Clamped, so turning back at the end moves at once.
            let scroll = scroll.min(max.get());
            let scroll = match key.code {
                KeyCode::Down | KeyCode::Char('j') => Some(scroll.saturating_add(1)),
                KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll.saturating_add(10)),
                KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                _ if ctrl_c => return run_command(app, Command::Quit, fx),
                _ => None,
            };
            if let Some(scroll) = scroll {
                let scroll = scroll.min(max.get());
                app.overlay = Some(Overlay::Help { scroll, max });
            }
        }
        Some(Overlay::ConfirmQuit) => match key.code {
            KeyCode::Char('y' | 'Y' | 'q') | KeyCode::Enter => quit_now(app, fx),
            _ if ctrl_c => quit_now(app, fx),
            _ => {}
        },
        Some(Overlay::Picker(mut picker)) => {
            let keep_open = !ctrl_c && picker_key(app, &mut picker, key);
            app.overlay = if keep_open {
                ask_endpoints(app, &picker, fx);
                Some(Overlay::Picker(picker))
            } else {
                picker.return_to.take().map(Overlay::Panel)
            };
        }
        Some(Overlay::Panel(panel)) => {
            app.overlay = super::panel_keys::panel_key(app, panel, key, fx);
        }
        Some(Overlay::Spend(_) | Overlay::Trail(_)) => {}
        Some(Overlay::Vars {
            mut input,
            mut selected,
            mut error,
        }) => {
            let open = super::vars_keys::key(app, &mut input, &mut selected, &mut error, key);
            app.overlay = open.then_some(Overlay::Vars {
                input,
                selected,
                error,
            });
        }
        Some(Overlay::Library {
            mut input,
            selected,
        }) => {
            let query = input.lines().join("");
            let matches = library_matches(app, &query);
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            match key.code {
                KeyCode::Esc => {}
                _ if ctrl_c => {}
                KeyCode::Char('s') if ctrl => {
                    let text = app.prompt_text();
                    if text.trim().is_empty() {
                        notice_error(app, "type a prompt first, then save it here");
                    } else {
                        fx.push(Effect::SavePrompt { name: query, text });
                    }
                }
                KeyCode::Enter => match matches.get(selected).and_then(|i| app.library.get(*i)) {
                    Some(saved) => {
                        let text = saved.text.clone();
                        app.prompt.insert_str(&text);
                        app.zone = Zone::Prompt;
                    }
                    None => app.overlay = Some(Overlay::Library { input, selected }),
                },
                KeyCode::Up => {
                    app.overlay = Some(Overlay::Library {
                        input,
                        selected: selected.saturating_sub(1),
                    });
                }
                KeyCode::Down => {
                    app.overlay = Some(Overlay::Library {
                        input,
                        selected: (selected + 1).min(matches.len().saturating_sub(1)),
                    });
                }
                _ => {
                    input.input(Input::from(key));
                    app.overlay = Some(Overlay::Library { input, selected: 0 });
                }
            }
        }
        Some(Overlay::Sessions(mut b)) => match key.code {
            KeyCode::Esc => {}
            _ if ctrl_c => {}
            KeyCode::Up => {
                b.selected = b.selected.saturating_sub(1);
                app.overlay = Some(Overlay::Sessions(b));
            }
            KeyCode::Down => {
                let n = b
                    .sessions
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map_or(0, Vec::len);
                b.selected = (b.selected + 1).min(n.saturating_sub(1));
                app.overlay = Some(Overlay::Sessions(b));
            }
            KeyCode::Enter | KeyCode::Tab => {
                let read_only = key.code == KeyCode::Tab;
                let id = b
                    .sessions
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .and_then(|l| l.get(b.selected))
                    .map(|s| s.id);
                if id.is_some() && id == app.recording {
                    // The live session is not loaded again from the disk: it is right here.
                    if app.live.is_some() {
                        back_to_live(app);
                    } else {
                        notice(app, "that is the session you are in");
                    }
                } else if let Some(id) = id {
                    fx.push(Effect::OpenSession { id, read_only });
                    notice(app, format!("opening session {id}…"));
                } else {
                    app.overlay = Some(Overlay::Sessions(b));
                }
            }
            _ => {
                b.input.input(Input::from(key));
                b.selected = 0;
                fx.push(Effect::LoadSessions {
                    query: b.input.lines().join(" "),
                });
                app.overlay = Some(Overlay::Sessions(b));
            }
        },
        Some(Overlay::Diff { left, right }) => {
            let n = app.panes.len().max(1);
            let step = |r: usize, d: isize| {
                let mut next = r;
                // Skips the left pane: a diff against itself says nothing.
                for _ in 0..n {
                    next = (next as isize + d).rem_euclid(n as isize) as usize;
                    if next != left {
                        break;
                    }
                }
                next
            };
            app.overlay = match key.code {
                KeyCode::Right | KeyCode::Char('l') => Some(Overlay::Diff {
                    left,
                    right: step(right, 1),
                }),
                KeyCode::Left | KeyCode::Char('h') => Some(Overlay::Diff {
                    left,
                    right: step(right, -1),
                }),
                _ => None,
            };
        }
        Some(Overlay::Scoreboard { all, .. }) if key.code == KeyCode::Char('a') => {
            if all {
                app.overlay = Some(Overlay::Scoreboard {
                    all: false,
                    rows: Some(Ok(app.scoreboard())),
                });
            } else {
                app.overlay = Some(Overlay::Scoreboard {
                    all: true,
                    rows: None,
                });
                fx.push(Effect::LoadScoreboard);
            }
        }
        Some(Overlay::Scoreboard { .. }) => {}
        None => {}
    }
}

/// Library entries matching `query` (fuzzy, over names and text), best first.
pub fn library_matches(app: &App, query: &str) -> Vec<usize> {
    let infos: Vec<crate::catalog::ModelInfo> = app
        .library
        .iter()
        .map(|s| {
            let mut m = crate::catalog::ModelInfo::bare(s.name.clone());
            m.name = Some(s.text.chars().take(200).collect());
            m
        })
        .collect();
    crate::catalog::fuzzy::Search::default().run(
        &infos,
        query,
        crate::catalog::Tag::All,
        crate::catalog::fuzzy::Sort::Relevance,
    )
}

/// Replaces the panes with a stored session's, conversations and all, and carries it on.
fn resume(
    app: &mut App,
    (summary, rounds): (
        crate::session::export::SessionSummary,
        Vec<crate::session::export::RoundRec>,
    ),
    read_only: bool,
    fx: &mut Vec<Effect>,
) {
    let (panes, last) = crate::session::resume::panes(&app.providers, &rounds, app.now);
    if panes.is_empty() {
        return notice_error(
            app,
            format!("session {} has no answers to carry on from", summary.id),
        );
    }
    stop_all(app, Status::Cancelled, fx);
    if read_only && !app.read_only {
        // Looking is not leaving: the live session waits aside (Ctrl+B).
        app.live = Some(Box::new(super::state::Live {
            panes: std::mem::take(&mut app.panes),
            rounds: app.rounds,
            focus: app.focus,
            order: std::mem::take(&mut app.order),
            session_label: app.session_label.clone(),
            resumed: app.resumed,
        }));
    } else if !read_only {
        app.live = None;
    }
    // Request ids stay unique: the resumed answers are renumbered after this session's.
    let mut panes = panes;
    for p in &mut panes {
        for t in &mut p.turns {
            t.answer.request += app.next_request;
        }
    }
    app.next_request = panes
        .iter()
        .flat_map(|p| &p.turns)
        .map(|t| t.answer.request)
        .max()
        .unwrap_or(app.next_request)
        + 1;
    app.panes = panes;
    app.focus = 0;
    app.zoomed = false;
    app.order.clear();
    app.rounds = last;
    app.read_only = read_only;
    if read_only {
        app.session_label = format!("{} (read-only)", summary.id);
        return notice(
            app,
            format!(
                "viewing session {} — Ctrl+O, then Enter, resumes it; Ctrl+B goes back to yours",
                summary.id
            ),
        );
    }
    app.resumed = Some(summary.id);
    app.session_label = crate::session::resume::label(&summary);
    fx.push(history(Op::Resume {
        session: summary.id,
    }));
    notice(app, format!("resumed session {}", summary.id));
}

/// Leaves a read-only look at a stored session for the live one, as it was left.
fn back_to_live(app: &mut App) {
    let Some(live) = app.live.take() else {
        return notice_error(app, "this is the live session");
    };
    let live = *live;
    app.panes = live.panes;
    app.rounds = live.rounds;
    app.focus = live.focus.min(app.panes.len().saturating_sub(1));
    app.order = live.order;
    app.session_label = live.session_label;
    app.resumed = live.resumed;
    app.read_only = false;
    app.zoomed = false;
    notice(app, "back to the live session");
}

/// Sends the focused pane's last prompt `n` more times, each in a new pane with the same
/// model and settings, to see how much its answers vary.
fn rerun(app: &mut App, n: usize, fx: &mut Vec<Effect>) {
    let Some(source) = app.panes.get(app.focus) else {
        return;
    };
    let Some((prompt, images)) = source
        .turns
        .last()
        .map(|t| (t.prompt.clone(), t.images.clone()))
    else {
        return;
    };
    let room = MAX_PANES.saturating_sub(app.panes.len());
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
    for _ in 0..n {
        let mut pane = Pane::new(model.clone(), provider.clone());
        pane.settings = settings.clone();
        app.panes.push(pane);
        let i = app.panes.len() - 1;
        start_turn(app, i, round, (prompt.clone(), images.clone()), false, fx);
    }
    notice(app, format!("rerun ×{n} of {model}"));
}

/// A new display order: shuffled while blind (seeded by the round), in order otherwise.
fn shuffle(app: &mut App) {
    let n = app.panes.len();
    app.order = (0..n).collect();
    if app.blind && n > 1 {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
            app.rounds.wrapping_mul(0x9E37_79B9) ^ app.unix as u64,
        );
        app.order.shuffle(&mut rng);
    }
}

/// How many tool steps auto mode takes before handing back to the user.
const AUTO_TOOL_STEPS: u32 = 5;

/// A prompt the user sends starts a new chain of tool steps: auto mode stays on, and the
/// cap counts the steps of this prompt, not the ones before it.
fn renew_tool_steps(app: &mut App) {
    if app.auto_tools.is_some() {
        app.auto_tools = Some(AUTO_TOOL_STEPS);
    }
}

/// In auto mode, answers waiting calls with canned results, counting the steps.
fn auto_answer(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(left) = app.auto_tools else {
        return;
    };
    if !app.panes.iter().any(|p| !pending_calls(p).is_empty()) {
        return;
    }
    if left == 0 {
        app.auto_tools = None;
        return notice(app, "auto tool answers stopped after 5 steps");
    }
    if answer_tools(app, None, true, fx) > 0 {
        app.auto_tools = Some(left - 1);
    } else {
        app.auto_tools = None;
    }
}

/// The tool calls a pane is waiting on: its last answer finished with calls.
fn pending_calls(pane: &Pane) -> Vec<crate::tools::ToolCall> {
    match pane.turns.last() {
        Some(t) if t.answer.status == Status::Done => t.answer.tool_calls.clone(),
        _ => Vec::new(),
    }
}

/// Answers every pending tool call: with `typed` when given, else each tool's canned result.
/// Every pane that made calls continues its conversation with `tool` messages.
fn answer_tools(app: &mut App, typed: Option<String>, auto: bool, fx: &mut Vec<Effect>) -> usize {
    let mut answered = 0;
    let mut round = None;
    for i in 0..app.panes.len() {
        let calls = pending_calls(&app.panes[i]);
        if calls.is_empty() {
            continue;
        }
        let mut results = Vec::new();
        for call in &calls {
            let canned = || {
                app.tools
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

/// Copies the focused pane's last answer, or its `block`th code block.
fn copy(app: &mut App, block: Option<usize>, fx: &mut Vec<Effect>) {
    let Some(answer) = app.panes.get(app.focus).and_then(Pane::current) else {
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
fn next_workspace(app: &mut App, fx: &mut Vec<Effect>) {
    let mut names: Vec<Option<String>> = vec![None];
    names.extend(app.workspaces.keys().cloned().map(Some));
    if names.len() == 1 {
        return notice_error(
            app,
            "no saved workspaces yet — F2, then w, saves this pane set as one",
        );
    }
    let i = names.iter().position(|n| *n == app.workspace).unwrap_or(0);
    let next = names[(i + 1) % names.len()].clone();
    stop_all(app, Status::Cancelled, fx);
    let current_key = app.workspace.clone().unwrap_or_default();
    let leaving = std::mem::take(&mut app.panes);
    app.stashed.insert(current_key, leaving);
    let next_key = next.clone().unwrap_or_default();
    app.panes = match app.stashed.remove(&next_key) {
        Some(panes) => panes,
        None => match &next {
            Some(name) => app.workspaces[name]
                .iter()
                .map(|pc| crate::setup::from_config(&app.providers, pc))
                .collect(),
            None => app
                .default_panes
                .iter()
                .map(|pc| crate::setup::from_config(&app.providers, pc))
                .collect(),
        },
    };
    if app.panes.is_empty() {
        let (provider, model) = app.providers.route("sim/swift");
        app.panes.push(Pane::new(model, provider));
    }
    app.focus = 0;
    app.zoomed = false;
    app.workspace = next;
    notice(
        app,
        format!(
            "workspace: {}",
            app.workspace.as_deref().unwrap_or("default")
        ),
    );
}

fn close_pane(app: &mut App, fx: &mut Vec<Effect>) {
    if app.panes.len() <= 1 {
        return notice_error(app, "the last pane cannot be closed");
    }
    stop_pane(app, app.focus, Status::Cancelled, fx);
    let at = app.focus;
    let pane = app.panes.remove(at);
    app.focus = app.focus.min(app.panes.len() - 1);
    if app.panes.len() == 1 {
        app.zoomed = false;
    }
    notice(
        app,
        format!("closed {} — u (Alt+U) brings it back", pane.model),
    );
    app.undo = Some(super::state::Undo::Closed(at, Box::new(pane)));
}

/// Brings back the pane closed last, or the conversations cleared last.
fn undo(app: &mut App) {
    match app.undo.take() {
        None => notice_error(app, "nothing to bring back"),
        Some(super::state::Undo::Closed(at, pane)) => {
            if app.panes.len() >= MAX_PANES {
                app.undo = Some(super::state::Undo::Closed(at, pane));
                return notice_error(app, format!("at most {MAX_PANES} panes"));
            }
            let at = at.min(app.panes.len());
            let model = pane.model.clone();
            app.panes.insert(at, *pane);
            app.focus = at;
            notice(app, format!("{model} is back"));
        }
        Some(super::state::Undo::Cleared(kept)) => {
            for (id, turns, session) in kept {
                // A pane that has talked since keeps its new conversation.
                if let Some(p) = app
                    .panes
                    .iter_mut()
                    .find(|p| p.id == id && p.turns.is_empty())
                {
                    p.turns = turns;
                    p.session_id = session;
                    p.scroll = None;
                }
            }
            notice(app, "conversations are back");
        }
    }
}

/// Sends the prompt to every pane (`only == None`) or to one, unless the round could cross a
/// budget limit and the user has not said to go anyway.
fn send(app: &mut App, only: Option<usize>, anyway: bool, fx: &mut Vec<Effect>) {
    let text = app.prompt_text();
    if text.trim().is_empty() {
        return notice_error(app, "type a prompt first");
    }
    if let Some(name) = crate::vars::missing(&text, &app.vars) {
        super::vars_keys::open(app, Some(&name));
        return notice_error(
            app,
            format!("not sent: the prompt uses {{{{{name}}}}}: give it a value, Enter sets it"),
        );
    }
    let text = match crate::vars::fill(&text, &app.vars) {
        Ok(t) => t,
        Err(e) => return notice_error(app, format!("not sent: {e}")),
    };
    let targets: Vec<usize> = match only {
        Some(i) if i < app.panes.len() => vec![i],
        Some(_) => return,
        None => (0..app.panes.len()).collect(),
    };
    if !anyway && app.budget.is_set() {
        let mut worst = 0.0;
        for &i in &targets {
            match worst_case(app, i, app.panes[i].turns.len(), &text) {
                Some(c) => worst += c,
                // An unknown price is not $0: a budget cannot vouch for what it cannot price.
                None => {
                    let model = app.panes[i].model.clone();
                    return notice_error(
                        app,
                        format!(
                            "not sent: a budget is set and {model} has no known price, so this round's worst case cannot be priced — Ctrl+G sends anyway (or give it a price in the config)"
                        ),
                    );
                }
            }
        }
        if let Some(breach) = app.budget.check(app.live_spent(), worst) {
            return notice_error(app, format!("{} — Ctrl+G sends anyway", breach.refusal()));
        }
    }
    let images: Vec<String> = app.attachments.iter().map(|a| a.data_url.clone()).collect();
    // Panes whose catalog entry takes no images say so instead of sending them.
    let blind: Vec<usize> = targets
        .iter()
        .copied()
        .filter(|&i| {
            let p = &app.panes[i];
            !images.is_empty()
                && app
                    .model_info(&p.provider, &p.model)
                    .is_some_and(|m| !m.vision)
        })
        .collect();
    if !blind.is_empty() && blind.len() == targets.len() {
        let names: Vec<String> = blind.iter().map(|&i| app.panes[i].model.clone()).collect();
        return notice_error(
            app,
            format!(
                "not sent: {} {} no images — Alt+X drops the images",
                names.join(", "),
                if names.len() == 1 { "takes" } else { "take" }
            ),
        );
    }
    // Calls still waiting go back as "not answered" (see `Pane::params_for`): say so.
    let skipped: Vec<String> = targets
        .iter()
        .filter(|&&i| !pending_calls(&app.panes[i]).is_empty())
        .map(|&i| (i + 1).to_string())
        .collect();
    let round = new_round(app, &text, fx);
    renew_tool_steps(app);
    if !skipped.is_empty() {
        notice(
            app,
            format!(
                "pane {}: waiting tool calls sent back as not answered (Alt+T answers them instead)",
                skipped.join(", ")
            ),
        );
    }
    if app.blind {
        shuffle(app);
    }
    for i in targets {
        if blind.contains(&i) {
            refuse_images(app, i, round, &text);
        } else {
            start_turn(app, i, round, (text.clone(), images.clone()), anyway, fx);
        }
    }
    app.attachments.clear();
    app.history.push(&text);
    fx.push(Effect::SaveHistory { prompt: text });
    app.prompt = crate::ui::prompt::new_editor();
}

/// A turn that was never sent: the model takes no images, and the answer says so.
fn refuse_images(app: &mut App, i: usize, round: u64, prompt: &str) {
    let request = app.next_request;
    app.next_request += 1;
    let mut answer = Answer::new(request, app.now);
    answer.finished = Some(app.now);
    answer.status = Status::Failed(crate::provider::ApiError::NotSent(format!(
        "{} takes no images (its catalog entry has no image input)",
        app.panes[i].model
    )));
    let pane = &mut app.panes[i];
    pane.turns.push(Turn {
        round,
        prompt: prompt.to_string(),
        tool_results: Vec::new(),
        images: Vec::new(),
        answer,
    });
    pane.scroll = None;
}

/// The most a turn could cost: the prompt, plus the longest answer the model may give. With no
/// known limit on the answer, only the prompt is counted and the live guard watches the rest.
/// `None` when the model's price is unknown or dynamic.
fn worst_case(app: &App, i: usize, upto: usize, prompt: &str) -> Option<f64> {
    let pane = &app.panes[i];
    let price = app.price_of(&pane.provider, &pane.model)?;
    let prompt_tokens = estimate_prompt_tokens(&pane.params(upto, prompt).messages);
    let max_out = pane.settings.max_tokens.map(u64::from).or_else(|| {
        app.model_info(&pane.provider, &pane.model)
            .and_then(|m| m.max_completion)
    });
    price.cost(prompt_tokens, max_out.unwrap_or(0))
}

/// Starts (or restarts) a turn in pane `i`: `Some(turn)` regenerates that turn's answer,
/// `None` appends a new turn with `prompt`.
fn begin(
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
fn begin_with(
    app: &mut App,
    i: usize,
    round: u64,
    input: TurnInput,
    regenerate: bool,
    exempt: bool,
    fx: &mut Vec<Effect>,
) {
    stop_pane(app, i, Status::Cancelled, fx);
    let request = app.next_request;
    app.next_request += 1;
    let now = app.now;
    let upto = if regenerate {
        app.panes[i].turns.len().saturating_sub(1)
    } else {
        app.panes[i].turns.len()
    };
    let price = app.price_of(&app.panes[i].provider, &app.panes[i].model);
    let offered: Vec<serde_json::Value> = app
        .tools
        .iter()
        .filter(|t| app.panes[i].settings.tools.contains(&t.name))
        .map(crate::tools::ToolDef::wire)
        .collect();
    let pane = &mut app.panes[i];
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
        settings: serde_json::Value::Object(settings).to_string(),
        tool_results: match &input {
            TurnInput::ToolResults(r) => serde_json::to_string(r).ok(),
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
    pane.scroll = None;
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
fn new_round(app: &mut App, prompt: &str, fx: &mut Vec<Effect>) -> u64 {
    app.rounds += 1;
    fx.push(history(Op::Round {
        round: app.rounds,
        prompt: prompt.to_string(),
        at: app.unix,
    }));
    app.rounds
}

fn start_turn(
    app: &mut App,
    i: usize,
    round: u64,
    prompt: (String, Vec<String>),
    exempt: bool,
    fx: &mut Vec<Effect>,
) {
    if i < app.panes.len() {
        begin(app, i, round, prompt, false, exempt, fx);
    }
}

/// Re-sends the last prompt. When some panes failed, only those: the answers that came are
/// not paid for again (a second Ctrl+R then regenerates every pane). A pane with no turns
/// gets the last prompt anew.
fn resend(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(last) = app.history.entries.last().cloned() else {
        return notice_error(app, "nothing to re-send yet");
    };
    let failed: Vec<usize> = (0..app.panes.len())
        .filter(|&i| {
            let pane = &app.panes[i];
            !pane.is_active()
                && pane
                    .turns
                    .last()
                    .is_some_and(|t| failure(&t.answer).is_some())
        })
        .collect();
    let all = failed.is_empty();
    let targets: Vec<usize> = if all {
        (0..app.panes.len()).collect()
    } else {
        failed
    };
    let mut fresh_round = None;
    for &i in &targets {
        resend_pane(app, i, &last, &mut fresh_round, fx);
    }
    if !all {
        let n = targets.len();
        notice(
            app,
            format!(
                "retrying {n} failed pane{} (Ctrl+R again re-sends every pane)",
                plural(n)
            ),
        );
    }
}

/// Re-sends the focused pane's last prompt to it alone.
fn resend_focused(app: &mut App, fx: &mut Vec<Effect>) {
    let i = app.focus;
    let Some(pane) = app.panes.get(i) else {
        return;
    };
    if pane.is_active() {
        return notice_error(app, "this pane is still streaming: x cancels it first");
    }
    let Some(last) = app.history.entries.last().cloned() else {
        return notice_error(app, "nothing to re-send yet");
    };
    resend_pane(app, i, &last, &mut None, fx);
}

/// Regenerates pane `i`'s last answer, or sends it `last` when it has none (in a round
/// opened once for all such panes).
fn resend_pane(
    app: &mut App,
    i: usize,
    last: &str,
    fresh_round: &mut Option<u64>,
    fx: &mut Vec<Effect>,
) {
    match app.panes[i].turns.last() {
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
                app.panes[i].settings.max_tokens = Some(n);
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

fn edit_prompt(app: &mut App, key: KeyEvent) {
    let (row, _) = app.prompt.cursor();
    let last_row = app.prompt.lines().len().saturating_sub(1);
    let plain = key.modifiers == KeyModifiers::NONE;
    let ctrl = key.modifiers == KeyModifiers::CONTROL;
    match key.code {
        // As in a shell; the editor's own Ctrl+U is undo, which Ctrl+Z does here.
        KeyCode::Char('u') if ctrl => {
            app.prompt.delete_line_by_head();
            return;
        }
        KeyCode::Char('z') if ctrl => {
            app.prompt.undo();
            return;
        }
        KeyCode::Up if plain && row == 0 => return history_prev(app),
        KeyCode::Down if plain && row == last_row => return history_next(app),
        KeyCode::Enter
            if key
                .modifiers
                .intersects(KeyModifiers::ALT | KeyModifiers::SHIFT) =>
        {
            app.prompt.insert_newline();
            return;
        }
        _ => {}
    }
    app.prompt.input(Input::from(key));
}

fn history_prev(app: &mut App) {
    let h = &mut app.history;
    if h.entries.is_empty() {
        return;
    }
    let next = match h.cursor {
        None => {
            h.draft = app.prompt.lines().join("\n");
            h.entries.len() - 1
        }
        Some(0) => return,
        Some(i) => i - 1,
    };
    h.cursor = Some(next);
    let text = h.entries[next].clone();
    set_prompt(&mut app.prompt, &text);
}

fn history_next(app: &mut App) {
    let h = &mut app.history;
    let Some(i) = h.cursor else {
        return;
    };
    let text = if i + 1 < h.entries.len() {
        h.cursor = Some(i + 1);
        h.entries[i + 1].clone()
    } else {
        h.cursor = None;
        std::mem::take(&mut h.draft)
    };
    set_prompt(&mut app.prompt, &text);
}

fn set_prompt(prompt: &mut TextArea<'static>, text: &str) {
    let mut fresh = crate::ui::prompt::new_editor();
    fresh.insert_str(text);
    fresh.move_cursor(CursorMove::Bottom);
    fresh.move_cursor(CursorMove::End);
    *prompt = fresh;
}

fn on_paste(app: &mut App, text: &str) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    match &mut app.overlay {
        Some(Overlay::Picker(picker)) => {
            picker
                .input
                .insert_str(text.lines().next().unwrap_or("").trim());
            picker.refresh(&app.entries);
        }
        Some(_) => {}
        None => {
            app.zone = Zone::Prompt;
            app.prompt.insert_str(&text);
        }
    }
}

fn on_mouse(app: &mut App, m: crossterm::event::MouseEvent) {
    if app.overlay.is_some() {
        return;
    }
    let lay = layout::compute(app);
    let hit = lay.pane_at(m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(i) = hit.or_else(|| lay.tab_at(m.column, m.row)) {
                app.focus = i;
                app.zone = Zone::Panes;
            } else if layout::contains(lay.prompt, m.column, m.row) {
                app.zone = Zone::Prompt;
            }
        }
        MouseEventKind::ScrollUp => scroll(app, hit.unwrap_or(app.focus), |_, _| -3),
        MouseEventKind::ScrollDown => scroll(app, hit.unwrap_or(app.focus), |_, _| 3),
        _ => {}
    }
}

/// Moves pane `i`'s view by `delta(total_lines, page)` lines; reaching the end follows the tail.
fn scroll(app: &mut App, i: usize, delta: impl Fn(usize, usize) -> isize) {
    let lay = layout::compute(app);
    let Some(rect) = lay.rect_of(i) else {
        return;
    };
    let inner = layout::pane_inner(rect);
    let Some(pane) = app.panes.get(i) else {
        return;
    };
    let total = pane
        .cache
        .borrow_mut()
        .view(pane, inner.width as usize, &app.theme, app.expand_thinking)
        .total();
    let Some(pane) = app.panes.get_mut(i) else {
        return;
    };
    let page = (inner.height as usize).max(1);
    let max_top = total.saturating_sub(page);
    let top = pane.scroll.unwrap_or(max_top) as isize;
    let new_top =
        (top + delta(total, page.saturating_sub(1).max(1))).clamp(0, max_top as isize) as usize;
    pane.scroll = (new_top < max_top).then_some(new_top);
}

fn on_stream(app: &mut App, request: u64, event: StreamEvent, fx: &mut Vec<Effect>) {
    let now = app.now;
    // Events of a cancelled or replaced request find no running answer and are dropped.
    let Some(i) = app.panes.iter().position(|p| {
        p.current()
            .is_some_and(|a| a.request == request && a.status.is_active())
    }) else {
        return;
    };
    if let StreamEvent::TokenField(field) = &event {
        let provider = app.panes[i].provider.clone();
        if let Some(ep) = app.providers.endpoints.get_mut(&provider) {
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
    let Some(answer) = app.panes[i].turns.last_mut().map(|t| &mut t.answer) else {
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
            let tools = app.tools.clone();
            let format = app.panes[i].settings.response_format.clone();
            if let Some(a) = app.panes[i].turns.last_mut().map(|t| &mut t.answer) {
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
const CHECKPOINT: std::time::Duration = std::time::Duration::from_millis(250);

/// Appends what pane `i`'s answer received since its last checkpoint, at most every 250 ms.
fn checkpoint(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    let (now, unix) = (app.now, app.unix);
    let Some(a) = app
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
fn guard_budget(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(breach) = app.budget.check(app.live_spent(), 0.0) else {
        return;
    };
    let guarded: Vec<usize> = (0..app.panes.len())
        .filter(|&i| {
            app.panes[i]
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
fn mark(answer: &mut Answer, kind: char, now: std::time::Instant) {
    use std::fmt::Write;
    let ms = now.saturating_duration_since(answer.started).as_millis();
    let len = if kind == 'a' {
        answer.text.len()
    } else {
        answer.reasoning.len()
    };
    let _ = write!(answer.timeline, "{kind}{ms},{len};");
}

fn first_token(answer: &mut Answer, now: std::time::Instant) {
    answer.retrying = None;
    if answer.first_token.is_none() {
        answer.first_token = Some(now);
    }
    answer.status = Status::Streaming;
}

/// A delta is at least a token, whatever its length.
fn estimate_tokens(text: &str) -> u64 {
    crate::cost::price::estimate_tokens(text).max(1)
}

/// For tests and the UI: the error of a failed answer.
pub fn failure(answer: &Answer) -> Option<&ApiError> {
    match &answer.status {
        Status::Failed(e) => Some(e),
        _ => None,
    }
}
