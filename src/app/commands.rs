//! What each command of the prompt and the panes does, and quitting.

use tui_textarea::TextArea;

use super::action::Effect;
use super::notice::{key, key_in, notice, notice_error, plural};
use super::panes::{clear, close_pane, copy, next_workspace, undo};
use super::picker::{PickMode, Picker};
use super::picker_keys::ask_endpoints;
use super::pointer::scroll;
use super::prompt_keys::set_prompt;
use super::sending::{resend, resend_focused, send};
use super::sessions::back_to_live;
use super::state::{App, Overlay, Status, Zone, MAX_PANES};
use super::tool_steps::{answer_tools, auto_answer};
use super::turn::{shuffle, stop_all, stop_pane, AUTO_TOOL_STEPS};
use crate::keymap::{Command, Mode};

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
                matches: crate::library::matches(&app.config.library, ""),
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
        Command::Scoreboard => app.overlay = Some(app.session_scoreboard(false)),
        Command::Judge => super::judging::judge_round(app, fx),
        Command::NextCase => super::suite_steps::step(app, 1, fx),
        Command::PrevCase => super::suite_steps::step(app, -1, fx),
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
        Command::Clear => clear(app, fx),
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
            if let Some(p) = app.session.panes.get(app.view.focus) {
                app.view.transcripts.set_scroll(p.id, Some(0));
            }
        }
        Command::Bottom => {
            if let Some(p) = app.session.panes.get(app.view.focus) {
                app.view.transcripts.follow(p.id);
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
