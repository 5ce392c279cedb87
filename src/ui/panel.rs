//! The config panel: every setting of the focused pane, and the JSON it will send.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::panel::{Field, Kind, Panel, SECTIONS};
use crate::app::request_view::Tone;
use crate::app::state::Pane;
use crate::app::App;
use crate::provider::ProviderKind;
use crate::theme::Theme;

use super::overlay::{boxed, centered};

/// The panel's frame on a screen of `area`.
fn frame_rect(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(4).min(140),
        area.height.saturating_sub(2),
    )
}

/// Inside the frame: the body, and two lines of status and keys under it.
fn split(inner: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner)
}

fn body_rect(size: (u16, u16)) -> Rect {
    let r = frame_rect(Rect::new(0, 0, size.0, size.1));
    let [body, _] = split(Block::default().borders(Borders::ALL).inner(r));
    body
}

/// Whether the request body is drawn beside the fields (else it fills the panel while shown).
pub fn json_beside_fields(size: (u16, u16)) -> bool {
    body_rect(size).width >= 100
}

/// Rows of the request body one page key moves: what is on screen, less one to keep context.
pub fn json_page(size: (u16, u16)) -> usize {
    usize::from(body_rect(size).height.saturating_sub(2)).max(1)
}

pub fn draw(app: &App, panel: &Panel, theme: &Theme, f: &mut Frame, area: Rect) {
    let Some(pane) = app
        .pane_index(panel.id)
        .and_then(|i| app.session.panes.get(i))
    else {
        return;
    };
    let r = frame_rect(area);
    f.render_widget(Clear, r);
    let title = if app.config.providers.is_simulated(&pane.provider) {
        " pane settings · simulated "
    } else {
        " pane settings "
    };
    let block = boxed(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let [body, footer] = split(inner);
    let (list_area, side) = if json_beside_fields((area.width, area.height)) {
        let [a, b] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(body);
        (a, Some(b))
    } else {
        (body, None)
    };
    match side {
        Some(side) => {
            fields_list(app, panel, pane, theme, f, list_area);
            if panel.show_json {
                json(app, panel, theme, f, side);
            } else {
                help(panel, pane, app, theme, f, side);
            }
        }
        // Too narrow for both: the JSON view takes the whole panel while it is on.
        None if panel.show_json => json(app, panel, theme, f, body),
        None => fields_list(app, panel, pane, theme, f, list_area),
    }
    let status = match (&panel.naming, &panel.status) {
        (Some(input), _) if input.is_selecting() => Line::styled(
            "name the workspace: Enter saves under this name, typing replaces it, Esc cancels",
            theme.notice,
        ),
        (Some(_), _) => Line::styled("name the workspace, Enter saves, Esc cancels", theme.notice),
        (None, Some((text, true))) => Line::styled(text.clone(), theme.error),
        (None, Some((text, false))) => Line::styled(text.clone(), theme.served),
        (None, None) => Line::default(),
    };
    let keys = match (panel.show_json, side.is_some()) {
        (true, true) => "PgUp PgDn scroll JSON · ↑↓ field · Enter edit · v fields help · s save pane · w save workspace · Esc close",
        (true, false) => "↑↓ PgUp PgDn g G scroll · v back to the fields · s save pane · w save workspace · Esc close",
        (false, _) => "↑↓ field · Enter edit · Space cycle · Del unset · v JSON · s save pane · w save workspace · t test connection · Esc close",
    };
    f.render_widget(
        Paragraph::new(vec![status, Line::styled(keys, theme.dim)]),
        footer,
    );
    if let Some(input) = &panel.naming {
        naming_box(input, theme, f, inner);
    }
}

/// The workspace name, in a box of its own over whatever the panel shows there.
fn naming_box(input: &tui_textarea::TextArea<'static>, theme: &Theme, f: &mut Frame, inner: Rect) {
    let mut field = input.clone();
    field.set_cursor_line_style(ratatui::style::Style::default());
    field.set_cursor_style(theme.cursor);
    field.set_selection_style(theme.selection);
    field.set_placeholder_style(theme.dim);
    field.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border_focused)
            .title(Span::styled(" workspace name ", theme.title_focused))
            .style(theme.overlay),
    );
    let w = 40.min(inner.width);
    let h = 3.min(inner.height);
    let r = Rect::new(
        inner.x + (inner.width - w) / 2,
        inner.y + (inner.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    f.render_widget(&field, r);
}

fn fields_list(app: &App, panel: &Panel, pane: &Pane, theme: &Theme, f: &mut Frame, area: Rect) {
    let openai = app
        .config
        .providers
        .endpoints
        .get(&pane.provider)
        .is_some_and(|e| e.kind == ProviderKind::Openai);
    let selected = panel.field();
    let label_w = 22;
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (section, fields) in SECTIONS {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(section.to_string(), theme.header));
        for field in fields.iter().copied() {
            let is_sel = field == selected;
            if is_sel {
                selected_line = lines.len();
            }
            let muted = openai && field.openrouter_only();
            let label_style = if is_sel {
                theme.selection
            } else if muted {
                theme.dim
            } else {
                theme.title
            };
            let mut spans = vec![
                Span::styled(format!(" {:<label_w$}", field.label()), label_style),
                Span::raw(" "),
            ];
            match (&panel.editing, is_sel) {
                (Some(editor), true) => {
                    let text = editor.lines().join("⏎");
                    spans.push(Span::styled(format!("{text}▏"), theme.cursor));
                }
                _ => spans.extend(value_spans(panel, pane, field, is_sel, muted, theme)),
            }
            lines.push(Line::from(spans));
            if is_sel {
                if let Some(e) = &panel.error {
                    lines.push(Line::styled(format!("   ✗ {e}"), theme.error));
                } else if panel.editing.is_some() {
                    let how = if field.kind() == Kind::Lines {
                        "Ctrl+S applies"
                    } else {
                        "Enter applies"
                    };
                    lines.push(Line::styled(
                        format!("   ✓ valid · {how} · Esc cancels"),
                        theme.served,
                    ));
                }
            }
        }
    }
    let h = usize::from(area.height);
    let top = selected_line.saturating_sub(h.saturating_sub(3));
    let visible: Vec<Line> = lines.into_iter().skip(top).take(h).collect();
    f.render_widget(Paragraph::new(visible), area);
}

