//! The request a pane would send next, as the settings panel shows it: made when the panel
//! opens and whenever what it shows changes, not on every frame.

use super::state::{App, Pane};

/// How a line of the request view is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Head,
    Note,
    Code,
    Dim,
    Error,
}

/// The request body as lines of text and their tone: where it goes, what the provider did not
/// receive, the JSON, and the fallbacks that would follow.
pub fn lines(app: &App, pane: &Pane) -> Vec<(String, Tone)> {
    let prompt = app.prompt_text();
    let prompt = if prompt.trim().is_empty() {
        "…your next prompt…".to_string()
    } else {
        prompt
    };
    let params = pane.params(pane.turns.len(), &prompt);
    let mut lines = vec![(
        format!(
            "POST {}/chat/completions",
            app.config
                .providers
                .endpoints
                .get(&pane.provider)
                .map_or("?", |e| e.base_url.as_str())
        ),
        Tone::Head,
    )];
    match crate::route::plan(&app.config.providers, &pane.provider, &params) {
        Ok(hops) => {
            if let Some(first) = hops.first() {
                let body = crate::provider::request::chat_body_for(&first.endpoint, &first.params);
                let received = pane.current().and_then(|a| a.upstream_body.as_ref());
                // What was dropped comes first: the bodies can run past the screen.
                if let Some(received) = received {
                    lines.push((dropped_line(&body, received), Tone::Note));
                }
                let text = serde_json::to_string_pretty(&body).unwrap_or_default();
                lines.extend(text.lines().map(|l| (l.to_string(), Tone::Code)));
                if let Some(received) = received {
                    lines.push((String::new(), Tone::Code));
                    lines.push((
                        "what the provider received (last request):".to_string(),
                        Tone::Note,
                    ));
                    let text = serde_json::to_string_pretty(received).unwrap_or_default();
                    lines.extend(
                        text.lines()
                            .map(|l| (crate::sanitize::clean(l), Tone::Code)),
                    );
                }
            }
            for h in hops.iter().skip(1) {
                lines.push((
                    format!(
                        "then, if that fails: {} on {}",
                        h.params.model, h.endpoint.provider
                    ),
                    Tone::Dim,
                ));
            }
        }
        Err(e) => lines.push((e, Tone::Error)),
    }
    lines
}

/// Which of the fields sent never reached the provider, by OpenRouter's debug echo of the last
/// request.
fn dropped_line(sent: &serde_json::Value, received: &serde_json::Value) -> String {
    let dropped: Vec<&str> = sent
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .filter(|k| received.get(*k).is_none())
        .collect();
    if dropped.is_empty() {
        "the provider received every field (last request)".to_string()
    } else {
        format!(
            "not passed on to the provider (last request): {}",
            dropped.join(", ")
        )
    }
}

/// Makes the open panel's request view again, from its pane as it is now.
pub fn refresh(app: &mut App) {
    let Some(super::state::Overlay::Panel(panel)) = &app.overlay else {
        return;
    };
    let Some(i) = app.pane_index(panel.id) else {
        return;
    };
    let body = lines(app, &app.session.panes[i]);
    if let Some(super::state::Overlay::Panel(panel)) = &mut app.overlay {
        panel.body = body;
    }
}
