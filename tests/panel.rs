#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The config panel as pure `update` steps, plus snapshots of what it shows.

mod common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::action::ConfigWrite;
use switchboard::app::panel::{fields, Field, Panel};
use switchboard::app::state::Overlay;
use switchboard::app::{update, Action, App, Effect};
use switchboard::config::PaneConfig;
use switchboard::provider::settings::Effort;
use switchboard::route::HopRecord;
use switchboard::stream::StreamEvent;
use switchboard::theme::Theme;

/// A key, after a frame as the loop draws one between keys.
fn key(a: &mut App, code: KeyCode) -> Vec<Effect> {
    common::draw(a);
    update(a, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(a: &mut App, c: char) -> Vec<Effect> {
    update(
        a,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn type_text(a: &mut App, text: &str) {
    for c in text.chars() {
        key(a, KeyCode::Char(c));
    }
}

fn panel(a: &App) -> &Panel {
    match &a.overlay {
        Some(Overlay::Panel(p)) => p,
        other => panic!("no panel: {other:?}"),
    }
}

fn select(a: &mut App, field: Field) {
    let target = fields().iter().position(|f| *f == field).unwrap();
    while panel(a).selected < target {
        key(a, KeyCode::Down);
    }
    while panel(a).selected > target {
        key(a, KeyCode::Up);
    }
}

fn render(a: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(a.view.size.0, a.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(a, &Theme::default(), f))
        .unwrap();
    format!("{}", t.backend())
}

fn app() -> App {
    let mut a = common::sim_app(&["sim/swift", "sim/down"]);
    a.view.size = (140, 44);
    a.session.session_label = "2026-11-23 14:02".into();
    for (i, p) in a.session.panes.iter_mut().enumerate() {
        p.session_id = format!("sb-{i:016x}");
    }
    a
}

#[test]
fn text_fields_validate_as_you_type_and_apply_on_enter() {
    let mut a = app();
    key(&mut a, KeyCode::F(2));
    select(&mut a, Field::Temperature);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "2.5");
    assert!(panel(&a)
        .error
        .as_deref()
        .is_some_and(|e| e.contains("out of range")));
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.session.panes[0].settings.temperature, None,
        "an invalid value is not applied"
    );
    assert!(
        panel(&a).editing.is_some(),
        "the editor stays open with the reason"
    );
    for _ in 0..3 {
        key(&mut a, KeyCode::Backspace);
    }
    type_text(&mut a, "0.5");
    assert_eq!(panel(&a).error, None);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.session.panes[0].settings.temperature, Some(0.5));
    // Delete unsets; Esc abandons an edit.
    key(&mut a, KeyCode::Delete);
    assert_eq!(a.session.panes[0].settings.temperature, None);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "1");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.session.panes[0].settings.temperature, None);
    assert!(matches!(a.overlay, Some(Overlay::Panel(_))));
}

#[test]
fn choices_cycle_and_the_system_prompt_takes_lines() {
    let mut a = app();
    key(&mut a, KeyCode::F(2));
    select(&mut a, Field::ReasoningEffort);
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(
        a.session.panes[0].settings.reasoning_effort,
        Some(Effort::None)
    );
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Right);
    assert_eq!(
        a.session.panes[0].settings.reasoning_effort,
        Some(Effort::Low)
    );
    key(&mut a, KeyCode::Left);
    assert_eq!(
        a.session.panes[0].settings.reasoning_effort,
        Some(Effort::Minimal)
    );
    select(&mut a, Field::Sort);
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.session.panes[0].settings.routing.sort.as_deref(),
        Some("price")
    );
    select(&mut a, Field::System);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "Be terse.");
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "Use metric units.");
    ctrl(&mut a, 's');
    assert_eq!(
        a.session.panes[0].settings.system.as_deref(),
        Some("Be terse.\nUse metric units.")
    );
    // The next request carries it all.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('i'));
    type_text(&mut a, "hi");
    let fx = key(&mut a, KeyCode::Enter);
    let Some(Effect::Start { params, .. }) = fx.iter().find(|e| matches!(e, Effect::Start { .. }))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(params.messages[0].content, "Be terse.\nUse metric units.");
    assert_eq!(params.settings.reasoning_effort, Some(Effort::Minimal));
}

