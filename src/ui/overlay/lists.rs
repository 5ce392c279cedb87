//! The dialogs that are a filter line over a list: variables, the prompt library, past
//! sessions.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::App;
use crate::keymap::Mode;
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

pub(super) fn vars(
    app: &App,
    input: &tui_textarea::TextArea<'static>,
    selected: usize,
    error: Option<&str>,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let h = (app.config.vars.len() as u16 + 6).clamp(8, area.height.saturating_sub(2));
    let r = centered(area, 80, h);
    f.render_widget(Clear, r);
    let block = boxed(" variables · {{name}} in prompts ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 4 {
        return;
    }
    let mut field = input.clone();
    field.set_cursor_line_style(ratatui::style::Style::default());
    field.set_placeholder_style(theme.dim);
    f.render_widget(&field, Rect::new(inner.x, inner.y, inner.width, 1));
    if let Some(e) = error {
        f.render_widget(
            Paragraph::new(Line::styled(e.to_string(), theme.error)),
            Rect::new(inner.x, inner.y + 1, inner.width, 1),
        );
    }
    let body = Rect::new(
        inner.x,
        inner.y + 2,
        inner.width,
        inner.height.saturating_sub(3),
    );
    let key = |action: &str| app.config.keys.label(Mode::Vars, action);
    let lines: Vec<Line> = if app.config.vars.is_empty() {
        vec![Line::styled(
            format!(
                "None set. Type name=value and press {}; {{{{name}}}} in a prompt then stands for the value.",
                key("set")
            ),
            theme.dim,
        )]
    } else {
        let rows = usize::from(body.height);
        let first = selected.saturating_sub(rows.saturating_sub(1));
        app.config
            .vars
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, (k, v))| {
                let style = if i == selected {
                    theme.selection
                } else {
                    theme.answer
                };
                Line::styled(format!("{k} = {v}"), style)
            })
            .collect()
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    f.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "{set} sets · {}{} choose · {set} on an empty line edits · {} removes · {}",
                key("up"),
                key("down"),
                key("remove"),
                key("close"),
                set = key("set"),
            ),
            theme.dim,
        )),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
}

pub(super) fn library(
    app: &App,
    input: &tui_textarea::TextArea<'static>,
    selected: usize,
    matches: &[usize],
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let key = |action: &str| app.config.keys.label(Mode::Library, action);
    let Some((inner, body)) = query_dialog(" prompt library ", 100, input, theme, f, area) else {
        return;
    };
    f.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "type to filter · {}{} choose · {} inserts · {} saves the current prompt under the typed name · {}",
                key("up"),
                key("down"),
                key("insert"),
                key("save"),
                key("close")
            ),
            theme.dim,
        )),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
    if matches.is_empty() {
        let msg = if app.config.library.is_empty() {
            format!(
                "No saved prompts yet: type a name and press {} to save the current prompt.",
                key("save")
            )
        } else {
            "Nothing matches.".to_string()
        };
        return f.render_widget(Paragraph::new(Line::styled(msg, theme.dim)), body);
    }
    let lines: Vec<Line> = matches
        .iter()
        .filter_map(|i| app.config.library.get(*i))
        .enumerate()
        .take(usize::from(body.height))
        .map(|(k, s)| {
            let first = s.text.lines().next().unwrap_or("").to_string();
            let style = if k == selected {
                theme.selection
            } else {
                theme.answer
            };
            Line::from(vec![
                Span::styled(format!("{:<24} ", s.name), style.patch(theme.key)),
                Span::styled(first, style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), body);
}

pub(super) fn sessions(
    app: &App,
    b: &crate::app::state::Browser,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let key = |action: &str| app.config.keys.label(Mode::Sessions, action);
    let Some((inner, body)) = query_dialog(" sessions ", 110, &b.input, theme, f, area) else {
        return;
    };
    let hint = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
    f.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "type to search · {}{} choose · {} resume · {} look read-only · ● yours · {} close",
                key("up"),
                key("down"),
                key("resume"),
                key("look"),
                key("close")
            ),
            theme.dim,
        )),
        hint,
    );
    let list = match &b.sessions {
        None => {
            return f.render_widget(
                Paragraph::new(Line::styled("reading history…", theme.dim)),
                body,
            )
        }
        Some(Err(e)) => {
            return f.render_widget(Paragraph::new(Line::styled(e.clone(), theme.error)), body)
        }
        Some(Ok(l)) if l.is_empty() => {
            return f.render_widget(
                Paragraph::new(Line::styled("no sessions match", theme.dim)),
                body,
            )
        }
        Some(Ok(l)) => l,
    };
    let h = usize::from(body.height);
    let first = b.selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, s)| {
            let when = s.started_label();
            // The live session: where a read-only look comes back to.
            let mark = if Some(s.id) == app.session.recording {
                "●"
            } else {
                " "
            };
            let text = format!(
                "{mark}{:>5}  {when}  {:>3} round{}  {:>10}  {}",
                s.id,
                s.rounds,
                if s.rounds == 1 { " " } else { "s" },
                crate::cost::money(s.cost),
                s.models.join(", ")
            );
            let style = if i == b.selected {
                theme.selection
            } else {
                theme.answer
            };
            Line::styled(text, style)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), body);
}

/// A dialog with a query line on top: draws the box and the query, and gives the box's inside
/// and the room under the query (none when the box is too small to hold both).
fn query_dialog(
    title: &'static str,
    width: u16,
    input: &tui_textarea::TextArea<'static>,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) -> Option<(Rect, Rect)> {
    let r = centered(area, width, area.height.saturating_sub(4));
    f.render_widget(Clear, r);
    let block = boxed(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 3 {
        return None;
    }
    let mut field = input.clone();
    field.set_cursor_line_style(ratatui::style::Style::default());
    field.set_placeholder_style(theme.dim);
    f.render_widget(&field, Rect::new(inner.x, inner.y, inner.width, 1));
    let body = Rect::new(
        inner.x,
        inner.y + 2,
        inner.width,
        inner.height.saturating_sub(3),
    );
    Some((inner, body))
}
