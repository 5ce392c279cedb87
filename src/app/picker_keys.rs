//! Keys in the model picker: moving, filtering and sorting, choosing a model for a pane, a new
//! pane or a fallback, and opening a model once per provider serving it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::Input;

use super::action::Effect;
use super::notice::notice;
use super::picker::{PickMode, Picker};
use super::state::{App, Pane, Zone, MAX_PANES};

/// Handles a key in the picker; returns whether it stays open.
pub(super) fn picker_key(app: &mut App, picker: &mut Picker, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => false,
        KeyCode::Enter => choose(app, picker, picker.mode).is_err(),
        KeyCode::Char('n') if ctrl => choose(app, picker, PickMode::AddPane).is_err(),
        KeyCode::Char('e') if ctrl => compare_providers(app, picker).is_err(),
        KeyCode::Char('s') if ctrl => {
            picker.next_sort(&app.catalog.entries);
            true
        }
        KeyCode::Tab => {
            picker.next_tag(&app.catalog.entries, false);
            true
        }
        KeyCode::BackTab => {
            picker.next_tag(&app.catalog.entries, true);
            true
        }
        KeyCode::Up => {
            picker.move_by(-1);
            true
        }
        KeyCode::Down => {
            picker.move_by(1);
            true
        }
        KeyCode::PageUp => {
            picker.move_by(-10);
            true
        }
        KeyCode::PageDown => {
            picker.move_by(10);
            true
        }
        _ => {
            let before = picker.query();
            picker.input.input(Input::from(key));
            if picker.query() != before {
                picker.refresh(&app.catalog.entries);
            }
            true
        }
    }
}

/// Asks, once per model, which providers serve the picker's highlighted model (OpenRouter).
pub(super) fn ask_endpoints(app: &mut App, picker: &Picker, fx: &mut Vec<Effect>) {
    let Some(e) = picker.current(&app.catalog.entries) else {
        return;
    };
    let openrouter = app
        .config
        .providers
        .endpoints
        .get(&e.provider)
        .is_some_and(|ep| ep.kind == crate::provider::ProviderKind::Openrouter);
    let (provider, model) = (e.provider.clone(), e.info.id.clone());
    if openrouter && app.catalog.endpoints_asked.insert(model.clone()) {
        fx.push(Effect::FetchEndpoints { provider, model });
    }
}

/// Opens the highlighted model once per provider serving it, each pane pinned to its provider
/// (`provider.only`, no fallbacks), so quantization, speed and price differences show side by
/// side.
fn compare_providers(app: &mut App, picker: &mut Picker) -> Result<(), ()> {
    let Some(e) = picker.current(&app.catalog.entries) else {
        picker.error = Some("highlight a model first".into());
        return Err(());
    };
    let (provider, model) = (e.provider.clone(), e.info.id.clone());
    let Some(list) = app
        .catalog
        .endpoints
        .get(&model)
        .filter(|l| !l.is_empty())
        .cloned()
    else {
        picker.error = Some(format!("the providers of {model} are not known yet"));
        return Err(());
    };
    let room = MAX_PANES.saturating_sub(app.session.panes.len());
    if room == 0 {
        picker.error = Some(format!("at most {MAX_PANES} panes"));
        return Err(());
    }
    let opened: Vec<String> = list
        .iter()
        .take(room)
        .map(|ep| {
            let mut pane = Pane::new(model.clone(), provider.clone());
            pane.settings.routing.only = vec![ep.tag.clone()];
            pane.settings.routing.allow_fallbacks = Some(false);
            app.session.panes.push(pane);
            ep.tag.clone()
        })
        .collect();
    app.view.focus = app.session.panes.len() - opened.len();
    let left_out = list.len() - opened.len();
    notice(
        app,
        format!(
            "{model} on each provider: {}{}",
            opened.join(", "),
            if left_out > 0 {
                format!(" ({left_out} more did not fit)")
            } else {
                String::new()
            }
        ),
    );
    app.view.zone = Zone::Prompt;
    Ok(())
}

/// Applies the picker's choice: the highlighted model, else the typed id as it is.
fn choose(app: &mut App, picker: &mut Picker, mode: PickMode) -> Result<(), ()> {
    let typed = picker.query().trim().to_string();
    let (provider, model) = match picker.current(&app.catalog.entries) {
        Some(e) => (e.provider.clone(), e.info.id.clone()),
        None if typed.is_empty() => {
            picker.error = Some("type a model id, e.g. sim/coder".into());
            return Err(());
        }
        None if typed.chars().any(char::is_whitespace) => {
            picker.error = Some(format!("`{typed}` is not a model id: it has spaces"));
            return Err(());
        }
        None => app.config.providers.route(&typed),
    };
    if !app.config.providers.endpoints.contains_key(&provider) {
        picker.error = Some(format!("no provider `{provider}` is configured"));
        return Err(());
    }
    match mode {
        PickMode::AddPane => {
            if app.session.panes.len() >= MAX_PANES {
                picker.error = Some(format!("at most {MAX_PANES} panes"));
                return Err(());
            }
            app.session.panes.push(Pane::new(model.clone(), provider));
            app.view.focus = app.session.panes.len() - 1;
            notice(app, format!("added {model}"));
        }
        PickMode::AddFallback => {
            let Some(pane) = app.session.panes.get_mut(app.view.focus) else {
                return Err(());
            };
            let spec = if provider == pane.provider {
                model.clone()
            } else {
                format!("{provider}:{model}")
            };
            if pane.settings.fallbacks.contains(&spec) || pane.model == spec {
                picker.error = Some(format!("{spec} is already in the chain"));
                return Err(());
            }
            pane.settings.fallbacks.push(spec);
            return Ok(());
        }
        PickMode::SetModel => {
            let Some(pane) = app.session.panes.get_mut(app.view.focus) else {
                return Err(());
            };
            pane.model.clone_from(&model);
            pane.provider = provider;
            notice(app, format!("pane {} now asks {model}", app.view.focus + 1));
        }
    }
    app.view.zone = Zone::Prompt;
    Ok(())
}
