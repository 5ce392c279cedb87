use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

const NONE: KeyModifiers = KeyModifiers::NONE;
const ALT: KeyModifiers = KeyModifiers::ALT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn keys() -> Keymap {
    Keymap::default()
}

#[test]
fn the_embedded_defaults_read_without_error() {
    assert_eq!(super::map::defaults().map(|_| ()), Ok(()));
}

#[test]
fn letters_type_in_the_prompt_but_command_in_panes() {
    let q = key(KeyCode::Char('q'), NONE);
    assert_eq!(keys().command(Mode::Prompt, &q, true), None);
    assert_eq!(keys().command(Mode::Panes, &q, true), Some(Command::Quit));
}

#[test]
fn question_mark_opens_help_only_on_an_empty_prompt() {
    let k = key(KeyCode::Char('?'), NONE);
    assert_eq!(keys().command(Mode::Prompt, &k, true), Some(Command::Help));
    assert_eq!(keys().command(Mode::Prompt, &k, false), None);
}

#[test]
fn digits_focus_panes() {
    let m = keys();
    assert_eq!(
        m.command(Mode::Prompt, &key(KeyCode::Char('3'), ALT), false),
        Some(Command::FocusPane(2))
    );
    assert_eq!(
        m.command(Mode::Prompt, &key(KeyCode::Char('3'), NONE), false),
        None
    );
    assert_eq!(
        m.command(Mode::Panes, &key(KeyCode::Char('9'), NONE), false),
        Some(Command::FocusPane(8))
    );
}

#[test]
fn the_old_keys_still_dispatch() {
    let m = keys();
    let cases = [
        (Mode::Prompt, KeyCode::Enter, NONE, Command::Send),
        (Mode::Prompt, KeyCode::Char('s'), CTRL, Command::SendFocused),
        (
            Mode::Panes,
            KeyCode::Char('X'),
            KeyModifiers::SHIFT,
            Command::CancelAll,
        ),
        (Mode::Panes, KeyCode::Char('X'), NONE, Command::CancelAll),
        (
            Mode::Prompt,
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
            Command::PrevPane,
        ),
        (Mode::Panes, KeyCode::Left, NONE, Command::PrevPane),
        (
            Mode::Panes,
            KeyCode::Char('G'),
            KeyModifiers::SHIFT,
            Command::Bottom,
        ),
        (Mode::Prompt, KeyCode::End, CTRL, Command::Bottom),
        (
            Mode::Panes,
            KeyCode::Char('$'),
            NONE,
            Command::SpendBreakdown,
        ),
        (Mode::Panes, KeyCode::Char('y'), NONE, Command::CopyPrefix),
        (Mode::Prompt, KeyCode::F(10), NONE, Command::Scoreboard),
        (Mode::Panes, KeyCode::Enter, NONE, Command::FocusPrompt),
        (
            Mode::Panes,
            KeyCode::Char('{'),
            KeyModifiers::SHIFT,
            Command::PrevCode,
        ),
        (Mode::Prompt, KeyCode::Char('e'), ALT, Command::Editor),
    ];
    for (zone, code, mods, cmd) in cases {
        assert_eq!(
            m.command(zone, &key(code, mods), false),
            Some(cmd),
            "{code:?} {mods:?}"
        );
    }
    // Prompt-only keys do nothing in the panes' table, and the reverse.
    assert_eq!(
        m.command(Mode::Panes, &key(KeyCode::Char('e'), ALT), false),
        None
    );
}

#[test]
fn every_action_of_the_tables_has_a_default_and_every_default_an_action() {
    let m = keys();
    for (name, ..) in MAIN {
        let bound = [Mode::Global, Mode::Prompt, Mode::Panes]
            .iter()
            .any(|mode| !m.keys(*mode, name).is_empty());
        assert!(bound, "{name} has no default key");
    }
    for (mode, name, _) in OTHERS {
        assert!(!m.keys(*mode, name).is_empty(), "{}.{name}", mode.name());
    }
    for (name, _) in EDITING {
        assert!(!m.keys(Mode::Prompt, name).is_empty(), "prompt.{name}");
    }
}

