//! Judging views: the word diff of two answers and the scoreboard.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::keymap::Mode;
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

pub(super) fn diff(
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
            crate::ui::layout::blind_name(app.slot_of(i))
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
                "   −{removed} words  +{added} words   {}/{} another pane · any other key closes",
                app.config.keys.label(Mode::Diff, "prev"),
                app.config.keys.label(Mode::Diff, "next")
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

pub(super) fn scoreboard(
    app: &App,
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
                    format!(
                        "No answers yet. Judge a round with {}.",
                        app.config.keys.main("vote")
                    ),
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
