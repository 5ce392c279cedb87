//! One model's pane: title, transcript, live footer.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::app::state::Pane;
use crate::app::{App, Zone};
use crate::keymap::Mode;
use crate::render::transcript;
use crate::theme::Theme;

use super::{layout, stats};

/// Draws a pane; returns its transcript's lines in all and how many its page shows, whether
/// all of it is wrapped at this width yet, and the links it shows (when the terminal takes
/// them).
pub fn draw(
    app: &App,
    pane: &Pane,
    index: usize,
    theme: &Theme,
    steps: &crate::provider::steps::StepKeys,
    f: &mut Frame,
    area: Rect,
) -> (usize, usize, bool, Vec<crate::hyperlink::Link>) {
    let focused = index == app.view.focus;
    let simulated = app.config.providers.is_simulated(&pane.provider);
    // The header already says so when every pane is simulated.
    let badge = simulated && !app.simulated_only();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused && app.view.zone == Zone::Panes {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.border(focused))
        .title(Line::from(if app.hidden() {
            let slot = app.slot_of(index);
            vec![Span::styled(
                format!(" {} {} ", slot + 1, super::layout::blind_name(slot)),
                theme.title(focused),
            )]
        } else {
            title(
                pane,
                app.slot_of(index),
                focused,
                badge,
                app.view.presentation,
                theme,
            )
        }));
    let inner = layout::pane_inner(area);
    let height = inner.height as usize;
    let scroll = app.view.transcripts.scroll(pane.id);
    let mut cache = app.view.transcripts.cache(pane.id);
    cache.set_steps(steps);
    cache.update_for(
        pane,
        (inner.width as usize, height),
        scroll,
        theme,
        app.view.expand_thinking,
    );
    let total = cache.total();
    let top = transcript::top_line(scroll, total, height);
    // Code is highlighted when it is first shown.
    cache.show(top, height, theme);
    let view = cache.lines(theme);
    let below = total.saturating_sub(top + height);
    // The bottom border holds the figures on the left and the scroll indicator on the right;
    // the figures get what the indicator leaves, so neither ever covers the other.
    let room = usize::from(inner.width);
    let indicator = (below > 0).then(|| more_below(below, room));
    let left = room.saturating_sub(indicator.as_ref().map_or(0, |t| t.width() + 1));
    if let (Some(a), true) = (pane.current(), app.hidden()) {
        // Blind: only whether it is still going, nothing that gives the model away.
        let word = if a.status.is_active() {
            "streaming…"
        } else {
            a.status.label()
        };
        if left >= 3 {
            block = block.title_bottom(Line::from(Span::styled(
                format!(" {} ", stats::cut(word, left - 2)),
                theme.stats,
            )));
        }
    } else if let Some(a) = pane.current() {
        // Only a session that has judged anything looks for verdicts.
        let verdict = pane
            .turns
            .last()
            .filter(|_| !app.session.judge_jobs.is_empty())
            .and_then(|t| {
                crate::model::judged::verdicts(&app.session.judge_jobs, t.round)
                    .remove(&pane.id)
                    .map(|v| v.label())
            });
        // A suite's case: passed, or the failing assertion.
        let badge = pane.turns.last().and_then(|t| {
            app.session
                .suite
                .as_ref()?
                .badges
                .get(&(t.round, pane.id))
                .map(|b| (b.text.clone(), !b.pass))
        });
        let judged = match (badge, verdict) {
            (Some((b, failed)), Some(v)) => Some((format!("{b} · {v}"), failed)),
            (Some(b), None) => Some(b),
            (None, v) => v.map(|v| (v, false)),
        };
        block = block.title_bottom(Line::from(stats::footer(
            a,
            (&pane.model, &pane.settings.fallbacks),
            judged,
            app.now,
            theme,
            left,
        )));
    }
    if let Some(text) = indicator {
        block = block
            .title_bottom(Line::from(Span::styled(text, theme.notice)).alignment(Alignment::Right));
    }
    let visible: Vec<Line> = if total == 0 {
        let name = if app.hidden() {
            super::layout::blind_name(app.slot_of(index))
        } else {
            pane.model.clone()
        };
        // Blind, even that the simulator answers would tell simulated panes from real ones.
        empty_hint(
            &name,
            simulated && !app.hidden(),
            &app.config.keys.label(Mode::Prompt, "send"),
            theme,
        )
    } else {
        let rows = view.slice(top, height);
        match app
            .view
            .search
            .as_ref()
            .filter(|s| focused && !s.query.is_empty())
        {
            Some(search) => {
                let current = search
                    .current
                    .and_then(|c| search.hits.get(c))
                    .and_then(|r| r.checked_sub(top));
                rows.into_iter()
                    .enumerate()
                    .map(|(i, l)| mark_matches(l, search, current == Some(i), theme))
                    .collect()
            }
            None => rows,
        }
    };
    let links = if app.config.hyperlinks {
        links(pane, &visible, inner, theme)
    } else {
        Vec::new()
    };
    f.render_widget(Paragraph::new(visible).block(block), area);
    (total, height.max(1), cache.settled(), links)
}

