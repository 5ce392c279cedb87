//! The help: every mode's keys from the keymap, with what each does.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::keymap::{Keymap, Mode, EDITING, MAIN, OTHERS};
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

pub(super) fn draw(
    app: &App,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    (scroll, max): (u16, &std::cell::Cell<u16>),
) {
    let keys = &app.config.keys;
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
    for (label, what) in main_rows(keys) {
        entry(&label, what, &mut lines);
    }
    lines.push(Line::default());
    lines.push(Line::styled("Editing the prompt", theme.header));
    for (name, what) in EDITING {
        entry(&keys.labels(Mode::Prompt, name), what, &mut lines);
    }
    // The text box's own keys, which the keymap does not change.
    for (label, what) in [
        ("Ctrl+W  Alt+Backspace", "delete the word before the cursor"),
        ("Ctrl+K", "delete to the line's end"),
        ("Ctrl+A / Ctrl+E  Home / End", "line start / end"),
    ] {
        entry(label, what, &mut lines);
    }
    let mut mode = None;
    for (m, name, what) in OTHERS {
        let label = keys.labels(*m, name);
        if label.is_empty() {
            continue;
        }
        if mode != Some(*m) {
            mode = Some(*m);
            lines.push(Line::default());
            lines.push(Line::styled(title(keys, *m), theme.header));
        }
        entry(&label, what, &mut lines);
    }
    lines.push(Line::default());
    let scroll_keys = scroll_keys(keys);
    for note in [
        format!(
            "Letters are commands in the panes ({} to get there), text in the prompt.",
            keys.main("switch")
        ),
        format!("{scroll_keys} scroll this help · any other key closes"),
    ] {
        for piece in crate::render::wrap::prose(&note, avail.max(8)) {
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
            (_, 0) => format!(" ↑ {top} above · {scroll_keys} scroll "),
            (_, b) => format!(" ↓ {b} more · {scroll_keys} scroll "),
        };
        block = block.title_bottom(
            Line::from(Span::styled(text, theme.notice))
                .alignment(ratatui::layout::Alignment::Right),
        );
    }
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), r);
}

/// The help's own scroll keys, as its notes name them.
fn scroll_keys(keys: &Keymap) -> String {
    let one = |a: &str| keys.label(Mode::Help, a);
    format!(
        "{}{} {} {}",
        one("up"),
        one("down"),
        one("page_up"),
        one("page_down")
    )
}

/// One row per action of the prompt and panes: the shared keys, then the prompt's, then the
/// panes'.
fn main_rows(keys: &Keymap) -> Vec<(String, &'static str)> {
    let mut rows = Vec::new();
    for (name, _, what) in MAIN {
        let mut groups: Vec<String> = Vec::new();
        for m in [Mode::Global, Mode::Prompt, Mode::Panes] {
            let l = keys.labels(m, name);
            if !l.is_empty() && !groups.contains(&l) {
                groups.push(l);
            }
        }
        if !groups.is_empty() {
            rows.push((groups.join("  "), *what));
        }
        if *name == "prev_pane" {
            // Digits are not in the keymap: they carry the pane's number.
            rows.push(("Alt+1…9  1…9".to_string(), "focus pane N"));
        }
    }
    rows
}

/// The heading of a mode's keys, with the key that opens it where one does.
fn title(keys: &Keymap, mode: Mode) -> String {
    let settings = || format!("Pane settings ({})", keys.main("settings"));
    match mode {
        Mode::Search => format!("Searching a pane ({})", keys.labels(Mode::Panes, "search")),
        Mode::Vote => format!("Judging a round (after {})", keys.main("vote")),
        Mode::Copy => format!(
            "Copying (after {} in the panes)",
            keys.labels(Mode::Panes, "copy")
        ),
        Mode::Help => "This help".into(),
        Mode::ConfirmQuit => "Quit?".into(),
        Mode::Picker => "Model picker".into(),
        Mode::Panel => settings(),
        Mode::PanelJson => format!("{}: the request body", settings()),
        Mode::PanelEdit => format!("{}: editing a field", settings()),
        Mode::PanelName => format!("{}: naming a workspace", settings()),
        Mode::Library => format!("Prompt library ({})", keys.main("library")),
        Mode::Sessions => format!("Past sessions ({})", keys.main("sessions")),
        Mode::Vars => format!("Variables ({})", keys.main("vars")),
        Mode::Diff => format!("Word diff ({})", keys.main("diff")),
        Mode::Scoreboard => format!("Scoreboard ({})", keys.main("scoreboard")),
        Mode::Global | Mode::Prompt | Mode::Panes => "Keys".into(),
    }
}
