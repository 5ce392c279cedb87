//! The pure heart of the playground: `update(state, action) -> effects`. No I/O happens here.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use tui_textarea::{CursorMove, Input, TextArea};

use super::action::{Action, Effect};
use super::keymap::{self, Command};
use super::state::{Answer, App, Notice, Overlay, Pane, Status, Turn, Zone, MAX_PANES};
use crate::provider::ApiError;
use crate::stream::StreamEvent;
use crate::ui::layout;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key, &mut fx),
        Action::Key(_) | Action::Tick => {}
        Action::Paste(text) => on_paste(app, &text),
        Action::Mouse(m) => on_mouse(app, m),
        Action::Resize(w, h) => app.size = (w, h),
        Action::Stream { request, event } => on_stream(app, request, event),
        Action::EditorClosed(Ok(text)) => {
            set_prompt(&mut app.prompt, text.trim_end_matches('\n'));
            app.zone = Zone::Prompt;
        }
        Action::EditorClosed(Err(e)) => notice_error(app, format!("editor: {e}")),
        Action::Terminate => quit_now(app, &mut fx),
    }
    fx
}

fn notice(app: &mut App, text: impl Into<String>) {
    app.notice = Some(Notice {
        text: text.into(),
        error: false,
    });
}

fn notice_error(app: &mut App, text: impl Into<String>) {
    app.notice = Some(Notice {
        text: text.into(),
        error: true,
    });
}

fn quit_now(app: &mut App, fx: &mut Vec<Effect>) {
    for pane in &mut app.panes {
        cancel_pane(pane, fx, app.now);
    }
    app.quit = true;
    fx.push(Effect::Quit);
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if app.overlay.is_some() {
        return on_overlay_key(app, key, fx);
    }
    // Any key acknowledges the last notice.
    app.notice = None;
    let prompt_empty = app.prompt.is_empty();
    if let Some(cmd) = keymap::command(app.zone, &key, prompt_empty) {
        return run_command(app, cmd, fx);
    }
    if app.zone == Zone::Prompt {
        edit_prompt(app, key);
    }
}

