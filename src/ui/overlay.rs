//! Help, quit confirmation and the add-pane dialog, drawn over everything.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::keymap::{BINDINGS, EDITOR_HELP, PANEL_HELP};
use crate::app::state::Overlay;
use crate::app::App;
use crate::theme::Theme;

pub fn draw(app: &App, theme: &Theme, f: &mut Frame) {
    let area = f.area();
    match &app.overlay {
        None => {}
        Some(Overlay::Help { scroll, max }) => help(theme, f, area, (*scroll, max)),
        Some(Overlay::ConfirmQuit) => {
            let n = app.session.panes.iter().filter(|p| p.is_active()).count();
            let draft = !app.prompt_text().trim().is_empty();
            let mut text = Vec::new();
            match n {
                0 => {}
                1 => text.push(Line::from("1 stream is still running.")),
                n => text.push(Line::from(format!("{n} streams are still running."))),
            }
            if draft {
                text.push(Line::from("The prompt holds a draft that was not sent;"));
                text.push(Line::from("it is kept in the prompt history (↑)."));
            }
            if text.is_empty() {
                text.push(Line::from("Every stream has finished."));
            }
            text.push(Line::from(vec![
                Span::raw("Quit anyway?  "),
                Span::styled("y", theme.key),
                Span::raw(" quit   "),
                Span::styled("n", theme.key),
                Span::raw(" stay"),
            ]));
            let r = centered(area, 48, text.len() as u16 + 2);
            f.render_widget(Clear, r);
            f.render_widget(Paragraph::new(text).block(boxed(" quit? ", theme)), r);
        }
        Some(Overlay::Picker(p)) => super::picker::draw(app, p, theme, f, area),
        Some(Overlay::Spend(data)) => super::spend::breakdown(data.as_ref(), theme, f, area),
        Some(Overlay::Panel(panel)) => super::panel::draw(app, panel, theme, f, area),
        Some(Overlay::Trail(id)) => {
            if let Some(pane) = app.pane_index(*id) {
                trail(app, pane, theme, f, area);
            }
        }
        Some(Overlay::Scoreboard { all, rows }) => scoreboard(*all, rows.as_ref(), theme, f, area),
        Some(Overlay::Diff { left, right, words }) => {
            if let (Some(l), Some(r)) = (app.pane_index(*left), app.pane_index(*right)) {
                diff(app, (l, r), words, theme, f, area);
            }
        }
        Some(Overlay::Sessions(b)) => sessions(app, b, theme, f, area),
        Some(Overlay::Library { input, selected }) => {
            library(app, input, *selected, theme, f, area)
        }
        Some(Overlay::Vars {
            input,
            selected,
            error,
        }) => vars(app, input, *selected, error.as_deref(), theme, f, area),
    }
}

fn vars(
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
    let lines: Vec<Line> = if app.config.vars.is_empty() {
        vec![Line::styled(
            "None set. Type name=value and press Enter; {{name}} in a prompt then stands for the value.",
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
            "Enter sets · ↑↓ choose · Enter on an empty line edits · Del removes · Esc",
            theme.dim,
        )),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
}

fn help(theme: &Theme, f: &mut Frame, area: Rect, (scroll, max): (u16, &std::cell::Cell<u16>)) {
    let r = centered(area, 82, area.height);
    let avail = usize::from(r.width.saturating_sub(2));
    // Side by side when there is room, else each key above its description.
    let label_w = if avail >= 70 { 24 } else { 0 };
    let mut lines = vec![Line::styled("Keys", theme.header)];
    let entry = |label: &str, what: &str, lines: &mut Vec<Line<'static>>| {
        if label_w == 0 {
            lines.push(Line::styled(label.to_string(), theme.key));
        }
        let indent = if label_w == 0 { 2 } else { label_w };
        for (i, piece) in crate::render::wrap::prose(what, avail.saturating_sub(indent).max(8))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 && label_w > 0 {
                format!("{label:<label_w$}")
            } else {
                " ".repeat(indent)
            };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.key),
                Span::raw(piece),
            ]));
        }
    };
    for b in BINDINGS.iter().filter(|b| !b.what.is_empty()) {
        entry(b.label, b.what, &mut lines);
    }
    lines.push(Line::default());
    lines.push(Line::styled("Editing the prompt", theme.header));
    for (k, what) in EDITOR_HELP {
        entry(k, what, &mut lines);
    }
    lines.push(Line::default());
    lines.push(Line::styled("Pane settings (F2)", theme.header));
    for (k, what) in PANEL_HELP {
        entry(k, what, &mut lines);
    }
    lines.push(Line::default());
    for note in [
        "Letters are commands in the panes (Esc to get there), text in the prompt.",
        "↑↓ PgUp PgDn scroll this help · any other key closes",
    ] {
        for piece in crate::render::wrap::prose(note, avail.max(8)) {
            lines.push(Line::styled(piece, theme.dim));
        }
    }
    let want_h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, 82, want_h);
    let max_scroll = want_h.saturating_sub(r.height);
    max.set(max_scroll);
    let top = scroll.min(max_scroll);
    let mut block = boxed(" help ", theme);
    // Where the help runs past the screen, its border says so and how to see the rest.
    if max_scroll > 0 {
        let below = max_scroll - top;
        let text = match (top, below) {
            (_, 0) => format!(" ↑ {top} above · ↑↓ PgUp PgDn scroll "),
            (_, b) => format!(" ↓ {b} more · ↑↓ PgUp PgDn scroll "),
        };
        block = block.title_bottom(
            Line::from(Span::styled(text, theme.notice))
                .alignment(ratatui::layout::Alignment::Right),
        );
    }
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), r);
}

