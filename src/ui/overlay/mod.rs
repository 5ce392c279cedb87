//! Help, quit confirmation and the other dialogs, drawn over everything.

mod help;
mod judge;
mod lists;
mod scoreboard;
mod scores;
mod trail;

use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::state::Overlay;
use crate::app::App;
use crate::keymap::Mode;
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

pub fn draw(app: &App, theme: &Theme, f: &mut Frame) {
    let area = f.area();
    match &app.overlay {
        None => {}
        Some(Overlay::Help { scroll, max }) => help::draw(app, theme, f, area, (*scroll, max)),
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
                Span::styled(app.config.keys.label(Mode::ConfirmQuit, "quit"), theme.key),
                Span::raw(" quit   "),
                Span::styled("any other key", theme.key),
                Span::raw(" stay"),
            ]));
            let r = centered(area, 48, text.len() as u16 + 2);
            f.render_widget(Clear, r);
            f.render_widget(Paragraph::new(text).block(boxed(" quit? ", theme)), r);
        }
        Some(Overlay::Picker(p)) => crate::ui::picker::draw(app, p, theme, f, area),
        Some(Overlay::Spend(data)) => crate::ui::spend::breakdown(data.as_ref(), theme, f, area),
        Some(Overlay::Panel(panel)) => crate::ui::panel::draw(app, panel, theme, f, area),
        Some(Overlay::Trail(id)) => {
            if let Some(pane) = app.pane_index(*id) {
                trail::draw(app, pane, theme, f, area);
            }
        }
        Some(Overlay::Judge { round }) => judge::draw(app, *round, theme, f, area),
        Some(Overlay::Scoreboard {
            all,
            rows,
            reruns,
            judge,
            by_judge,
        }) => {
            let board = scoreboard::Board {
                all: *all,
                rows: rows.as_ref(),
                reruns,
                judge: judge.as_ref(),
                by_judge: *by_judge,
            };
            scoreboard::draw(app, &board, theme, f, area)
        }
        Some(Overlay::Diff { left, right, words }) => {
            if let (Some(l), Some(r)) = (app.pane_index(*left), app.pane_index(*right)) {
                scores::diff(app, (l, r), words, theme, f, area);
            }
        }
        Some(Overlay::Sessions(b)) => lists::sessions(app, b, theme, f, area),
        Some(Overlay::Library {
            input,
            selected,
            matches,
        }) => lists::library(app, input, *selected, matches, theme, f, area),
        Some(Overlay::Vars {
            input,
            selected,
            error,
        }) => lists::vars(app, input, *selected, error.as_deref(), theme, f, area),
    }
}