/// Addresses shown in `rows` (drawn from the top of `inner`) that link to a page: a cited
/// page's address as the sources list shows it, or an address shown whole.
fn links(
    pane: &Pane,
    rows: &[Line<'static>],
    inner: Rect,
    theme: &Theme,
) -> Vec<crate::hyperlink::Link> {
    use crate::provider::citation::{short_address, web_address};
    let cited: Vec<&str> = pane
        .turns
        .iter()
        .flat_map(|t| t.answer.citations.iter().map(|c| c.url.as_str()))
        .collect();
    let mut out = Vec::new();
    for (r, line) in rows.iter().enumerate().take(usize::from(inner.height)) {
        // Runs of address-styled text: wrapping may have cut an address into several spans.
        let mut runs: Vec<(usize, String)> = Vec::new();
        let mut col = 0usize;
        let mut open = false;
        for span in &line.spans {
            let text = span.content.as_ref();
            if span.style == theme.url {
                match runs.last_mut() {
                    Some((_, run)) if open => run.push_str(text),
                    _ => runs.push((col, text.to_string())),
                }
                open = true;
            } else {
                open = false;
            }
            col += text.width();
        }
        for (col, text) in runs {
            let text = text.trim_end().to_string();
            if col + text.width() > usize::from(inner.width) {
                continue;
            }
            let url = cited
                .iter()
                .find(|u| short_address(u, 60) == text)
                .map(|u| u.to_string())
                .or_else(|| web_address(&text).then(|| text.clone()));
            if let Some(url) = url {
                out.push(crate::hyperlink::Link {
                    x: inner.x + col as u16,
                    y: inner.y + r as u16,
                    text,
                    url,
                    style: theme.url,
                });
            }
        }
    }
    out
}

/// A row with the search's matches marked; the current match's row more strongly.
fn mark_matches(
    line: Line<'static>,
    search: &crate::app::find::Search,
    current: bool,
    theme: &Theme,
) -> Line<'static> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let hits = search.matches(&text);
    if hits.is_empty() {
        return line;
    }
    let mark = if current {
        theme
            .selection
            .add_modifier(ratatui::style::Modifier::REVERSED)
    } else {
        theme.selection
    };
    // Cut every span at the matches' edges, marking the pieces inside one.
    let mut spans = Vec::new();
    let mut at = 0;
    for span in &line.spans {
        let (start, end) = (at, at + span.content.len());
        at = end;
        let mut cut = start;
        let mut edges: Vec<usize> = hits
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .filter(|&e| e > start && e < end)
            .collect();
        edges.push(end);
        for edge in edges {
            let inside = hits.iter().any(|&(a, b)| cut >= a && cut < b);
            let piece = &span.content[cut - start..edge - start];
            let style = if inside {
                span.style.patch(mark)
            } else {
                span.style
            };
            spans.push(Span::styled(piece.to_string(), style));
            cut = edge;
        }
    }
    let mut out = Line::from(spans).style(line.style);
    out.alignment = line.alignment;
    out
}

/// How many lines are below the view: ` ↓ 12 more `, or ` ↓12 ` when the pane is narrow,
/// leaving the footer at least a few columns.
fn more_below(below: usize, room: usize) -> String {
    let long = format!(" ↓ {below} more ");
    if long.width() + 1 + 16 <= room {
        long
    } else {
        format!(" ↓{below} ")
    }
}

fn title(
    pane: &Pane,
    index: usize,
    focused: bool,
    simulated: bool,
    presenting: bool,
    theme: &Theme,
) -> Vec<Span<'static>> {
    if presenting {
        // Demos: the model name, bold, and nothing else competing with it.
        return vec![Span::styled(
            format!(" ◆ {} ", pane.model),
            theme
                .title(focused)
                .add_modifier(ratatui::style::Modifier::BOLD),
        )];
    }
    let mut spans = vec![Span::styled(
        format!(" {} {} ", index + 1, pane.model),
        theme.title(focused),
    )];
    if let Some(a) = pane.current() {
        if let Some(served) = &a.served_model {
            let mut s = String::from("→ ");
            if served != &pane.model {
                s.push_str(served);
                s.push(' ');
            }
            if let Some(p) = &a.served_provider {
                s.push_str("via ");
                s.push_str(p);
                s.push(' ');
            }
            if s.len() > "→ ".len() {
                spans.push(Span::styled(s, theme.served));
            }
        }
    }
    if simulated {
        spans.push(Span::styled("· simulated ", theme.simulated));
    }
    spans
}

fn empty_hint(name: &str, simulated: bool, send: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut v = vec![Line::styled(format!("{name} is ready."), theme.dim)];
    if simulated {
        v.push(Line::styled(
            "Answers come from the built-in simulator.",
            theme.dim,
        ));
    }
    v.push(Line::styled(
        format!("Type a prompt below and press {send}."),
        theme.dim,
    ));
    v
}
