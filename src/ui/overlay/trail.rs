//! A pane's hop trail: each attempt, what the router said, and what it cost.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

/// OpenRouter's side of the trail: its summary, then every model and provider it tried.
fn router_lines(meta: &serde_json::Value, theme: &Theme) -> Vec<Line<'static>> {
    use serde_json::Value;
    let text = |v: Option<&Value>| {
        v.map(|v| match v {
            Value::String(s) => crate::sanitize::clean(s),
            other => crate::sanitize::clean(&other.to_string()),
        })
        .unwrap_or_default()
    };
    let mut out = vec![Line::styled(
        format!("on OpenRouter's side: {}", text(meta.get("summary"))),
        theme.title,
    )];
    for a in meta
        .get("attempts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let status = text(a.get("status"));
        let ok = status == "200" || a.get("selected") == Some(&Value::Bool(true));
        let why = text(a.get("error").or_else(|| a.get("message")));
        out.push(Line::styled(
            format!(
                "  {} via {} · {status}{}",
                text(a.get("model")),
                text(a.get("provider")),
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" · {why}")
                }
            ),
            if ok { theme.served } else { theme.error },
        ));
    }
    out
}

pub(super) fn draw(app: &App, pane: usize, theme: &Theme, f: &mut Frame, area: Rect) {
    let r = centered(area, 100, 20);
    f.render_widget(Clear, r);
    let Some(p) = app.session.panes.get(pane) else {
        return;
    };
    let mut lines = Vec::new();
    match p.current() {
        None => lines.push(Line::styled("Nothing sent from this pane yet.", theme.dim)),
        Some(a) => {
            lines.push(Line::from(vec![
                Span::styled("asked ", theme.dim),
                Span::raw(p.model.clone()),
                Span::styled(" on ", theme.dim),
                Span::raw(p.provider.clone()),
            ]));
            if a.hops.is_empty() {
                lines.push(Line::styled("No failed attempts.", theme.dim));
            }
            for (i, h) in a.hops.iter().enumerate() {
                let wait = h
                    .wait
                    .map(|w| format!(" · waited {}", crate::ui::stats::duration(w)))
                    .unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::styled(format!("{:>2}. ", i + 1), theme.dim),
                    Span::styled(format!("{} via {}", h.model, h.provider), theme.title),
                    Span::styled(wait, theme.dim),
                ]));
                lines.push(Line::styled(format!("    {}", h.outcome), theme.error));
            }
            if let Some(meta) = &a.router {
                lines.extend(router_lines(meta, theme));
            }
            let answered = match (&a.served_model, &a.served_provider) {
                (Some(m), Some(pr)) => format!("answered by {m} via {pr}"),
                (Some(m), None) => format!("answered by {m}"),
                _ => format!("now: {}", a.status.label()),
            };
            lines.push(Line::styled(answered, theme.served));
            if let Some(native) = &a.native_finish_reason {
                lines.push(Line::styled(
                    format!(
                        "finish: {} (provider: {native})",
                        a.finish_reason.as_deref().unwrap_or("none")
                    ),
                    theme.dim,
                ));
            }
            match (&a.billed, &a.unbilled, &a.generation_id) {
                (Some(b), _, _) => {
                    for l in b.describe() {
                        lines.push(Line::styled(l, theme.stats));
                    }
                }
                (None, Some(why), _) => {
                    lines.push(Line::styled(
                        format!("billing not confirmed: {why}"),
                        theme.notice,
                    ));
                }
                (None, None, Some(id)) if !a.status.is_active() => {
                    lines.push(Line::styled(
                        format!("asking what {id} was billed…"),
                        theme.dim,
                    ));
                }
                _ => {}
            }
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled("any key closes", theme.dim));
    f.render_widget(
        Paragraph::new(lines)
            .block(boxed(" hop trail and billing ", theme))
            .wrap(ratatui::widgets::Wrap { trim: false }),
        r,
    );
}