fn value_spans(
    panel: &Panel,
    pane: &Pane,
    field: Field,
    selected: bool,
    muted: bool,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let style = if muted { theme.dim } else { theme.answer };
    if field == Field::Fallbacks {
        let list = &pane.settings.fallbacks;
        if list.is_empty() {
            return vec![Span::styled("none", theme.dim)];
        }
        let mut spans = Vec::new();
        for (i, m) in list.iter().enumerate() {
            let s = if selected && i == panel.fallback {
                theme.selection
            } else {
                style
            };
            spans.push(Span::styled(format!("{}. {m}", i + 1), s));
            spans.push(Span::raw("  "));
        }
        return spans;
    }
    let value = field.get(pane);
    if value.is_empty() {
        return vec![Span::styled("default", theme.dim)];
    }
    let shown = if field == Field::System {
        let n = value.lines().count();
        let first: String = value
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        if n > 1 {
            format!("{first}… ({n} lines)")
        } else {
            first
        }
    } else {
        value
    };
    let mut spans = vec![Span::styled(shown, style)];
    if muted {
        spans.push(Span::styled("  (OpenRouter only)", theme.dim));
    }
    spans
}

fn help(panel: &Panel, pane: &Pane, app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    let field = panel.field();
    let mut lines = vec![
        Line::styled(field.label().to_string(), theme.header),
        Line::styled(field.hint().to_string(), theme.stats),
        Line::default(),
    ];
    if field == Field::System && panel.editing.is_some() {
        if let Some(editor) = &panel.editing {
            for l in editor.lines() {
                lines.push(Line::raw(l.clone()));
            }
        }
    }
    if matches!(field, Field::Order | Field::Only | Field::Ignore) {
        lines.push(Line::styled("providers serving this model", theme.header));
        match app.catalog.endpoints.get(&pane.model) {
            Some(list) if !list.is_empty() => {
                let slugs: Vec<&str> = list.iter().map(|e| e.tag.as_str()).collect();
                lines.push(Line::raw(slugs.join(", ")));
            }
            Some(_) => lines.push(Line::styled("none listed", theme.dim)),
            None => lines.push(Line::styled(
                "not known (OpenRouter providers only)",
                theme.dim,
            )),
        }
        lines.push(Line::default());
    }
    let chain: Vec<String> = std::iter::once(pane.model.clone())
        .chain(pane.settings.fallbacks.iter().cloned())
        .collect();
    lines.push(Line::styled("fallback chain", theme.header));
    lines.push(Line::raw(chain.join(" → ")));
    let where_ = match app
        .config
        .providers
        .endpoints
        .get(&pane.provider)
        .map(|e| e.kind)
    {
        Some(ProviderKind::Openrouter) => "walked by OpenRouter (sent as `models`)",
        _ => "walked here, one request per model",
    };
    lines.push(Line::styled(where_, theme.dim));
    f.render_widget(side(lines, theme), area);
}

/// The exact body the pane's next request will carry, from the panel's scroll position.
fn json(app: &App, panel: &Panel, theme: &Theme, f: &mut Frame, area: Rect) {
    let rule = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.border);
    let inner = rule.inner(area);
    f.render_widget(rule, area);
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    if width == 0 || height == 0 {
        return;
    }
    // Cut into rows here rather than wrapped by the widget, so the number of rows, and with it
    // how far the view scrolls, is known.
    let tone = |t: Tone| match t {
        Tone::Head => theme.header,
        Tone::Note => theme.notice,
        Tone::Code => theme.code,
        Tone::Dim => theme.dim,
        Tone::Error => theme.error,
    };
    let rows: Vec<Line> = panel
        .body
        .iter()
        .flat_map(|(text, t)| {
            let style = tone(*t);
            crate::render::wrap::hard(text, width)
                .into_iter()
                .map(move |row| Line::styled(row, style))
        })
        .collect();
    let fits = rows.len() <= height;
    // The last row says there is more and how to get to it.
    let shown = if fits { height } else { height - 1 };
    let max = rows.len().saturating_sub(shown);
    panel.json_max.set(max);
    let top = panel.json_scroll.min(max);
    let below = rows.len().saturating_sub(top + shown);
    let mut visible: Vec<Line> = rows.into_iter().skip(top).take(shown).collect();
    if !fits {
        let keys = if json_beside_fields((app.view.size.0, app.view.size.1)) {
            "PgUp PgDn"
        } else {
            "↑↓ PgUp PgDn"
        };
        let text = match (top, below) {
            (_, 0) => format!("↑ {top} above · {keys} scroll"),
            (0, b) => format!("↓ {b} more · {keys} scroll"),
            (t, b) => format!("↑ {t} above · ↓ {b} more · {keys} scroll"),
        };
        visible.push(Line::styled(text, theme.notice));
    }
    f.render_widget(Paragraph::new(visible), inner);
}

/// The right-hand column's help, set off by a rule.
fn side<'a>(lines: Vec<Line<'a>>, theme: &Theme) -> Paragraph<'a> {
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::LEFT)
                .border_style(theme.border),
        )
        .wrap(Wrap { trim: false })
}
