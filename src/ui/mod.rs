//! Drawing: a pure function of [`App`]. No I/O, no waiting.

pub mod frame;
pub mod layout;
pub mod overlay;
pub mod pane;
pub mod panel;
pub mod picker;
pub mod prompt;
pub mod spend;
pub mod stats;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::drawn::{Drawn, DrawnPane};
use crate::app::{App, Zone};
use crate::keymap::Mode;
use crate::theme::Theme;

/// Draws a frame, for a picture only; [`frame`] also says what was drawn.
pub fn draw(app: &App, theme: &Theme, f: &mut Frame) {
    let _ = frame(app, theme, f);
}

/// Draws a frame and says what it showed: the loop keeps that in `App::drawn` for scrolling
/// and clicks, so they never redo the layout or the wrapping.
pub fn frame(app: &App, theme: &Theme, f: &mut Frame) -> Drawn {
    app.view.transcripts.keep_only(&app.session.panes);
    let area = f.area();
    let lay = layout::compute_in(app, (area.width, area.height));
    header(app, theme, f, lay.header);
    if let Some((bar, tabs)) = &lay.tabs {
        tab_bar(app, theme, f, *bar, tabs);
    }
    let mut drawn = Drawn {
        tabs: lay
            .tabs
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_default(),
        prompt: lay.prompt,
        ..Drawn::default()
    };
    // The keys hints name, made once a frame rather than once a pane.
    let steps = app.config.keys.steps();
    for (i, rect) in &lay.panes {
        if let Some(p) = app.session.panes.get(*i) {
            let (total, page, settled, links) = pane::draw(app, p, *i, theme, &steps, f, *rect);
            drawn.rewrapping |= !settled;
            drawn.links.extend(links);
            drawn.panes.push(DrawnPane {
                index: *i,
                id: p.id,
                rect: *rect,
                total,
                page,
            });
        }
    }
    prompt::draw(app, theme, f, lay.prompt);
    status(app, theme, f, lay.status);
    overlay::draw(app, theme, f);
    if let Some(crate::app::state::Overlay::Panel(p)) = &app.overlay {
        let size = (area.width, area.height);
        drawn.body = p
            .show_json
            .then(|| (panel::json_beside_fields(size), panel::json_page(size)));
    }
    scrub(f.buffer_mut());
    drawn
}

/// The last line of defence: text from servers (model and provider names, error messages,
/// catalog entries) reaches many widgets, and no cell may carry a control character or a
/// bidi control to the terminal, whichever widget drew it.
fn scrub(buf: &mut ratatui::buffer::Buffer) {
    for cell in &mut buf.content {
        if cell
            .symbol()
            .chars()
            .any(|c| c.is_control() || crate::sanitize::is_bidi_control(c))
        {
            cell.set_symbol(" ");
        }
    }
}