#[test]
fn a_user_key_replaces_the_default() {
    let m = Keymap::from_config(
        "[keys]\nsend = \"ctrl-j\"\n[keys.picker]\nsort = [\"alt-s\", \"f6\"]\n",
    )
    .unwrap();
    let ctrl_j = key(KeyCode::Char('j'), CTRL);
    assert_eq!(m.command(Mode::Prompt, &ctrl_j, false), Some(Command::Send));
    assert_eq!(
        m.command(Mode::Prompt, &key(KeyCode::Enter, NONE), false),
        None
    );
    assert_eq!(m.main("send"), "Ctrl+J");
    assert!(m.is(Mode::Picker, "sort", &key(KeyCode::F(6), NONE)));
    assert!(!m.is(Mode::Picker, "sort", &key(KeyCode::Char('s'), CTRL)));
    assert_eq!(m.labels(Mode::Picker, "sort"), "Alt+S F6");
    // A name both the prompt and panes have changes the shared key only.
    let m = Keymap::from_config("[keys]\nquit = \"ctrl-q\"\n").unwrap();
    assert_eq!(m.main("quit"), "Ctrl+Q");
    assert!(m.is(Mode::Panes, "quit", &key(KeyCode::Char('q'), NONE)));
}

fn error(text: &str) -> (String, String) {
    let e = Keymap::from_config(text).unwrap_err();
    (text[e.at.clone()].to_string(), e.message)
}

#[test]
fn an_unknown_action_is_named_with_what_was_expected() {
    let (at, msg) = error("[keys]\nsned = \"ctrl-j\"\n");
    assert_eq!(at, "sned");
    assert!(msg.starts_with("unknown action `sned`"), "{msg}");
    assert!(msg.contains("expected one of send,"), "{msg}");
    let (at, msg) = error("[keys.picker]\nsend = \"ctrl-j\"\n");
    assert_eq!(at, "send");
    assert!(msg.contains("in [keys.picker]"), "{msg}");
    assert!(msg.contains("choose"), "{msg}");
    let (at, msg) = error("[keys.pickr]\nchoose = \"enter\"\n");
    assert_eq!(at, "pickr");
    assert!(msg.starts_with("unknown key mode `pickr`"), "{msg}");
}

#[test]
fn an_unreadable_key_is_pointed_at() {
    let (at, msg) = error("[keys]\nsend = \"ctrl-enterr\"\n");
    assert_eq!(at, "\"ctrl-enterr\"");
    assert!(
        msg.contains("is not a key: expected a key such as"),
        "{msg}"
    );
    let (at, msg) = error("[keys.picker]\nsort = [\"f6\", \"hyper-s\"]\n");
    assert_eq!(at, "\"hyper-s\"");
    assert!(msg.contains("`hyper-s` is not a key"), "{msg}");
    let (_, msg) = error("[keys]\nsend = 5\n");
    assert!(msg.contains("expected a key such as"), "{msg}");
}

#[test]
fn a_key_that_would_do_two_things_is_refused() {
    // Against [global], from the prompt's own table.
    let (at, msg) = error("[keys.prompt]\neditor = \"ctrl-s\"\n");
    assert_eq!(at, "\"ctrl-s\"");
    assert!(msg.contains("Ctrl+S is bound twice"), "{msg}");
    assert!(msg.contains("global.send_focused"), "{msg}");
    // Within one mode.
    let (_, msg) = error("[keys.picker]\nsort = \"ctrl-n\"\n");
    assert!(msg.contains("picker.add_pane"), "{msg}");
    // The panes' single keys against the shared ones.
    let (_, msg) = error("[keys.panes]\nzoom = \"ctrl-t\"\n");
    assert!(msg.contains("global.spend"), "{msg}");
    // Moving the other action away first makes room.
    assert!(Keymap::from_config("[keys]\nresend = \"ctrl-t\"\nspend = \"alt-s\"\n").is_ok());
    // Other modes may reuse a key.
    assert!(Keymap::from_config("[keys.diff]\nnext = \"ctrl-s\"\n").is_ok());
}

#[test]
fn the_hints_default_keys_are_the_keymaps() {
    assert_eq!(keys().steps(), crate::provider::steps::StepKeys::default());
}

#[test]
fn the_readme_example_is_a_valid_keymap() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("### `[keys]`").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let m = Keymap::from_config(example).unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(m.main("resend"), "Ctrl+T");
    assert_eq!(m.labels(Mode::PanelEdit, "apply_lines"), "Alt+Enter");
}

#[test]
fn the_default_file_reads_the_same_by_line_as_by_the_toml_parser() {
    let by_line = super::map::read_default_for_tests();
    let by_toml = super::map::read_default_with_toml_for_tests();
    assert!(by_line.len() > 100, "{}", by_line.len());
    assert_eq!(by_line, by_toml);
}