fn run_command(app: &mut App, cmd: Command, fx: &mut Vec<Effect>) {
    match cmd {
        Command::Send => send(app, None, fx),
        Command::SendFocused => send(app, Some(app.focus), fx),
        Command::Resend => resend(app, fx),
        Command::CancelAllOrSwitch => {
            if app.any_active() {
                let now = app.now;
                let mut n = 0;
                for pane in &mut app.panes {
                    n += usize::from(cancel_pane(pane, fx, now));
                }
                notice(app, format!("cancelled {n} stream{}", plural(n)));
            } else {
                app.zone = match app.zone {
                    Zone::Prompt => Zone::Panes,
                    Zone::Panes => Zone::Prompt,
                };
            }
        }
        Command::CancelFocused => {
            let now = app.now;
            if let Some(pane) = app.panes.get_mut(app.focus) {
                if cancel_pane(pane, fx, now) {
                    notice(app, "cancelled");
                }
            }
        }
        Command::Clear => {
            let now = app.now;
            for pane in &mut app.panes {
                cancel_pane(pane, fx, now);
                pane.turns.clear();
                pane.scroll = None;
            }
            notice(app, "conversations cleared");
        }
        Command::NextPane => focus(app, (app.focus + 1) % app.panes.len().max(1)),
        Command::PrevPane => {
            let n = app.panes.len().max(1);
            focus(app, (app.focus + n - 1) % n);
        }
        Command::FocusPane(i) => {
            if i < app.panes.len() {
                focus(app, i);
            }
        }
        Command::Zoom => app.zoomed = !app.zoomed,
        Command::AddPane => {
            if app.panes.len() >= MAX_PANES {
                notice_error(app, format!("at most {MAX_PANES} panes"));
            } else {
                let mut input = TextArea::default();
                input.set_placeholder_text("model id, e.g. sim/coder or openai/gpt-4o");
                app.overlay = Some(Overlay::AddPane {
                    input: Box::new(input),
                    error: None,
                });
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
        Command::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Command::Quit => {
            if app.any_active() {
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
    app.focus = i;
}

fn on_overlay_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers == KeyModifiers::CONTROL;
    match app.overlay.take() {
        Some(Overlay::Help { scroll }) => {
            let scroll = match key.code {
                KeyCode::Down | KeyCode::Char('j') => Some(scroll.saturating_add(1)),
                KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
                KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll.saturating_add(10)),
                KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                _ if ctrl_c => return run_command(app, Command::Quit, fx),
                _ => None,
            };
            if let Some(scroll) = scroll {
                app.overlay = Some(Overlay::Help { scroll });
            }
        }
        Some(Overlay::ConfirmQuit) => match key.code {
            KeyCode::Char('y' | 'Y' | 'q') | KeyCode::Enter => quit_now(app, fx),
            _ if ctrl_c => quit_now(app, fx),
            _ => {}
        },
        Some(Overlay::AddPane { mut input, error }) => match key.code {
            KeyCode::Esc => {}
            _ if ctrl_c => {}
            KeyCode::Enter => {
                let spec = input.lines().join("").trim().to_string();
                match add_pane(app, &spec) {
                    Ok(()) => {}
                    Err(e) => {
                        app.overlay = Some(Overlay::AddPane {
                            input,
                            error: Some(e),
                        })
                    }
                }
            }
            _ => {
                input.input(Input::from(key));
                let _ = error;
                app.overlay = Some(Overlay::AddPane { input, error: None });
            }
        },
        None => {}
    }
}

fn add_pane(app: &mut App, spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("type a model id, e.g. sim/coder".into());
    }
    if spec.chars().any(char::is_whitespace) {
        return Err(format!("`{spec}` is not a model id: it has spaces"));
    }
    if app.panes.len() >= MAX_PANES {
        return Err(format!("at most {MAX_PANES} panes"));
    }
    let (provider, model) = app.providers.route(spec);
    if !app.providers.endpoints.contains_key(&provider) {
        return Err(format!("no provider `{provider}` is configured"));
    }
    app.panes.push(Pane::new(model.clone(), provider));
    app.focus = app.panes.len() - 1;
    app.zone = Zone::Prompt;
    notice(app, format!("added {model}"));
    Ok(())
}

fn close_pane(app: &mut App, fx: &mut Vec<Effect>) {
    if app.panes.len() <= 1 {
        return notice_error(app, "the last pane cannot be closed");
    }
    let now = app.now;
    let mut pane = app.panes.remove(app.focus);
    cancel_pane(&mut pane, fx, now);
    app.focus = app.focus.min(app.panes.len() - 1);
    if app.panes.len() == 1 {
        app.zoomed = false;
    }
    notice(app, format!("closed {}", pane.model));
}

/// Cancels the pane's running request, if any. Returns whether one was running.
fn cancel_pane(pane: &mut Pane, fx: &mut Vec<Effect>, now: std::time::Instant) -> bool {
    match pane.turns.last_mut() {
        Some(turn) if turn.answer.status.is_active() => {
            turn.answer.status = Status::Cancelled;
            turn.answer.finished = Some(now);
            fx.push(Effect::Cancel {
                request: turn.answer.request,
            });
            true
        }
        _ => false,
    }
}

/// Sends the prompt to every pane (`only == None`) or to one.
fn send(app: &mut App, only: Option<usize>, fx: &mut Vec<Effect>) {
    let text = app.prompt_text();
    if text.trim().is_empty() {
        return notice_error(app, "type a prompt first");
    }
    let targets: Vec<usize> = match only {
        Some(i) if i < app.panes.len() => vec![i],
        Some(_) => return,
        None => (0..app.panes.len()).collect(),
    };
    for i in targets {
        start_turn(app, i, text.clone(), fx);
    }
    app.history.push(&text);
    fx.push(Effect::SaveHistory { prompt: text });
    app.prompt = crate::ui::prompt::new_editor();
}

/// Appends a turn to pane `i` and asks for its request.
fn start_turn(app: &mut App, i: usize, prompt: String, fx: &mut Vec<Effect>) {
    let request = app.next_request;
    app.next_request += 1;
    let now = app.now;
    let Some(pane) = app.panes.get_mut(i) else {
        return;
    };
    cancel_pane(pane, fx, now);
    let params = pane.params(pane.turns.len(), &prompt);
    pane.turns.push(Turn {
        prompt,
        answer: Answer::new(request, now),
    });
    pane.scroll = None;
    fx.push(Effect::Start {
        request,
        provider: pane.provider.clone(),
        params,
    });
}

/// Regenerates every pane's last answer; a pane with no turns gets the last prompt anew.
fn resend(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(last) = app.history.entries.last().cloned() else {
        return notice_error(app, "nothing to re-send yet");
    };
    for i in 0..app.panes.len() {
        let request = app.next_request;
        let now = app.now;
        let pane = &mut app.panes[i];
        if pane.turns.is_empty() {
            start_turn(app, i, last.clone(), fx);
            continue;
        }
        app.next_request += 1;
        cancel_pane(pane, fx, now);
        let upto = pane.turns.len() - 1;
        let prompt = pane.turns[upto].prompt.clone();
        let params = pane.params(upto, &prompt);
        pane.turns[upto].answer = Answer::new(request, now);
        pane.scroll = None;
        fx.push(Effect::Start {
            request,
            provider: pane.provider.clone(),
            params,
        });
    }
}

fn edit_prompt(app: &mut App, key: KeyEvent) {
    let (row, _) = app.prompt.cursor();
    let last_row = app.prompt.lines().len().saturating_sub(1);
    let plain = key.modifiers == KeyModifiers::NONE;
    match key.code {
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
        Some(Overlay::AddPane { input, .. }) => {
            input.insert_str(text.lines().next().unwrap_or("").trim());
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
    let Some(pane) = app.panes.get_mut(i) else {
        return;
    };
    let total = crate::render::transcript::line_count(pane, inner.width as usize);
    let page = (inner.height as usize).max(1);
    let max_top = total.saturating_sub(page);
    let top = pane.scroll.unwrap_or(max_top) as isize;
    let new_top =
        (top + delta(total, page.saturating_sub(1).max(1))).clamp(0, max_top as isize) as usize;
    pane.scroll = (new_top < max_top).then_some(new_top);
}

fn on_stream(app: &mut App, request: u64, event: StreamEvent) {
    let now = app.now;
    // Events of a cancelled or replaced request find no active answer and are dropped.
    let Some(answer) = app
        .panes
        .iter_mut()
        .filter_map(|p| p.turns.last_mut())
        .map(|t| &mut t.answer)
        .find(|a| a.request == request && a.status.is_active())
    else {
        return;
    };
    match event {
        StreamEvent::Started { generation_id } => answer.generation_id = generation_id,
        StreamEvent::Served { model, provider } => {
            answer.served_model = Some(model);
            answer.served_provider = provider;
        }
        StreamEvent::Delta(text) => {
            first_token(answer, now);
            answer.estimated_tokens += estimate_tokens(&text);
            answer.text.push_str(&crate::sanitize::clean(&text));
        }
        StreamEvent::Reasoning(text) => {
            first_token(answer, now);
            answer.estimated_tokens += estimate_tokens(&text);
            answer.reasoning.push_str(&crate::sanitize::clean(&text));
        }
        StreamEvent::Finish(reason) => answer.finish_reason = Some(reason),
        StreamEvent::Usage(usage) => answer.usage = Some(usage),
        StreamEvent::Done => {
            answer.status = Status::Done;
            answer.finished = Some(now);
        }
        StreamEvent::Error(e) => {
            answer.status = Status::Failed(e);
            answer.finished = Some(now);
        }
    }
}

fn first_token(answer: &mut Answer, now: std::time::Instant) {
    if answer.first_token.is_none() {
        answer.first_token = Some(now);
    }
    answer.status = Status::Streaming;
}

/// About four characters a token: good enough for a live figure the usage report replaces.
fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

/// For tests and the UI: the error of a failed answer.
pub fn failure(answer: &Answer) -> Option<&ApiError> {
    match &answer.status {
        Status::Failed(e) => Some(e),
        _ => None,
    }
}
