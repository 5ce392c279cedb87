//! Keys while an overlay is open: each overlay's own, and the ways out of it.

use crossterm::event::KeyEvent;
use tui_textarea::Input;

use super::action::Effect;
use super::commands::{quit_now, run_command};
use super::notice::{key as key_of, notice, notice_error};
use super::picker_keys::{ask_endpoints, picker_key};
use super::sessions::back_to_live;
use super::state::{App, Overlay, Zone};
use crate::keymap::{Command, Mode};

pub(super) fn on_overlay_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    match app.overlay.take() {
        Some(Overlay::Help { scroll, max }) => {
            // Clamped, so turning back at the end moves at once.
            let scroll = scroll.min(max.get());
            let scroll = match app.config.keys.action(Mode::Help, &key) {
                Some("down") => Some(scroll.saturating_add(1)),
                Some("up") => Some(scroll.saturating_sub(1)),
                Some("page_down") => Some(scroll.saturating_add(10)),
                Some("page_up") => Some(scroll.saturating_sub(10)),
                Some("quit") => return run_command(app, Command::Quit, fx),
                _ => None,
            };
            if let Some(scroll) = scroll {
                let scroll = scroll.min(max.get());
                app.overlay = Some(Overlay::Help { scroll, max });
            }
        }
        Some(Overlay::ConfirmQuit) if app.config.keys.is(Mode::ConfirmQuit, "quit", &key) => {
            quit_now(app, fx)
        }
        // Any other key stays.
        Some(Overlay::ConfirmQuit) => {}
        Some(Overlay::Picker(mut picker)) => {
            let keep_open = picker_key(app, &mut picker, key);
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
        Some(Overlay::Spend(_) | Overlay::Trail(_) | Overlay::Judge { .. }) => {}
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
            matches,
        }) => {
            let query = input.lines().join("");
            match app.config.keys.action(Mode::Library, &key) {
                Some("close") => {}
                Some("save") => {
                    let text = app.prompt_text();
                    if text.trim().is_empty() {
                        notice_error(app, "type a prompt first, then save it here");
                    } else {
                        fx.push(Effect::SavePrompt { name: query, text });
                    }
                }
                Some("insert") => match matches
                    .get(selected)
                    .and_then(|i| app.config.library.get(*i))
                {
                    Some(saved) => {
                        let text = saved.text.clone();
                        app.view.prompt.insert_str(&text);
                        app.view.zone = Zone::Prompt;
                    }
                    None => {
                        app.overlay = Some(Overlay::Library {
                            input,
                            selected,
                            matches,
                        })
                    }
                },
                Some("up") => {
                    app.overlay = Some(Overlay::Library {
                        input,
                        selected: selected.saturating_sub(1),
                        matches,
                    });
                }
                Some("down") => {
                    let selected = (selected + 1).min(matches.len().saturating_sub(1));
                    app.overlay = Some(Overlay::Library {
                        input,
                        selected,
                        matches,
                    });
                }
                _ => {
                    input.input(Input::from(key));
                    let matches =
                        crate::library::matches(&app.config.library, &input.lines().join(""));
                    app.overlay = Some(Overlay::Library {
                        input,
                        selected: 0,
                        matches,
                    });
                }
            }
        }
        Some(Overlay::Sessions(mut b)) => match app.config.keys.action(Mode::Sessions, &key) {
            Some("close") => {}
            Some("up") => {
                b.selected = b.selected.saturating_sub(1);
                app.overlay = Some(Overlay::Sessions(b));
            }
            Some("down") => {
                let n = b
                    .sessions
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map_or(0, Vec::len);
                b.selected = (b.selected + 1).min(n.saturating_sub(1));
                app.overlay = Some(Overlay::Sessions(b));
            }
            Some(action @ ("resume" | "look")) => {
                let read_only = action == "look";
                let id = b
                    .sessions
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .and_then(|l| l.get(b.selected))
                    .map(|s| s.id);
                if id.is_some() && id == app.session.recording {
                    // The live session is not loaded again from the disk: it is right here.
                    if app.session.live.is_some() {
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
        Some(Overlay::Diff { left, right, .. }) => {
            let (Some(l), Some(r)) = (app.pane_index(left), app.pane_index(right)) else {
                return;
            };
            let n = app.session.panes.len().max(1);
            let step = |r: usize, d: isize| {
                let mut next = r;
                // Skips the left pane: a diff against itself says nothing.
                for _ in 0..n {
                    next = (next as isize + d).rem_euclid(n as isize) as usize;
                    if next != l {
                        break;
                    }
                }
                next
            };
            let right = match app.config.keys.action(Mode::Diff, &key) {
                Some("next") => step(r, 1),
                Some("prev") => step(r, -1),
                _ => return,
            };
            app.overlay = Some(app.diff_overlay(left, app.session.panes[right].id));
        }
        Some(Overlay::Scoreboard { all, by_judge, .. })
            if app.config.keys.is(Mode::Scoreboard, "all", &key) =>
        {
            if all {
                app.overlay = Some(app.session_scoreboard(by_judge));
            } else {
                app.overlay = Some(Overlay::Scoreboard {
                    all: true,
                    rows: None,
                    reruns: Vec::new(),
                    judge: None,
                    by_judge: false,
                });
                fx.push(Effect::LoadScoreboard);
            }
        }
        Some(Overlay::Scoreboard {
            all,
            rows,
            reruns,
            judge,
            by_judge,
        }) if app.config.keys.is(Mode::Scoreboard, "rater", &key) => {
            if judge.is_none() {
                notice(
                    app,
                    format!(
                        "no judge verdicts yet: {} judges the last round",
                        key_of(app, "judge")
                    ),
                );
            }
            app.overlay = Some(Overlay::Scoreboard {
                all,
                rows,
                reruns,
                by_judge: !by_judge && judge.is_some(),
                judge,
            });
        }
        Some(Overlay::Scoreboard { .. }) => {}
        None => {}
    }
    // A key in the panel, or the picker it opened, may change the request it shows.
    super::request_view::refresh(app);
}
