#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Finding things in a long answer: `/` and `n`/`N`, and jumps between rounds and code blocks.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::app::{update, Action, App, Effect};
use switchboard::stream::StreamEvent;

fn key(a: &mut App, code: KeyCode) -> Vec<Effect> {
    let mods = if matches!(code, KeyCode::Char(c) if c.is_uppercase()) {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    update(a, Action::Key(KeyEvent::new(code, mods)))
}

fn type_text(a: &mut App, text: &str) {
    for c in text.chars() {
        key(a, KeyCode::Char(c));
    }
}

/// Draws, as the loop does after every change: searches and jumps go by what was drawn.
fn screen(a: &mut App) -> Vec<String> {
    common::draw(a)
}

/// One round answered with `text`.
fn answer(a: &mut App, prompt: &str, text: &str) {
    if a.view.zone == switchboard::app::Zone::Panes {
        key(a, KeyCode::Char('i'));
    }
    type_text(a, prompt);
    let fx = key(a, KeyCode::Enter);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::Start { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    for event in [StreamEvent::Delta(text.into()), StreamEvent::Done] {
        update(a, Action::Stream { request, event });
    }
}

fn long_answer(tag: &str) -> String {
    let mut s = String::new();
    for i in 0..40 {
        s.push_str(&format!(
            "Paragraph {i} of the {tag} answer, plain prose.\n\n"
        ));
        if i == 12 || i == 30 {
            s.push_str(&format!("```rust\nfn block_{tag}_{i}() {{}}\n```\n\n"));
        }
    }
    s.push_str("The needle is here.\n");
    s
}

fn app() -> App {
    let mut a = common::sim_app(&["sim/swift"]);
    a.view.size = (100, 30);
    answer(&mut a, "first question", &long_answer("first"));
    answer(&mut a, "second question", &long_answer("second"));
    key(&mut a, KeyCode::Esc);
    screen(&mut a);
    a
}

#[test]
fn slash_finds_and_n_walks_the_matches_wrapping_around() {
    let mut a = app();
    key(&mut a, KeyCode::Char('/'));
    type_text(&mut a, "NEEDLE");
    assert!(screen(&mut a).last().unwrap().contains("/NEEDLE▏"));
    // With a capital the case matters: no match.
    key(&mut a, KeyCode::Enter);
    assert!(a.view.notice.as_ref().unwrap().text.contains("no match"));
    key(&mut a, KeyCode::Char('/'));
    type_text(&mut a, "needle");
    key(&mut a, KeyCode::Enter);
    let s = a.view.search.clone().unwrap();
    assert_eq!(s.hits.len(), 2, "one in each answer");
    // The first match after the page shown (the tail, where the second answer ends): found
    // from the top again.
    let shown = screen(&mut a).join("\n");
    assert!(shown.contains("The needle is here."), "{shown}");
    assert!(
        shown.contains("/needle 1/2") || shown.contains("/needle 2/2"),
        "{shown}"
    );
    // The match is marked where it is drawn.
    let mut t = Terminal::new(TestBackend::new(a.view.size.0, a.view.size.1)).unwrap();
    t.draw(|f| switchboard::ui::draw(&a, &a.view.theme, f))
        .unwrap();
    let b = t.backend().buffer().clone();
    let rows = screen(&mut a);
    let y = rows.iter().position(|r| r.contains("The needle")).unwrap();
    let x = rows[y].find("needle").unwrap();
    let x = rows[y][..x].chars().count() as u16;
    let cell = &b[(x, y as u16)];
    assert!(
        cell.modifier.contains(ratatui::style::Modifier::REVERSED),
        "{cell:?}"
    );
    let plain = &b[(x - 2, y as u16)];
    assert!(!plain.modifier.contains(ratatui::style::Modifier::REVERSED));
    let first = a.view.search.as_ref().unwrap().current.unwrap();
    key(&mut a, KeyCode::Char('n'));
    let second = a.view.search.as_ref().unwrap().current.unwrap();
    assert_ne!(first, second);
    assert!(screen(&mut a).join("\n").contains("The needle is here."));
    key(&mut a, KeyCode::Char('N'));
    assert_eq!(a.view.search.as_ref().unwrap().current, Some(first));
    // Esc drops the search first, then leaves the panes.
    key(&mut a, KeyCode::Esc);
    assert!(a.view.search.is_none());
    assert_eq!(a.view.zone, switchboard::app::Zone::Panes);
}

#[test]
fn brackets_jump_between_rounds_and_braces_between_code_blocks() {
    let mut a = app();
    key(&mut a, KeyCode::Char('g'));
    let top = |a: &mut App| screen(a)[1..6].join("\n");
    for (k, want) in [
        (']', "second question"),
        ('[', "first question"),
        ('}', "block_first_12"),
        ('}', "block_first_30"),
        ('}', "block_second_12"),
        ('{', "block_first_30"),
    ] {
        key(&mut a, KeyCode::Char(k));
        let shown = top(&mut a);
        assert!(shown.contains(want), "{k}: {shown}");
    }
}
