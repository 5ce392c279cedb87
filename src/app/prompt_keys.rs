//! The prompt editor: keys, history walking, pasting.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, Input, TextArea};

use super::state::{App, Overlay, Zone};

pub(super) fn edit_prompt(app: &mut App, key: KeyEvent) {
    let (row, _) = app.view.prompt.cursor();
    let last_row = app.view.prompt.lines().len().saturating_sub(1);
    let plain = key.modifiers == KeyModifiers::NONE;
    let ctrl = key.modifiers == KeyModifiers::CONTROL;
    match key.code {
        // As in a shell; the editor's own Ctrl+U is undo, which Ctrl+Z does here.
        KeyCode::Char('u') if ctrl => {
            app.view.prompt.delete_line_by_head();
            return;
        }
        KeyCode::Char('z') if ctrl => {
            app.view.prompt.undo();
            return;
        }
        KeyCode::Up if plain && row == 0 => return history_prev(app),
        KeyCode::Down if plain && row == last_row => return history_next(app),
        KeyCode::Enter
            if key
                .modifiers
                .intersects(KeyModifiers::ALT | KeyModifiers::SHIFT) =>
        {
            app.view.prompt.insert_newline();
            return;
        }
        _ => {}
    }
    app.view.prompt.input(Input::from(key));
}

pub(super) fn history_prev(app: &mut App) {
    let h = &mut app.view.history;
    if h.entries.is_empty() {
        return;
    }
    let next = match h.cursor {
        None => {
            h.draft = app.view.prompt.lines().join("\n");
            h.entries.len() - 1
        }
        Some(0) => return,
        Some(i) => i - 1,
    };
    h.cursor = Some(next);
    let text = h.entries[next].clone();
    set_prompt(&mut app.view.prompt, &text);
}

pub(super) fn history_next(app: &mut App) {
    let h = &mut app.view.history;
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
    set_prompt(&mut app.view.prompt, &text);
}

pub(super) fn set_prompt(prompt: &mut TextArea<'static>, text: &str) {
    let mut fresh = crate::ui::prompt::new_editor();
    fresh.insert_str(text);
    fresh.move_cursor(CursorMove::Bottom);
    fresh.move_cursor(CursorMove::End);
    *prompt = fresh;
}

pub(super) fn on_paste(app: &mut App, text: &str) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    match &mut app.overlay {
        Some(Overlay::Picker(picker)) => {
            picker
                .input
                .insert_str(text.lines().next().unwrap_or("").trim());
            picker.refresh(&app.catalog.entries);
        }
        Some(_) => {}
        None => {
            app.view.zone = Zone::Prompt;
            app.view.prompt.insert_str(&text);
        }
    }
}