#[test]
fn fallbacks_are_added_from_the_picker_moved_and_removed() {
    let mut a = app();
    key(&mut a, KeyCode::F(2));
    select(&mut a, Field::Fallbacks);
    for m in ["sim/steady", "sim/coder", "sim/thinker"] {
        key(&mut a, KeyCode::Char('a'));
        assert!(matches!(a.overlay, Some(Overlay::Picker(_))));
        type_text(&mut a, m);
        key(&mut a, KeyCode::Enter);
        assert!(
            matches!(a.overlay, Some(Overlay::Panel(_))),
            "back to the panel"
        );
    }
    assert_eq!(
        a.session.panes[0].settings.fallbacks,
        vec!["sim/steady", "sim/coder", "sim/thinker"]
    );
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Char('K'));
    assert_eq!(
        a.session.panes[0].settings.fallbacks,
        vec!["sim/coder", "sim/steady", "sim/thinker"]
    );
    key(&mut a, KeyCode::Char('J'));
    key(&mut a, KeyCode::Char('J'));
    assert_eq!(
        a.session.panes[0].settings.fallbacks,
        vec!["sim/steady", "sim/thinker", "sim/coder"]
    );
    key(&mut a, KeyCode::Char('x'));
    assert_eq!(
        a.session.panes[0].settings.fallbacks,
        vec!["sim/steady", "sim/thinker"]
    );
    // The same model twice is refused in the picker.
    key(&mut a, KeyCode::Char('a'));
    type_text(&mut a, "sim/steady");
    key(&mut a, KeyCode::Enter);
    assert!(matches!(&a.overlay, Some(Overlay::Picker(p)) if p.error.is_some()));
}

#[test]
fn save_workspace_and_test_connection_are_effects() {
    let mut a = app();
    a.session.panes[1].origin = Some(1);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::F(2));
    select(&mut a, Field::MaxTokens);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "256");
    key(&mut a, KeyCode::Enter);
    let fx = key(&mut a, KeyCode::Char('s'));
    match fx.as_slice() {
        [Effect::SaveConfig(w)] => match w.as_ref() {
            ConfigWrite::Pane {
                pane,
                number,
                index,
                config,
            } => {
                assert_eq!(
                    (*pane, *number, *index),
                    (a.session.panes[1].id, 2, Some(1))
                );
                assert_eq!(config.model, "sim/down");
                assert_eq!(config.settings.max_tokens, Some(256));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    let id = a.session.panes[1].id;
    update(
        &mut a,
        Action::ConfigSaved(Ok(("saved pane 2 to c.toml".into(), Some((id, 3))))),
    );
    assert_eq!(a.session.panes[1].origin, Some(3));
    assert_eq!(
        panel(&a).status,
        Some(("saved pane 2 to c.toml".into(), false))
    );

    assert_eq!(
        key(&mut a, KeyCode::Char('t')),
        vec![Effect::TestProvider {
            provider: "sim".into()
        }]
    );
    key(&mut a, KeyCode::Char('w'));
    type_text(&mut a, "bad name");
    assert!(key(&mut a, KeyCode::Enter).is_empty(), "names are checked");
    for _ in 0..8 {
        key(&mut a, KeyCode::Backspace);
    }
    type_text(&mut a, "review");
    let fx = key(&mut a, KeyCode::Enter);
    let [Effect::SaveConfig(w)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let ConfigWrite::Workspace { name, panes } = w.as_ref() else {
        panic!()
    };
    assert_eq!(name, "review");
    assert_eq!(
        panes.iter().map(|p| p.model.as_str()).collect::<Vec<_>>(),
        vec!["sim/swift", "sim/down"]
    );
    assert_eq!(a.session.workspace.as_deref(), Some("review"));
}

#[test]
fn workspaces_switch_and_keep_their_conversations() {
    let mut a = app();
    a.config.default_panes = vec![
        PaneConfig {
            model: "sim/swift".into(),
            ..PaneConfig::default()
        },
        PaneConfig {
            model: "sim/down".into(),
            ..PaneConfig::default()
        },
    ];
    a.config.workspaces.insert(
        "solo".into(),
        vec![PaneConfig {
            model: "sim/coder".into(),
            ..PaneConfig::default()
        }],
    );
    type_text(&mut a, "hello");
    let fx = key(&mut a, KeyCode::Enter);
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Delta("kept".into()),
        },
    );
    update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Done,
        },
    );
    key(&mut a, KeyCode::F(3));
    assert_eq!(a.session.workspace.as_deref(), Some("solo"));
    assert_eq!(a.session.panes.len(), 1);
    assert_eq!(a.session.panes[0].model, "sim/coder");
    key(&mut a, KeyCode::F(3));
    assert_eq!(a.session.workspace, None);
    assert_eq!(
        a.session.panes[0].current().unwrap().text,
        "kept",
        "the conversation came back"
    );
}

