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
