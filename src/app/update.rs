//! The pure heart of the playground: `update(state, action) -> effects`. No I/O happens here.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use tui_textarea::TextArea;

use super::action::{Action, Effect};
use super::notice::{key, key_in, notice, notice_error, plural};
use super::overlay_keys::on_overlay_key;
use super::panes::{close_pane, copy, next_workspace, rerun, undo};
use super::picker::{PickMode, Picker};
use super::picker_keys::ask_endpoints;
use super::pointer::{on_mouse, scroll};
use super::prompt_keys::{edit_prompt, on_paste, set_prompt};
use super::sending::{resend, resend_focused, send};
use super::sessions::{back_to_live, resume};
use super::spend::KeyStatus;
use super::state::{Answer, App, Overlay, Status, Turn, Zone, MAX_PANES};
use super::streams::{on_billed, on_stream};
use super::tool_steps::{answer_tools, auto_answer};
use super::turn::{history, shuffle, stop_all, stop_pane, AUTO_TOOL_STEPS};
use crate::keymap::{Command, Mode};
use crate::session::store::Op;

pub use super::overlay_keys::library_matches;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.session.spend.roll(app.today);
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key, &mut fx),
        Action::Key(_) | Action::Tick => {}
        Action::Paste(text) => on_paste(app, &text),
        Action::Mouse(m) => on_mouse(app, m),
        Action::Resize(w, h) => app.view.size = (w, h),
        Action::Stream { request, event } => {
            on_stream(app, request, event, &mut fx);
            refresh_diff(app, request);
            // What the provider received arrives with the answer.
            if let Some(Overlay::Panel(p)) = &app.overlay {
                let mine = app
                    .pane_index(p.id)
                    .and_then(|i| app.session.panes[i].current())
                    .is_some_and(|a| a.request == request);
                if mine {
                    super::request_view::refresh(app);
                }
            }
        }
        Action::EditorClosed(Ok(text)) => {
            set_prompt(&mut app.view.prompt, text.trim_end_matches('\n'));
            app.view.zone = Zone::Prompt;
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
            app.session.key = Some((provider, status));
        }
        Action::Catalog { provider, result } => match result {
            Ok(catalog) => {
                app.set_catalog(catalog);
                if let Some(Overlay::Picker(p)) = &mut app.overlay {
                    p.refresh(&app.catalog.entries);
                }
                let replaced = app.replace_unlisted_defaults(&provider);
                if !replaced.is_empty() {
                    notice(app, replaced.join("; "));
                }
            }
            Err(e) => {
                let cached = app
                    .catalog
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
        Action::Copied(Ok(what)) => notice(app, what),
        Action::Copied(Err(e)) => notice_error(app, e),
        Action::PromptSaved(Ok(saved)) => {
            notice(app, format!("saved prompt {}", saved.name));
            app.config.library.retain(|s| s.name != saved.name);
            app.config.library.push(saved);
            app.config.library.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Action::PromptSaved(Err(e)) => notice_error(app, e),
        Action::Attached(Ok(image)) => {
            notice(
                app,
                format!("attached {} — it goes with the next prompt", image.label()),
            );
            app.session.attachments.push(image);
        }
        Action::Attached(Err((path, e))) => {
            // The path goes back where it was typed, so nothing is lost.
            let mut lines = app.view.prompt.lines().to_vec();
            if lines.iter().all(String::is_empty) {
                lines.clear();
            }
            lines.push(path);
            set_prompt(&mut app.view.prompt, &lines.join("\n"));
            notice_error(app, format!("not attached: {e}"));
        }
        Action::ReplayRound { prompt, requests } => {
            app.session.rounds += 1;
            let (round, now) = (app.session.rounds, app.now);
            for (pane, request) in requests {
                if let Some(p) = app.session.panes.get_mut(pane) {
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
        Action::Recording(id) => app.session.recording = id,
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
                        if let Some(p) = app.session.panes.iter_mut().find(|p| p.id == id) {
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
            app.catalog.endpoints.insert(model, endpoints);
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

/// What a session asks for as it opens: every usable provider's catalog and the key's credit.
/// A keyless OpenRouter is only the simulator's stand-in: its catalog serves no pane, and
/// offline its fetch would only fail, in place of the first screen's hints.
/// An open diff is made again when a piece of either of its answers arrives.
fn refresh_diff(app: &mut App, request: u64) {
    let Some(Overlay::Diff { left, right, .. }) = &app.overlay else {
        return;
    };
    let (left, right) = (*left, *right);
    let mine = |id| {
        app.pane_index(id)
            .and_then(|i| app.session.panes[i].current())
            .is_some_and(|a| a.request == request)
    };
    if mine(left) || mine(right) {
        app.overlay = Some(app.diff_overlay(left, right));
    }
}

pub fn startup(app: &App) -> Vec<Effect> {
    let mut fx: Vec<Effect> = app
        .config
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
    fx.push(history(match app.session.resumed {
        Some(session) => Op::Resume { session },
        None => Op::Session {
            started_at: app.unix,
            workspace: app.session.workspace.clone(),
        },
    }));
    fx
}

/// Whether the prompt holds text that was never sent.
pub(super) fn has_draft(app: &App) -> bool {
    !app.prompt_text().trim().is_empty()
}

pub(super) fn quit_now(app: &mut App, fx: &mut Vec<Effect>) {
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

pub(super) fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if app.overlay.is_some() {
        return on_overlay_key(app, key, fx);
    }
    // Any key acknowledges the last notice.
    app.view.notice = None;
    if std::mem::take(&mut app.view.rerun_pending) {
        return match key.code {
            KeyCode::Char(c @ '1'..='7') => rerun(app, c as usize - '0' as usize, fx),
            _ => notice(app, "no rerun"),
        };
    }
    if let Some(entry) = app.view.vote_pending.take() {
        return super::vote_keys::vote_key(app, entry, key, fx);
    }
    if std::mem::take(&mut app.view.copy_pending) {
        if app.config.keys.is(Mode::Copy, "answer", &key) {
            return copy(app, None, fx);
        }
        if let KeyCode::Char(c @ '1'..='9') = key.code {
            return copy(app, Some(c as usize - '1' as usize), fx);
        }
    }
    if app.view.search.as_ref().is_some_and(|s| s.editing) {
        return super::find::edit(app, key);
    }
    let prompt_empty = app.view.prompt.is_empty();
    if let Some(cmd) = app
        .config
        .keys
        .command(app.view.zone.mode(), &key, prompt_empty)
    {
        return run_command(app, cmd, fx);
    }
    if app.view.zone == Zone::Prompt {
        edit_prompt(app, key);
    }
}

pub(super) fn run_command(app: &mut App, cmd: Command, fx: &mut Vec<Effect>) {
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
        if let Some(id) = app.session.replaying {
            return notice_error(
                app,
                format!(
                    "a replay sends nothing: `switchboard --resume {id}` carries session {id} on"
                ),
            );
        }
        if app.session.read_only {
            let how = super::sessions::resume_how(app);
            return notice_error(app, format!("read-only: {how}"));
        }
    }
    match cmd {
        Command::BackToLive => back_to_live(app),
        Command::Send => send(app, None, false, fx),
        Command::SendFocused => send(app, Some(app.view.focus), false, fx),
        Command::SendAnyway => send(app, None, true, fx),
        Command::PickModel | Command::Settings | Command::Trail if app.hidden() => {
            let (vote, blind) = (key(app, "vote"), key(app, "blind"));
            notice_error(
                app,
                format!(
                    "the models stay hidden until you vote ({vote}) or turn blind judging off ({blind})"
                ),
            );
        }
        Command::PickModel => {
            let picker = Picker::new(PickMode::SetModel, &app.catalog.entries);
            ask_endpoints(app, &picker, fx);
            app.overlay = Some(Overlay::Picker(Box::new(picker)));
        }
        Command::Settings => {
            if let Some(pane) = app.session.panes.get(app.view.focus) {
                let openrouter = app
                    .config
                    .providers
                    .endpoints
                    .get(&pane.provider)
                    .is_some_and(|e| e.kind == crate::provider::ProviderKind::Openrouter);
                if openrouter && app.catalog.endpoints_asked.insert(pane.model.clone()) {
                    fx.push(Effect::FetchEndpoints {
                        provider: pane.provider.clone(),
                        model: pane.model.clone(),
                    });
                }
                app.overlay = Some(Overlay::Panel(Box::new(super::panel::Panel::new(
                    app.view.focus,
                    pane.id,
                ))));
                super::request_view::refresh(app);
            }
        }
        Command::Trail => {
            if let Some(p) = app.session.panes.get(app.view.focus) {
                app.overlay = Some(Overlay::Trail(p.id));
            }
        }
        Command::ToggleThinking => {
            let expand = app.view.expand_thinking;
            if let Some(pane) = app.session.panes.get_mut(app.view.focus) {
                let started = pane.current().is_some_and(|a| !a.text.is_empty());
                let shown = crate::render::transcript::thinking_shown(pane, started, expand);
                pane.show_thinking = Some(!shown);
                let word = if shown { "hidden" } else { "shown" };
                notice(app, format!("thinking {word}"));
            }
        }
        Command::NextTheme => {
            if !app.config.themes.is_empty() {
                let i = app
                    .config
                    .themes
                    .iter()
                    .position(|t| t.name == app.view.theme.name)
                    .map_or(0, |i| (i + 1) % app.config.themes.len());
                app.view.theme = app.config.themes[i].clone();
                notice(app, format!("theme: {}", app.view.theme.name));
            }
        }
        Command::Presentation => app.view.presentation = !app.view.presentation,
        Command::Vote => {
            if app.session.rounds == 0 {
                return notice_error(app, "nothing to judge yet");
            }
            app.view.vote_pending = Some(super::state::VoteEntry::Start);
            notice(app, super::vote_keys::prompt(app));
        }
        Command::AnswerTools => {
            let typed = app.prompt_text();
            let typed = (!typed.trim().is_empty()).then_some(typed);
            let from_prompt = typed.is_some();
            match answer_tools(app, typed, false, fx) {
                0 if app.view.notice.is_none() => notice_error(app, "no tool calls are waiting"),
                0 => {}
                n => {
                    if from_prompt {
                        app.view.prompt = super::state::new_editor();
                    }
                    notice(app, format!("tool results sent to {n} pane{}", plural(n)));
                }
            }
        }
        Command::AttachImage => {
            let mut lines = app.view.prompt.lines().to_vec();
            let path = lines.pop().unwrap_or_default();
            if path.trim().is_empty() {
                let attach = key(app, "attach_image");
                return notice_error(
                    app,
                    format!("type an image's path on the prompt's last line, then {attach}"),
                );
            }
            set_prompt(&mut app.view.prompt, lines.join("\n").trim_end());
            fx.push(Effect::Attach {
                path: path.trim().to_string(),
            });
        }
        Command::DropImages => {
            let n = app.session.attachments.len();
            app.session.attachments.clear();
            if n == 0 {
                notice_error(app, "no images are attached");
            } else {
                notice(app, format!("dropped {n} image{}", plural(n)));
            }
        }
        Command::AutoTools => {
            app.session.auto_tools = match app.session.auto_tools {
                Some(_) => None,
                None => Some(AUTO_TOOL_STEPS),
            };
            let on = app.session.auto_tools.is_some();
            let text = if on {
                format!(
                    "tool calls are answered with canned results, 5 steps per prompt ({} stops)",
                    key(app, "auto_tools")
                )
            } else {
                "tool calls wait for you again".to_string()
            };
            notice(app, text);
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
            if app.session.panes.len() < 2 {
                return notice_error(app, "a diff needs two panes");
            }
            let left = app.view.focus;
            let (l, r) = (
                app.session.panes[left].id,
                app.session.panes[(left + 1) % app.session.panes.len()].id,
            );
            app.overlay = Some(app.diff_overlay(l, r));
        }
        Command::Rerun => {
            if app
                .session
                .panes
                .get(app.view.focus)
                .and_then(|p| p.turns.last())
                .is_none()
            {
                return notice_error(app, "nothing to rerun yet");
            }
            app.view.rerun_pending = true;
            notice(app, "rerun: how many more times? 2–7");
        }
        Command::Blind => {
            app.view.blind = !app.view.blind;
            shuffle(app);
            let text = if app.view.blind {
                format!(
                    "blind judging: names hidden until you vote ({})",
                    key(app, "vote")
                )
            } else {
                "blind judging off".to_string()
            };
            notice(app, text);
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
            app.view.copy_pending = true;
            let answer = key_in(app, Mode::Copy, "answer");
            notice(
                app,
                format!("copy: {answer} for the answer, 1–9 for that code block"),
            );
        }
        Command::NextWorkspace => next_workspace(app, fx),
        Command::SpendBreakdown => {
            app.overlay = Some(Overlay::Spend(None));
            fx.push(Effect::LoadBreakdown);
        }
        Command::Resend => resend(app, fx),
        Command::ResendFocused => resend_focused(app, fx),
        // Esc drops a search before it leaves the panes.
        Command::Switch if app.view.search.is_some() && app.view.zone == Zone::Panes => {
            app.view.search = None
        }
        Command::Search => super::find::start(app),
        Command::Vars => super::vars_keys::open(app, None),
        Command::NextMatch => super::find::step(app, true),
        Command::PrevMatch => super::find::step(app, false),
        Command::NextRound => super::find::jump(app, super::find::Mark::Round, true),
        Command::PrevRound => super::find::jump(app, super::find::Mark::Round, false),
        Command::NextCode => super::find::jump(app, super::find::Mark::Code, true),
        Command::PrevCode => super::find::jump(app, super::find::Mark::Code, false),
        Command::Switch => {
            app.view.zone = match app.view.zone {
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
            if stop_pane(app, app.view.focus, Status::Cancelled, fx) {
                notice(app, "cancelled");
            }
        }
        Command::Clear => {
            stop_all(app, Status::Cancelled, fx);
            let mut kept = Vec::new();
            for pane in &mut app.session.panes {
                let turns = std::mem::take(&mut pane.turns);
                let id =
                    std::mem::replace(&mut pane.session_id, crate::app::state::new_session_id());
                kept.push((pane.id, turns, id));
                pane.scroll = None;
            }
            app.session.undo = Some(super::state::Undo::Cleared(kept));
            let undo = key(app, "undo");
            notice(
                app,
                format!("conversations cleared — {undo} brings them back"),
            );
        }
        Command::Undo => undo(app),
        // Panes are numbered, and walked, in the order they are shown (shuffled while blind).
        Command::NextPane => {
            let n = app.session.panes.len().max(1);
            let slot = (app.slot_of(app.view.focus) + 1) % n;
            focus(app, app.pane_in_slot(slot));
        }
        Command::PrevPane => {
            let n = app.session.panes.len().max(1);
            let slot = (app.slot_of(app.view.focus) + n - 1) % n;
            focus(app, app.pane_in_slot(slot));
        }
        Command::FocusPane(slot) => {
            if slot < app.session.panes.len() {
                focus(app, app.pane_in_slot(slot));
            }
        }
        Command::Zoom => app.view.zoomed = !app.view.zoomed,
        Command::AddPane => {
            if app.session.panes.len() >= MAX_PANES {
                notice_error(app, format!("at most {MAX_PANES} panes"));
            } else {
                app.overlay = Some(Overlay::Picker(Box::new(Picker::new(
                    PickMode::AddPane,
                    &app.catalog.entries,
                ))));
            }
        }
        Command::ClosePane => close_pane(app, fx),
        Command::PageUp => scroll(app, app.view.focus, |_, page| -(page as isize)),
        Command::PageDown => scroll(app, app.view.focus, |_, page| page as isize),
        Command::LineUp => scroll(app, app.view.focus, |_, _| -1),
        Command::LineDown => scroll(app, app.view.focus, |_, _| 1),
        Command::Top => {
            if let Some(p) = app.session.panes.get_mut(app.view.focus) {
                p.scroll = Some(0);
            }
        }
        Command::Bottom => {
            if let Some(p) = app.session.panes.get_mut(app.view.focus) {
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
        Command::FocusPrompt => app.view.zone = Zone::Prompt,
    }
}

pub(super) fn focus(app: &mut App, i: usize) {
    if app.view.focus != i {
        // A search's matches are the focused pane's: another pane is searched anew.
        if let Some(s) = app.view.search.as_mut() {
            s.hits.clear();
            s.current = None;
        }
    }
    app.view.focus = i;
}
