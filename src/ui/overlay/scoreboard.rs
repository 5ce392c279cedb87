//! The scoreboard: each model's record and rating with their 95% intervals, drawn as bars
//! where there is room, a word on the models the votes do not tell apart yet, and this
//! session's reruns with the spread of their figures.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table};
use ratatui::Frame;

use crate::app::state::{JudgeBoard, RerunSpread};
use crate::app::App;
use crate::judge::spread;
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

/// The columns that only show where there is room, most wanted first.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Extra {
    Chart,
    Answers,
    Ttft,
    Rate,
    Cost,
}

impl Extra {
    fn width(self) -> u16 {
        match self {
            Extra::Chart => 22,
            Extra::Answers => 4,
            Extra::Ttft => 14,
            Extra::Rate => 9,
            Extra::Cost => 20,
        }
    }
}

const FIXED: [u16; 4] = [3, 8, 13, 14];
const MODEL_MIN: u16 = 14;

/// What the scoreboard shows.
pub(super) struct Board<'a> {
    pub all: bool,
    /// The votes' board; `None` while the history is read.
    pub rows: Option<&'a Result<Vec<crate::judge::Row>, String>>,
    pub reruns: &'a [RerunSpread],
    pub judge: Option<&'a JudgeBoard>,
    /// The judge's board rather than the votes'.
    pub by_judge: bool,
}

pub(super) fn draw(app: &App, board: &Board, theme: &Theme, f: &mut Frame, area: Rect) {
    let judged = board
        .judge
        .filter(|_| board.by_judge)
        .map(|j| Ok(j.rows.clone()));
    let rows = match &judged {
        Some(r) => Some(r),
        None => board.rows,
    };
    let reruns = board.reruns;
    let listed = rows.and_then(|r| r.as_ref().ok()).map_or(0, Vec::len);
    let want_h = (listed + reruns.len() * 2 + 10) as u16;
    let r = centered(area, 150, want_h.max(12));
    f.render_widget(Clear, r);
    let title = match (board.all, board.by_judge) {
        (true, true) => " scoreboard · all history · as the judges rate them ",
        (true, false) => " scoreboard · all history ",
        (false, true) => " scoreboard · this session · as the judge rates them ",
        (false, false) => " scoreboard · this session ",
    };
    let block = boxed(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let keys = &app.config.keys;
    let mut hint = format!(
        "{}: this session ↔ all history",
        keys.label(crate::keymap::Mode::Scoreboard, "all")
    );
    if board.judge.is_some() {
        hint.push_str(&format!(
            " · {}: your votes ↔ the judge's",
            keys.label(crate::keymap::Mode::Scoreboard, "rater")
        ));
    }
    let hint = Line::styled(format!("{hint} · any other key closes"), theme.dim);
    f.render_widget(
        Paragraph::new(hint),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
    let body = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(1),
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
    let extras = fitting(body.width);
    let chart_w = usize::from(Extra::Chart.width());
    let scale = Scale::of(rows);
    let dash = || "—".to_string();
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::from(r.rank.map_or_else(dash, |n| n.to_string())),
                Cell::from(r.model.clone()),
                Cell::from(format!("{}/{}/{}", r.wins, r.losses, r.ties)),
                Cell::from(match (r.win_rate(), r.win_interval()) {
                    (Some(p), Some((lo, hi))) => {
                        format!("{:.0}% {:.0}–{:.0}", p * 100.0, lo * 100.0, hi * 100.0)
                    }
                    _ => dash(),
                }),
                Cell::from(match r.interval {
                    Some((lo, hi)) => format!("{:.0} {lo:.0}–{hi:.0}", r.rating),
                    None => format!("{:.0}", r.rating),
                }),
            ];
            let fig = &r.figures;
            for e in &extras {
                cells.push(match e {
                    Extra::Chart => Cell::from(scale.bar(r, chart_w.saturating_sub(1), theme)),
                    Extra::Answers => Cell::from(fig.n.to_string()),
                    Extra::Ttft => Cell::from(fig.ttft_ms.as_ref().map_or_else(dash, spread::ms)),
                    Extra::Rate => {
                        Cell::from(fig.tokens_per_s.as_ref().map_or_else(dash, spread::rate))
                    }
                    Extra::Cost => Cell::from(fig.cost.as_ref().map_or_else(dash, spread::usd)),
                });
            }
            Row::new(cells)
        })
        .collect();
    let mut heads = vec!["#", "model", "w/l/t", "win % 95%", "rating 95%"];
    let mut widths = vec![
        Constraint::Length(FIXED[0]),
        Constraint::Fill(1),
        Constraint::Length(FIXED[1]),
        Constraint::Length(FIXED[2]),
        Constraint::Length(FIXED[3]),
    ];
    for e in &extras {
        heads.push(match e {
            Extra::Chart => "",
            Extra::Answers => "n",
            Extra::Ttft => "ttft",
            Extra::Rate => "tok/s",
            Extra::Cost => "$/answer",
        });
        widths.push(Constraint::Length(e.width()));
    }
    let header = Row::new(heads.into_iter().map(|h| Cell::from(h).style(theme.title)));
    let table_h = (rows.len() as u16 + 1).min(body.height);
    f.render_widget(
        Table::new(table_rows, widths).header(header),
        Rect::new(body.x, body.y, body.width, table_h),
    );
    let mut notes: Vec<Line> = vec![Line::default()];
    if let Some(j) = board.judge {
        let (same, of) = j.agreement;
        let text = match crate::judge::stats::wilson(same as f64, of as f64, crate::judge::stats::Z95) {
            Some((lo, hi)) => format!(
                "You and the judge ({}) agree on {same} of {of} rounds both judged ({:.0}%, 95% {:.0}–{:.0}%)",
                j.judge,
                same as f64 * 100.0 / of as f64,
                lo * 100.0,
                hi * 100.0
            ),
            None => format!(
                "The judge ({}) has rated rounds you have not voted on: vote on them to see how often you agree",
                j.judge
            ),
        };
        notes.push(Line::styled(text, theme.stats));
    }
    let apart = crate::judge::not_told_apart(rows);
    if !apart.is_empty() {
        let pairs: Vec<String> = apart.iter().map(|(a, b)| format!("{a} ≈ {b}")).collect();
        notes.push(Line::styled(
            format!(
                "Not distinguishable yet: {} (their 95% intervals overlap; judge more rounds)",
                pairs.join(", ")
            ),
            theme.notice,
        ));
    }
    notes.push(Line::styled(
        "rating: Bradley–Terry, 95% bootstrap interval · win %: 95% Wilson interval · ±: 95% interval of the mean",
        theme.dim,
    ));
    if !reruns.is_empty() {
        notes.push(Line::default());
        notes.push(Line::styled("reruns", theme.title));
    }
    for group in reruns {
        notes.push(Line::from(vec![
            Span::styled(format!("×{} {}", group.spread.n, group.model), theme.title),
            Span::styled(format!("  “{}”", first_line(&group.prompt)), theme.dim),
        ]));
        notes.push(Line::raw(format!("   {}", spread::line(&group.spread))));
    }
    let below = Rect::new(
        body.x,
        body.y + table_h,
        body.width,
        body.height.saturating_sub(table_h),
    );
    f.render_widget(
        Paragraph::new(notes).wrap(ratatui::widgets::Wrap { trim: false }),
        below,
    );
}

