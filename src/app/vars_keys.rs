//! The variables overlay (`Alt+V`): the values `{{name}}` takes in prompts, set at the keyboard.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{Input, TextArea};

use super::state::{App, Overlay};

/// Opens the overlay; `name` (a variable a prompt needs) starts the line as `name=`.
pub fn open(app: &mut App, name: Option<&str>) {
    let mut input = TextArea::default();
    input.set_placeholder_text("name=value, Enter sets it");
    if let Some(n) = name {
        input.insert_str(format!("{n}="));
    }
    app.overlay = Some(Overlay::Vars {
        input: Box::new(input),
        selected: 0,
        error: None,
    });
}

/// A key in the overlay; false closes it.
pub fn key(
    app: &mut App,
    input: &mut TextArea<'static>,
    selected: &mut usize,
    error: &mut Option<String>,
    key: KeyEvent,
) -> bool {
    let n = app.config.vars.len();
    let line = input.lines().join("");
    match key.code {
        KeyCode::Esc => return false,
        KeyCode::Char('c') if key.modifiers == KeyModifiers::CONTROL => return false,
        KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Down => *selected = (*selected + 1).min(n.saturating_sub(1)),
        // The selected variable, back on the line to be changed.
        KeyCode::Enter if line.trim().is_empty() => {
            if let Some((k, v)) = app.config.vars.iter().nth(*selected) {
                let text = format!("{k}={v}");
                *input = TextArea::default();
                input.insert_str(text);
            }
        }
        KeyCode::Enter => match crate::vars::parse_var(&line) {
            Ok((k, v)) => {
                *selected = app.config.vars.keys().position(|x| *x >= k).unwrap_or(n);
                app.config.vars.insert(k, v);
                *input = TextArea::default();
                input.set_placeholder_text("name=value, Enter sets it");
                *error = None;
            }
            Err(e) => *error = Some(e),
        },
        KeyCode::Delete if line.is_empty() => {
            if let Some(k) = app.config.vars.keys().nth(*selected).cloned() {
                app.config.vars.remove(&k);
                *selected = (*selected).min(app.config.vars.len().saturating_sub(1));
            }
        }
        _ => {
            input.input(Input::from(key));
            *error = None;
        }
    }
    true
}
