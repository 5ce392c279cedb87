//! The pure heart of the playground: `update(state, action) -> effects`. No I/O happens here.

use crate::model::RequestId;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::action::{Action, Effect};
use super::commands::{quit_now, run_command};
use super::notice::{notice, notice_error};
use super::overlay_keys::on_overlay_key;
use super::panes::{copy, rerun};
use super::pointer::on_mouse;
use super::prompt_keys::{edit_prompt, on_paste, set_prompt};
use super::sessions::resume;
use super::spend::KeyStatus;
use super::state::{Answer, App, Overlay, Turn, Zone};
use super::streams::{on_billed, on_stream};
use super::turn::history;
use crate::keymap::Mode;
use crate::session::store::Op;

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
        Action::BackgroundError(e) | Action::TraceNotice(e) => notice_error(app, e),
        Action::Copied(Ok(what)) => notice(app, what),
        Action::Copied(Err(e)) => notice_error(app, e),
        Action::PromptSaved(Ok(saved)) => {
            notice(app, format!("saved prompt {}", saved.name));
            app.config.library.retain(|s| s.name != saved.name);
            app.config.library.push(saved);
            app.config.library.sort_by(|a, b| a.name.cmp(&b.name));
            let fresh = match &app.overlay {
                Some(Overlay::Library { input, .. }) => Some(crate::library::matches(
                    &app.config.library,
                    &input.lines().join(""),
                )),
                _ => None,
            };
            if let (Some(fresh), Some(Overlay::Library { matches, .. })) = (fresh, &mut app.overlay)
            {
                *matches = fresh;
            }
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
                    app.view.transcripts.follow(p.id);
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
            if let Some(Overlay::Scoreboard {
                all: true,
                rows,
                judge,
                ..
            }) = &mut app.overlay
            {
                let (board, judged) = match result {
                    Ok((board, judged)) => (Ok(board), judged),
                    Err(e) => (Err(e), None),
                };
                *rows = Some(board);
                *judge = judged;
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
fn refresh_diff(app: &mut App, request: RequestId) {
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