#[test]
fn the_hop_trail_and_a_retry_countdown_are_shown() {
    let mut a = app();
    type_text(&mut a, "hello");
    let fx = key(&mut a, KeyCode::Enter);
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let t0 = a.now;
    update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Hop(HopRecord {
                model: "sim/swift".into(),
                provider: "sim".into(),
                outcome: "429 rate limited: slow down — wait a moment".into(),
                wait: Some(Duration::from_secs(3)),
            }),
        },
    );
    update(
        &mut a,
        Action::Stream {
            request: id,
            event: StreamEvent::Retrying {
                reason: "429 rate limited".into(),
                wait: Duration::from_secs(3),
                attempt: 1,
                of: 2,
            },
        },
    );
    a.now = t0 + Duration::from_millis(800);
    let screen = render(&a);
    assert!(
        screen.contains("429 rate limited — retrying in 3s (1/2)"),
        "{screen}"
    );
    insta::assert_snapshot!("retrying_140x44", screen);
    key(&mut a, KeyCode::F(4));
    let screen = render(&a);
    assert!(
        screen.contains("hop trail") && screen.contains("waited 3.0s"),
        "{screen}"
    );
    insta::assert_snapshot!("trail_140x44", screen);
}

#[test]
fn panel_snapshots() {
    let mut a = app();
    a.session.panes[0].settings.fallbacks = vec!["sim/steady".into(), "sim/coder".into()];
    key(&mut a, KeyCode::F(2));
    select(&mut a, Field::TopP);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "0");
    insta::assert_snapshot!("panel_editing_140x44", render(&a));
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('v'));
    let screen = render(&a);
    assert!(screen.contains("\"models\": ["), "{screen}");
    insta::assert_snapshot!("panel_json_140x44", screen);
    a.view.size = (60, 15);
    insta::assert_snapshot!("panel_60x15", render(&a));
}

#[test]
fn routing_fields_suggest_the_providers_serving_the_model() {
    let mut a = app();
    let fx = key(&mut a, KeyCode::F(2));
    assert_eq!(
        fx,
        vec![Effect::FetchEndpoints {
            provider: "sim".into(),
            model: "sim/swift".into()
        }]
    );
    update(
        &mut a,
        Action::Endpoints {
            model: "sim/swift".into(),
            endpoints: ["simcloud", "sim-backup/fp8"]
                .iter()
                .map(|t| switchboard::catalog::ProviderEndpoint {
                    provider: t.to_string(),
                    tag: t.to_string(),
                    quantization: None,
                    context: None,
                    price: None,
                    latency_p50: None,
                    throughput_p50: None,
                    uptime: None,
                })
                .collect(),
        },
    );
    select(&mut a, Field::Order);
    let screen = render(&a);
    assert!(screen.contains("simcloud, sim-backup/fp8"), "{screen}");
    key(&mut a, KeyCode::Esc);
    assert!(
        key(&mut a, KeyCode::F(2)).is_empty(),
        "asked once per model"
    );
}