fn first_line(prompt: &str) -> String {
    let line = prompt.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 || prompt.lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

/// The optional columns that fit beside the fixed ones, in order of preference.
fn fitting(width: u16) -> Vec<Extra> {
    let gaps = FIXED.len() as u16 + 1;
    let mut used = FIXED.iter().sum::<u16>() + MODEL_MIN + gaps;
    let mut out = Vec::new();
    for e in [
        Extra::Chart,
        Extra::Ttft,
        Extra::Rate,
        Extra::Cost,
        Extra::Answers,
    ] {
        if used + e.width() < width {
            used += e.width() + 1;
            out.push(e);
        }
    }
    // Shown in table order, not in order of preference.
    out.sort_by_key(|e| match e {
        Extra::Chart => 0,
        Extra::Answers => 1,
        Extra::Ttft => 2,
        Extra::Rate => 3,
        Extra::Cost => 4,
    });
    out
}

/// The rating axis the bars share: every interval on the board fits.
struct Scale {
    low: f64,
    high: f64,
}

impl Scale {
    fn of(rows: &[crate::judge::Row]) -> Self {
        let (mut low, mut high) = (crate::judge::START, crate::judge::START);
        for (lo, hi) in rows.iter().filter_map(|r| r.interval) {
            low = low.min(lo);
            high = high.max(hi);
        }
        if high - low < 1.0 {
            (low, high) = (low - 50.0, high + 50.0);
        }
        Scale { low, high }
    }

    fn at(&self, v: f64, width: usize) -> usize {
        let t = ((v - self.low) / (self.high - self.low)).clamp(0.0, 1.0);
        (t * (width.saturating_sub(1)) as f64).round() as usize
    }

    /// `├──●───┤`: the interval as a line, the rating as a dot.
    fn bar(&self, row: &crate::judge::Row, width: usize, theme: &Theme) -> Line<'static> {
        let Some((lo, hi)) = row.interval else {
            return Line::default();
        };
        let (a, b, dot) = (
            self.at(lo, width),
            self.at(hi, width),
            self.at(row.rating, width),
        );
        let text: String = (0..width)
            .map(|i| match i {
                _ if i == dot => '●',
                _ if i == a => '├',
                _ if i == b => '┤',
                _ if i > a && i < b => '─',
                _ => ' ',
            })
            .collect();
        Line::styled(text, theme.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_places_interval_and_rating_on_a_shared_axis() {
        let row = |rating, interval| crate::judge::Row {
            rating,
            interval: Some(interval),
            ..crate::judge::Row::default()
        };
        let rows = [row(1100.0, (1000.0, 1200.0)), row(900.0, (800.0, 1000.0))];
        let scale = Scale::of(&rows);
        let theme = Theme::default();
        let text = |r| scale.bar(r, 21, &theme).spans[0].content.to_string();
        assert_eq!(text(&rows[0]), "          ├────●────┤");
        assert_eq!(text(&rows[1]), "├────●────┤          ");
    }

    #[test]
    fn narrow_boards_keep_the_record_and_drop_the_extras() {
        assert_eq!(
            fitting(76),
            vec![Extra::Ttft],
            "time to first token at 80 columns"
        );
        assert_eq!(fitting(200).len(), 5);
    }
}
