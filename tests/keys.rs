#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Keys from the config file's `[keys]`: what they do, and every place that names them.

mod common;
use common::drive::started;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::{update, Action, App, Effect};
use switchboard::config::Config;
use switchboard::provider::ApiError;
use switchboard::stream::StreamEvent;
use switchboard::theme::Theme;

/// An app with the keys of a config file.
fn app_with(keys_toml: &str, models: &[&str]) -> App {
    let cfg = Config::parse(keys_toml, std::path::Path::new("config.toml")).unwrap();
    let mut a = common::sim_app(models);
    a.config.keys = cfg.keys;
    a.view.size = (120, 40);
    a
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, mods)))
}

fn render(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.view.size.0, app.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(app, &Theme::default(), f))
        .unwrap();
    format!("{}", t.backend())
}

/// Sends `hi` to every pane and fails the first with a server error; the others answer.
fn fail_first(a: &mut App) {
    for c in "hi".chars() {
        key(a, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let ids = started(&key(a, KeyCode::Enter, KeyModifiers::NONE));
    let err = ApiError::from_response(500, r#"{"error":{"code":500,"message":"boom"}}"#, None);
    update(
        a,
        Action::Stream {
            request: ids[0],
            event: StreamEvent::Error(err),
        },
    );
    for id in &ids[1..] {
        for event in [StreamEvent::Delta("fine".into()), StreamEvent::Done] {
            update(
                a,
                Action::Stream {
                    request: *id,
                    event,
                },
            );
        }
    }
}

#[test]
fn a_rebound_retry_key_is_the_one_hints_and_help_name_and_the_one_that_retries() {
    // Ctrl+T is the spend breakdown's by default: it moves too, or the file is refused.
    let toml = "[keys]\nresend = \"ctrl-t\"\nspend = \"alt-s\"\n";
    let mut a = app_with(toml, &["sim/swift", "sim/steady"]);
    fail_first(&mut a);

    let screen = render(&a);
    assert!(screen.contains("500 server error"), "{screen}");
    assert!(screen.contains("Ctrl+T retries"), "{screen}");
    assert!(!screen.contains("Ctrl+R"), "{screen}");

    // The old key does nothing now; the new one re-sends the failed pane only.
    let fx = key(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(started(&fx).is_empty(), "{fx:?}");
    let fx = key(&mut a, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert_eq!(started(&fx).len(), 1, "{fx:?}");
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("Ctrl+T again"));

    // Tall enough for the whole help.
    a.view.size = (120, 300);
    key(&mut a, KeyCode::F(1), KeyModifiers::NONE);
    let help = render(&a);
    let line = help
        .lines()
        .find(|l| l.contains("re-send the last prompt"))
        .unwrap_or_else(|| panic!("{help}"));
    assert!(line.contains("Ctrl+T "), "{line}");
    let spend = help
        .lines()
        .find(|l| l.contains("spend per model"))
        .unwrap_or_else(|| panic!("{help}"));
    assert!(spend.contains("Alt+S"), "{spend}");
}

#[test]
fn the_default_keys_are_named_when_the_file_changes_none() {
    let mut a = app_with("", &["sim/swift", "sim/steady"]);
    fail_first(&mut a);
    assert!(render(&a).contains("Ctrl+R retries"));
}

#[test]
fn status_line_and_prompt_title_follow_the_keymap() {
    let toml = "[keys]\nsend = \"ctrl-j\"\nhelp = \"f12\"\n[keys.panes]\nzoom = \"Z\"\n";
    let mut a = app_with(toml, &["sim/swift"]);
    let screen = render(&a);
    assert!(screen.contains("Ctrl+J send"), "{screen}");
    assert!(screen.contains("F12 help"), "{screen}");
    assert!(!screen.contains("F1 help"), "{screen}");
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    let screen = render(&a);
    assert!(screen.contains("Z zoom"), "{screen}");
    // Enter in the prompt no longer sends: it is typed as a new line by the editor.
    key(&mut a, KeyCode::Char('i'), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('x'), KeyModifiers::NONE);
    let fx = key(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert!(started(&fx).is_empty());
    let fx = key(&mut a, KeyCode::Char('j'), KeyModifiers::CONTROL);
    assert_eq!(started(&fx).len(), 1);
}

#[test]
fn overlay_keys_come_from_their_modes() {
    let toml = "[keys.library]\nclose = \"ctrl-q\"\ninsert = \"alt-enter\"\n";
    let mut a = app_with(toml, &["sim/swift"]);
    key(&mut a, KeyCode::Char('p'), KeyModifiers::ALT);
    assert!(a.overlay.is_some());
    let screen = render(&a);
    assert!(screen.contains("Alt+Enter inserts"), "{screen}");
    // Esc is typed into the filter now rather than closing.
    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert!(a.overlay.is_some());
    key(&mut a, KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert!(a.overlay.is_none());
}

#[test]
fn the_vote_and_copy_chords_take_their_modes_keys() {
    let toml = "[keys.vote]\ntie = \"t\"\n[keys.copy]\nanswer = \"c\"\n";
    let mut a = app_with(toml, &["sim/swift", "sim/steady"]);
    fail_first(&mut a);
    key(&mut a, KeyCode::F(6), KeyModifiers::NONE);
    assert!(a.view.notice.as_ref().unwrap().text.contains("t a tie"));
    // `=` is no longer the tie: it votes for nothing.
    key(&mut a, KeyCode::Char('='), KeyModifiers::NONE);
    assert!(a.session.votes.is_empty());
    key(&mut a, KeyCode::F(6), KeyModifiers::NONE);
    key(&mut a, KeyCode::Char('t'), KeyModifiers::NONE);
    assert_eq!(a.session.votes.len(), 1, "{:?}", a.view.notice);

    key(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    a.view.focus = 1;
    key(&mut a, KeyCode::Char('y'), KeyModifiers::NONE);
    assert!(a
        .view
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("c for the answer"));
    let fx = key(&mut a, KeyCode::Char('c'), KeyModifiers::NONE);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Copy { .. })),
        "{fx:?}"
    );
}