#[test]
fn a_save_that_lands_after_a_pane_was_closed_updates_the_pane_it_saved() {
    let mut a = app();
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::F(2));
    let fx = key(&mut a, KeyCode::Char('s'));
    let [Effect::SaveConfig(w)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let ConfigWrite::Pane { pane: saved, .. } = w.as_ref() else {
        panic!("{w:?}")
    };
    let saved = *saved;
    // The panel closes, and the first pane with it, before the file is written.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('d'));
    assert_eq!(a.session.panes.len(), 1);
    assert_eq!(a.session.panes[0].id, saved, "the saved pane is first now");
    a.session.panes[0].origin = None;
    update(
        &mut a,
        Action::ConfigSaved(Ok(("saved pane 2 to c.toml".into(), Some((saved, 4))))),
    );
    assert_eq!(a.session.panes[0].origin, Some(4));
}

/// The request body's rows as drawn, without the panel's frame.
fn body_rows(a: &App) -> Vec<String> {
    render(a)
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

#[test]
fn the_request_body_scrolls_with_the_usual_keys() {
    let mut a = app();
    // A long system prompt: the body runs well past the screen.
    a.session.panes[0].settings.system = Some("Answer with care. ".repeat(200));
    a.session.panes[0].settings.fallbacks = vec!["sim/steady".into(), "sim/coder".into()];
    // Alone in a narrow panel: ↑↓ j k PgUp PgDn g G scroll it.
    a.view.size = (60, 15);
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::Char('v'));
    let top = body_rows(&a);
    let screen = top.join("\n");
    assert!(screen.contains("POST http://"), "{screen}");
    assert!(
        screen.contains("more") && screen.contains("scroll"),
        "says there is more and how to see it:\n{screen}"
    );
    key(&mut a, KeyCode::Char('j'));
    let one = body_rows(&a);
    assert_ne!(one, top, "j moves the body");
    assert!(
        !one.join("\n").contains("POST http://"),
        "{}",
        one.join("\n")
    );
    key(&mut a, KeyCode::Char('k'));
    assert_eq!(body_rows(&a), top, "k moves it back");
    key(&mut a, KeyCode::PageDown);
    let paged = body_rows(&a).join("\n");
    assert!(paged.contains("above"), "{paged}");
    key(&mut a, KeyCode::Char('G'));
    let end = body_rows(&a).join("\n");
    assert!(
        end.contains("above ·") && !end.contains("more ·"),
        "the end:\n{end}"
    );
    // At the end, turning back moves at once.
    key(&mut a, KeyCode::PageDown);
    key(&mut a, KeyCode::Up);
    assert_ne!(body_rows(&a).join("\n"), end, "no dead keys past the end");
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(body_rows(&a), top);

    // Beside the fields: PgUp/PgDn scroll it, ↑↓ still move between fields.
    a.view.size = (140, 44);
    let wide = body_rows(&a);
    let selected = panel(&a).selected;
    key(&mut a, KeyCode::PageDown);
    assert_eq!(panel(&a).selected, selected, "the field stays");
    let paged = body_rows(&a);
    assert_ne!(paged, wide, "PgDn scrolls the body");
    key(&mut a, KeyCode::Down);
    assert_eq!(
        panel(&a).selected,
        selected + 1,
        "↓ still moves between fields"
    );
    key(&mut a, KeyCode::PageUp);
    key(&mut a, KeyCode::Up);
    assert_eq!(body_rows(&a), wide);
}