fn library(
    app: &App,
    input: &tui_textarea::TextArea<'static>,
    selected: usize,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let r = centered(area, 100, area.height.saturating_sub(4));
    f.render_widget(Clear, r);
    let block = boxed(" prompt library ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 3 {
        return;
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
    f.render_widget(
        Paragraph::new(Line::styled(
            "type to filter · ↑↓ choose · Enter inserts · Ctrl+S saves the current prompt under the typed name · Esc",
            theme.dim,
        )),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
    let query = input.lines().join("");
    let matches = crate::app::update::library_matches(app, &query);
    if matches.is_empty() {
        let msg = if app.config.library.is_empty() {
            "No saved prompts yet: type a name and press Ctrl+S to save the current prompt."
        } else {
            "Nothing matches."
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

fn sessions(app: &App, b: &crate::app::state::Browser, theme: &Theme, f: &mut Frame, area: Rect) {
    let r = centered(area, 110, area.height.saturating_sub(4));
    f.render_widget(Clear, r);
    let block = boxed(" sessions ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    if inner.height < 3 {
        return;
    }
    let mut field = b.input.clone();
    field.set_cursor_line_style(ratatui::style::Style::default());
    field.set_placeholder_style(theme.dim);
    f.render_widget(&field, Rect::new(inner.x, inner.y, inner.width, 1));
    let body = Rect::new(
        inner.x,
        inner.y + 2,
        inner.width,
        inner.height.saturating_sub(3),
    );
    let hint = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
    f.render_widget(
        Paragraph::new(Line::styled(
            "type to search · ↑↓ choose · Enter resume · Tab look read-only · ● yours · Esc close",
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

fn diff(
    app: &App,
    (left, right): (usize, usize),
    words: &crate::render::diff::WordDiff,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let name = |i: usize| {
        let model = app.session.panes.get(i).map_or("?", |p| p.model.as_str());
        if app.hidden() {
            super::layout::blind_name(app.slot_of(i))
        } else {
            format!("{} {model}", app.slot_of(i) + 1)
        }
    };
    let (lines, removed, added) = (&words.lines, words.removed, words.added);
    let block = boxed(" diff ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let head = Line::from(vec![
        Span::styled(name(left), theme.title_focused),
        Span::styled(" → ", theme.dim),
        Span::styled(name(right), theme.title_focused),
        Span::styled(
            format!(
                "   −{removed} words  +{added} words   ←/→ another pane · any other key closes"
            ),
            theme.dim,
        ),
    ]);
    let width = usize::from(inner.width.max(1));
    let mut out = vec![head];
    for l in lines {
        out.extend(crate::render::line::wrap(l, width, theme.marker));
    }
    let visible: Vec<Line> = out.into_iter().take(usize::from(inner.height)).collect();
    f.render_widget(Paragraph::new(visible), inner);
}

fn scoreboard(
    all: bool,
    rows: Option<&Result<Vec<crate::judge::Row>, String>>,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    use ratatui::layout::Constraint;
    use ratatui::widgets::{Cell, Row, Table};
    let r = centered(area, 110, 20);
    f.render_widget(Clear, r);
    let title = if all {
        " scoreboard · all history "
    } else {
        " scoreboard · this session "
    };
    let block = boxed(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let hint = Line::styled(
        "a: this session ↔ all history · any other key closes",
        theme.dim,
    );
    let body = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(1),
    );
    f.render_widget(
        Paragraph::new(hint),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
    let rows = match rows {
        None => {
            return f.render_widget(
                Paragraph::new(Line::styled("reading history…", theme.dim)),
                body,
            )
        }
        Some(Err(e)) => {
            return f.render_widget(Paragraph::new(Line::styled(e.clone(), theme.error)), body)
        }
        Some(Ok(rows)) if rows.is_empty() => {
            return f.render_widget(
                Paragraph::new(Line::styled(
                    "No answers yet. Judge a round with F6.",
                    theme.dim,
                )),
                body,
            )
        }
        Some(Ok(rows)) => rows,
    };
    let opt = |v: Option<f64>, fmt: &dyn Fn(f64) -> String| v.map_or("—".to_string(), fmt);
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|r| {
            Row::new(vec![
                Cell::from(r.model.clone()),
                Cell::from(r.wins.to_string()),
                Cell::from(r.losses.to_string()),
                Cell::from(r.ties.to_string()),
                Cell::from(opt(r.win_rate(), &|v| format!("{:.0}%", v * 100.0))),
                Cell::from(format!("{:.0}", r.rating)),
                Cell::from(r.answers.to_string()),
                Cell::from(opt(r.avg_ttft_ms, &|v| format!("{v:.0} ms"))),
                Cell::from(opt(r.avg_tokens_per_s, &|v| format!("{v:.0}"))),
                Cell::from(opt(r.avg_cost, &crate::cost::money)),
            ])
        })
        .collect();
    let header = Row::new(
        [
            "model", "won", "lost", "tied", "win %", "rating", "answers", "ttft", "tok/s",
            "$/answer",
        ]
        .into_iter()
        .map(|h| Cell::from(h).style(theme.title)),
    );
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(4),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(10),
    ];
    f.render_widget(Table::new(table_rows, widths).header(header), body);
}

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

fn trail(app: &App, pane: usize, theme: &Theme, f: &mut Frame, area: Rect) {
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
                    .map(|w| format!(" · waited {}", super::stats::duration(w)))
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

pub fn boxed(title: &'static str, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.title_focused))
        .style(theme.overlay)
}

/// A rectangle of at most `w`×`h`, centred, leaving a margin where it can.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2)).max(area.width.min(10));
    let h = h.min(area.height.saturating_sub(2)).max(area.height.min(3));
    Rect::new(
        area.x + (area.width.saturating_sub(w)) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    )
}
