#![allow(dead_code)]
//! Key presses and typing, as the terminal would deliver them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::app::{update, Action, App, Effect};

pub fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(code, mods)))
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

/// Sends `prompt` to every pane as a user would: into the prompt (from the panes, if there),
/// typed, Enter. The effects of the Enter.
pub fn send(app: &mut App, prompt: &str) -> Vec<Effect> {
    if app.view.zone == switchboard::app::Zone::Panes {
        press(app, KeyCode::Char('i'), KeyModifiers::NONE);
    }
    type_text(app, prompt);
    press(app, KeyCode::Enter, KeyModifiers::NONE)
}
