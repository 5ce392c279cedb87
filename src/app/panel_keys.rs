//! Keys in the config panel: moving between fields, editing them with validation as you type,
//! and the panel's own actions (save, workspace, connection test, JSON view).

use crossterm::event::{KeyCode, KeyEvent};
use tui_textarea::{CursorMove, Input, TextArea};

use super::action::{ConfigWrite, Effect};
use super::panel::{fields, Field, Kind, Panel};
use super::picker::{PickMode, Picker};
use super::state::{App, Overlay};
use crate::keymap::Mode;

/// Handles a key in the panel. Returns the panel when it stays open; the caller puts it back.
pub fn panel_key(
    app: &mut App,
    mut panel: Box<Panel>,
    key: KeyEvent,
    fx: &mut Vec<Effect>,
) -> Option<Overlay> {
    // The pane is found by its id: another may have been closed since the panel opened.
    panel.pane = app.pane_index(panel.id)?;
    if let Some(input) = panel.naming.take() {
        return naming_key(app, panel, input, key, fx);
    }
    if let Some(editor) = panel.editing.take() {
        return editing_key(app, panel, editor, key);
    }
    if panel.show_json && json_key(app, &mut panel, key) {
        return Some(Overlay::Panel(panel));
    }
    let all = fields();
    let field = panel.field();
    let action = app.config.keys.action(Mode::Panel, &key);
    match action {
        Some("close") => return None,
        Some("up") => {
            panel.selected = panel.selected.saturating_sub(1);
            panel.fallback = 0;
        }
        Some("down") => {
            panel.selected = (panel.selected + 1).min(all.len() - 1);
            panel.fallback = 0;
        }
        Some("page_up") => panel.selected = panel.selected.saturating_sub(8),
        Some("page_down") => panel.selected = (panel.selected + 8).min(all.len() - 1),
        Some("first") => panel.selected = 0,
        Some("last") => panel.selected = all.len() - 1,
        Some("json") => {
            panel.show_json = !panel.show_json;
            panel.json_scroll = 0;
        }
        Some("save") => {
            let pane = &app.session.panes[panel.pane];
            fx.push(Effect::SaveConfig(Box::new(ConfigWrite::Pane {
                pane: pane.id,
                number: panel.pane + 1,
                index: pane.origin,
                config: Box::new(crate::setup::to_config(&app.config.providers, pane)),
            })));
            panel.status = Some(("saving…".into(), false));
        }
        Some("save_workspace") => {
            let mut input = TextArea::default();
            input.set_placeholder_text("letters, digits, - and _");
            // Saving the workspace on screen again is one Enter; typing replaces its name.
            if let Some(name) = &app.session.workspace {
                input.insert_str(name);
                input.select_all();
            }
            panel.naming = Some(input);
        }
        Some("test") => {
            let provider = app.session.panes[panel.pane].provider.clone();
            panel.status = Some((format!("testing {provider}…"), false));
            fx.push(Effect::TestProvider { provider });
        }
        Some("unset") if field.kind() != Kind::Picker && field != Field::Provider => {
            if field == Field::Fallbacks {
                remove_fallback(app, &mut panel);
            } else {
                let pane = &mut app.session.panes[panel.pane];
                let _ = field.set(&mut pane.settings, "");
            }
        }
        _ => match field.kind() {
            Kind::Picker => {
                if action == Some("open") {
                    return Some(picker(app, panel, PickMode::SetModel));
                }
            }
            Kind::Choice => {
                let step = match action {
                    Some("open" | "cycle" | "right") => 1,
                    Some("left") => -1,
                    _ => 0,
                };
                if step != 0 {
                    cycle(app, &panel, field, step);
                }
            }
            Kind::Text | Kind::Lines => {
                if action == Some("open") {
                    let mut editor = TextArea::default();
                    editor.insert_str(field.get(&app.session.panes[panel.pane]));
                    editor.move_cursor(CursorMove::Bottom);
                    editor.move_cursor(CursorMove::End);
                    panel.editing = Some(editor);
                    panel.error = None;
                }
            }
            Kind::List => match action {
                Some("add_fallback") => return Some(picker(app, panel, PickMode::AddFallback)),
                Some("remove_fallback") => remove_fallback(app, &mut panel),
                Some("left") => panel.fallback = panel.fallback.saturating_sub(1),
                Some("right") => {
                    let n = app.session.panes[panel.pane].settings.fallbacks.len();
                    panel.fallback = (panel.fallback + 1).min(n.saturating_sub(1));
                }
                Some("fallback_up") => move_fallback(app, &mut panel, -1),
                Some("fallback_down") => move_fallback(app, &mut panel, 1),
                Some("open") => {
                    let mut editor = TextArea::default();
                    editor.insert_str(field.get(&app.session.panes[panel.pane]));
                    panel.editing = Some(editor);
                    panel.error = None;
                }
                _ => {}
            },
        },
    }
    Some(Overlay::Panel(panel))
}