#[test]
fn help_says_what_scrolls_and_scrolls_itself() {
    let mut a = app();
    a.view.size = (120, 40);
    key(&mut a, KeyCode::F(1));
    let first = render(&a);
    assert!(
        first.contains("more · ↑↓ PgUp PgDn scroll"),
        "the help says it scrolls while its end is out of sight:\n{first}"
    );
    for _ in 0..30 {
        key(&mut a, KeyCode::PageDown);
    }
    let end = render(&a);
    assert!(end.contains("Pane settings (F2)"), "{end}");
    assert!(end.contains("scroll the request body"), "{end}");
    key(&mut a, KeyCode::Up);
    assert_ne!(render(&a), end, "turning back at the end moves at once");
}

#[test]
fn the_workspace_name_box_is_drawn_clean_and_typing_replaces_the_name() {
    let mut a = app();
    a.session.workspace = Some("review".into());
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('w'));
    let screen = render(&a);
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let (y, x) = rows
        .iter()
        .enumerate()
        .find_map(|(y, r)| {
            let s: String = r.iter().collect();
            s.find("review")
                .filter(|_| s.matches('│').count() >= 2)
                .map(|b| (y, s[..b].chars().count()))
        })
        .unwrap_or_else(|| panic!("no name box:\n{screen}"));
    let row = &rows[y];
    let left = (0..x).rev().find(|&i| row[i] == '│').unwrap();
    let right = (x..row.len()).find(|&i| row[i] == '│').unwrap();
    assert_eq!(
        right - left + 1,
        40,
        "nothing of the panel shows through the box:\n{screen}"
    );
    let inside: String = row[left + 1..right].iter().collect();
    assert_eq!(inside.trim(), "review", "{screen}");
    // The name is selected: Enter keeps it, typing replaces it.
    type_text(&mut a, "nightly");
    let fx = key(&mut a, KeyCode::Enter);
    let [Effect::SaveConfig(w)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let ConfigWrite::Workspace { name, .. } = w.as_ref() else {
        panic!()
    };
    assert_eq!(name, "nightly");
    key(&mut a, KeyCode::Char('w'));
    let fx = key(&mut a, KeyCode::Enter);
    let [Effect::SaveConfig(w)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let ConfigWrite::Workspace { name, .. } = w.as_ref() else {
        panic!()
    };
    assert_eq!(name, "nightly", "Enter saves the workspace on screen again");
}

#[test]
fn the_panel_follows_its_pane_when_the_panes_before_it_change() {
    let mut a = app();
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::F(2));
    let id = a.session.panes[1].id;
    // A pane before it goes away while the panel is open.
    a.session.panes.remove(0);
    select(&mut a, Field::MaxTokens);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "321");
    key(&mut a, KeyCode::Enter);
    let p = a.session.panes.iter().find(|p| p.id == id).unwrap();
    assert_eq!(p.settings.max_tokens, Some(321));
    assert_eq!(panel(&a).pane, 0);
    // When its own pane goes, the panel closes instead of editing another.
    a.session.panes.clear();
    a.session
        .panes
        .push(switchboard::app::Pane::new("sim/swift", "sim"));
    key(&mut a, KeyCode::Down);
    assert!(a.overlay.is_none());
}

#[test]
fn the_request_view_is_made_when_what_it_shows_changes() {
    let mut a = app();
    key(&mut a, KeyCode::F(2));
    let has = |a: &App, text: &str| panel(a).body.iter().any(|(l, _)| l.contains(text));
    assert!(has(&a, "chat/completions"), "made when the panel opens");
    assert!(!has(&a, "\"max_tokens\": 256"));
    select(&mut a, Field::MaxTokens);
    key(&mut a, KeyCode::Enter);
    type_text(&mut a, "256");
    key(&mut a, KeyCode::Enter);
    assert!(has(&a, "\"max_tokens\": 256"), "made again after the edit");
}