fn header(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let mut spans = vec![Span::styled(" switchboard", theme.header)];
    if let Some(id) = app.session.replaying {
        spans.push(Span::styled(
            format!(" · replay of session {id}"),
            theme.dim,
        ));
    } else if !app.session.session_label.is_empty() {
        spans.push(Span::styled(
            format!(" · session {}", app.session.session_label),
            theme.dim,
        ));
    }
    if let Some(w) = &app.session.workspace {
        spans.push(Span::styled(format!(" · {w}"), theme.title));
    }
    spans.push(Span::styled(" · ", theme.dim));
    let used: usize = spans.iter().map(Span::width).sum();
    let label = if app.simulated_only() {
        None
    } else {
        let mut names: Vec<&str> = app
            .session
            .panes
            .iter()
            .map(|p| p.provider.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        Some(names.join(", "))
    };
    const SIM_SHORT: &str = "simulator";
    const SIM_LONG: &str = "simulator — set OPENROUTER_API_KEY for real models";
    // Without a key, saying how to get real models matters more than the month's total: the
    // long label wins as long as the session's spend still fits beside it.
    let long_w = SIM_LONG.chars().count();
    // The narrowest the spend section gets: its most important part alone.
    let spend_min: usize = spend::gauge(app, theme, 0)
        .iter()
        .map(Span::width)
        .sum::<usize>()
        + 1;
    let label_w = match &label {
        None if (area.width as usize).saturating_sub(used + long_w + 2) >= spend_min => long_w,
        None => SIM_SHORT.len(),
        Some(l) => l.chars().count().min(20),
    };
    let room = (area.width as usize).saturating_sub(used + label_w + 2);
    let mut right = spend::gauge(app, theme, room);
    right.push(Span::raw(" "));
    let right_w: usize = right.iter().map(Span::width).sum();
    match label {
        None => {
            let text = if label_w == long_w {
                SIM_LONG
            } else {
                SIM_SHORT
            };
            spans.push(Span::styled(text, theme.header_accent));
        }
        Some(l) => spans.push(Span::styled(l, theme.stats)),
    }
    let left_w: usize = spans.iter().map(Span::width).sum();
    if left_w + right_w <= area.width as usize {
        spans.push(Span::raw(
            " ".repeat(area.width as usize - left_w - right_w),
        ));
        spans.extend(right);
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn tab_bar(app: &App, theme: &Theme, f: &mut Frame, bar: Rect, tabs: &[(usize, Rect)]) {
    let labels = layout::tab_labels(app);
    for (i, rect) in tabs {
        let Some(label) = labels.get(app.slot_of(*i)) else {
            continue;
        };
        let active = *i == app.view.focus;
        let busy = app
            .session
            .panes
            .get(*i)
            .is_some_and(crate::app::Pane::is_active);
        let style = if active {
            theme.tab_active
        } else {
            theme.title
        };
        let mark = if busy { "•" } else { " " };
        f.render_widget(
            Paragraph::new(Span::styled(format!("{mark}{label} "), style)),
            *rect,
        );
    }
    let _ = bar;
}

fn status(app: &App, theme: &Theme, f: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    // A mode that sends requests by itself is shown for as long as it is on, notice or not.
    if let Some(left) = app.session.auto_tools {
        spans.push(Span::styled(
            format!(
                "auto tools: {left} step{} left",
                if left == 1 { "" } else { "s" }
            ),
            theme.notice,
        ));
        spans.push(Span::styled(" · ", theme.dim));
    }
    if let Some(search) = app.view.search.as_ref().filter(|s| s.editing) {
        spans.push(Span::styled(format!("/{}▏", search.query), theme.notice));
        let keys = &app.config.keys;
        spans.push(Span::styled(
            format!("  {}", keys.label(Mode::Search, "find")),
            theme.key,
        ));
        spans.push(Span::styled(" find  ", theme.dim));
        spans.push(Span::styled(keys.label(Mode::Search, "cancel"), theme.key));
        spans.push(Span::styled(" cancel", theme.dim));
    } else if let Some(n) = &app.view.notice {
        spans.push(Span::styled(
            n.text.clone(),
            if n.error { theme.error } else { theme.notice },
        ));
    } else {
        let keys = &app.config.keys;
        let own = |action: &str| keys.own(Mode::Panes, action);
        let hints: Vec<(String, &str)> = match app.view.zone {
            Zone::Prompt => [
                ("send", "send"),
                ("next_pane", "pane"),
                ("switch", "panes"),
                ("pick_model", "model"),
                ("add_pane", "add"),
                ("help", "help"),
                ("quit", "quit"),
            ]
            .into_iter()
            .map(|(action, what)| (keys.label(Mode::Prompt, action), what))
            .collect(),
            Zone::Panes => vec![
                (format!("{}/{}", own("line_down"), own("line_up")), "scroll"),
                (format!("{}/{}", own("prev_pane"), own("next_pane")), "pane"),
                (own("zoom"), "zoom"),
                (own("add_pane"), "add"),
                (own("close_pane"), "close"),
                (own("resend_focused"), "resend pane"),
                (own("focus_prompt"), "prompt"),
                (own("help"), "help"),
                (own("quit"), "quit"),
            ],
        };
        if let Some(search) = &app.view.search {
            let at = match (search.current, search.hits.len()) {
                (Some(c), n) => format!("{}/{n}", c + 1),
                (None, _) => "no match".into(),
            };
            spans.push(Span::styled(
                format!("/{} {at}", search.query),
                theme.notice,
            ));
            spans.push(Span::styled(" · ", theme.dim));
            for (k, what) in [
                (own("next_match"), "next"),
                (own("prev_match"), "previous"),
                (keys.main("switch"), "clear"),
            ] {
                spans.push(Span::styled(k, theme.key));
                spans.push(Span::styled(format!(" {what}  "), theme.dim));
            }
        }
        // First, so a narrow terminal still shows it.
        let active = app.session.panes.iter().filter(|p| p.is_active()).count();
        if active > 0 {
            spans.push(Span::styled(
                format!("streaming {active}/{}", app.session.panes.len()),
                theme.notice,
            ));
            spans.push(Span::styled(" · ", theme.dim));
            let mode = match app.view.zone {
                Zone::Prompt => Mode::Prompt,
                Zone::Panes => Mode::Panes,
            };
            for (action, what) in [
                ("cancel_focused", "cancel pane"),
                ("cancel_all", "cancel all"),
            ] {
                let k = match mode {
                    Mode::Panes => own(action),
                    _ => keys.main(action),
                };
                spans.push(Span::styled(k, theme.key));
                spans.push(Span::styled(format!(" {what}  "), theme.dim));
            }
        }
        for (k, what) in hints {
            spans.push(Span::styled(k, theme.key));
            spans.push(Span::styled(format!(" {what}  "), theme.dim));
        }
    }
    let line = Line::from(spans);
    f.render_widget(Paragraph::new(line), area);
}