/// Scrolling the request body while it is shown: its page keys always, the others while it
/// fills the panel (beside the fields those move between fields). Whether the key was taken.
fn json_key(app: &App, panel: &mut Panel, key: KeyEvent) -> bool {
    // As the body was last drawn; before its first frame, a row at a time beside the fields.
    let (beside, page) = app.view.drawn.body.unwrap_or((true, 1));
    let alone = !beside;
    let max = panel.json_max.get();
    let at = panel.json_scroll;
    panel.json_scroll = match app.config.keys.action(Mode::PanelJson, &key) {
        Some("page_down") => at.saturating_add(page),
        Some("page_up") => at.saturating_sub(page),
        Some("page") if alone => at.saturating_add(page),
        Some("line_down") if alone => at.saturating_add(1),
        Some("line_up") if alone => at.saturating_sub(1),
        Some("top") if alone => 0,
        Some("bottom") if alone => max,
        _ => return false,
    }
    .min(max);
    true
}

fn picker(app: &App, panel: Box<Panel>, mode: PickMode) -> Overlay {
    let mut p = Picker::new(mode, &app.catalog.entries);
    p.return_to = Some(panel);
    Overlay::Picker(Box::new(p))
}

fn cycle(app: &mut App, panel: &Panel, field: Field, step: isize) {
    let providers: Vec<String> = app.config.providers.endpoints.keys().cloned().collect();
    let choices = field.choices(&providers);
    let pane = &mut app.session.panes[panel.pane];
    let current = field.get(pane);
    let i = choices.iter().position(|c| *c == current).unwrap_or(0) as isize;
    let n = choices.len() as isize;
    let Some(next) = choices
        .get(((i + step).rem_euclid(n.max(1))) as usize)
        .cloned()
    else {
        return;
    };
    if field == Field::Provider {
        pane.provider = next;
    } else {
        let _ = field.set(&mut pane.settings, &next);
    }
}

fn remove_fallback(app: &mut App, panel: &mut Panel) {
    let list = &mut app.session.panes[panel.pane].settings.fallbacks;
    if panel.fallback < list.len() {
        list.remove(panel.fallback);
        panel.fallback = panel.fallback.min(list.len().saturating_sub(1));
    }
}

fn move_fallback(app: &mut App, panel: &mut Panel, delta: isize) {
    let list = &mut app.session.panes[panel.pane].settings.fallbacks;
    let to = panel.fallback as isize + delta;
    if panel.fallback < list.len() && to >= 0 && (to as usize) < list.len() {
        list.swap(panel.fallback, to as usize);
        panel.fallback = to as usize;
    }
}

/// Typing into a field: checked on every key, applied with the apply key (for several lines,
/// where Enter is a new line, with its own).
fn editing_key(
    app: &mut App,
    mut panel: Box<Panel>,
    mut editor: TextArea<'static>,
    key: KeyEvent,
) -> Option<Overlay> {
    let field = panel.field();
    let multi = field.kind() == Kind::Lines;
    let apply = if multi {
        app.config.keys.is(Mode::PanelEdit, "apply_lines", &key)
    } else {
        app.config.keys.is(Mode::PanelEdit, "apply", &key)
    };
    if app.config.keys.is(Mode::PanelEdit, "cancel", &key) {
        panel.error = None;
        return Some(Overlay::Panel(panel));
    }
    let text = editor.lines().join("\n");
    if apply {
        let pane = &mut app.session.panes[panel.pane];
        match field.set(&mut pane.settings, &text) {
            Ok(()) => panel.error = None,
            Err(e) => {
                panel.error = Some(e);
                panel.editing = Some(editor);
            }
        }
        return Some(Overlay::Panel(panel));
    }
    if multi && key.code == KeyCode::Enter {
        editor.insert_newline();
    } else {
        editor.input(Input::from(key));
    }
    // Validate as you type, on a copy: nothing changes until the edit is applied.
    let mut scratch = app.session.panes[panel.pane].settings.clone();
    panel.error = field.set(&mut scratch, &editor.lines().join("\n")).err();
    panel.editing = Some(editor);
    Some(Overlay::Panel(panel))
}

fn naming_key(
    app: &mut App,
    mut panel: Box<Panel>,
    mut input: TextArea<'static>,
    key: KeyEvent,
    fx: &mut Vec<Effect>,
) -> Option<Overlay> {
    match app.config.keys.action(Mode::PanelName, &key) {
        Some("cancel") => {}
        Some("save") => {
            let name = input.lines().join("").trim().to_string();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                panel.status = Some(("a workspace name is letters, digits, - and _".into(), true));
                panel.naming = Some(input);
                return Some(Overlay::Panel(panel));
            }
            let panes = app
                .session
                .panes
                .iter()
                .map(|p| crate::setup::to_config(&app.config.providers, p))
                .collect::<Vec<_>>();
            app.config.workspaces.insert(name.clone(), panes.clone());
            app.session.workspace = Some(name.clone());
            panel.status = Some((format!("saving workspace {name}…"), false));
            fx.push(Effect::SaveConfig(Box::new(ConfigWrite::Workspace {
                name,
                panes,
            })));
        }
        _ => {
            input.input(Input::from(key));
            panel.naming = Some(input);
        }
    }
    Some(Overlay::Panel(panel))
}
