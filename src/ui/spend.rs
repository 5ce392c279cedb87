//! The spend gauge in the header and the breakdown overlay.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::app::App;
use crate::cost::ledger::Breakdown;
use crate::cost::money;
use crate::provider::account::KeyStatus;
use crate::theme::Theme;

use super::frame::{boxed, centered};

/// The header's spend section, trimmed to `width` columns: gauge (when a session budget is
/// set), session, today, month, key credit; the least useful parts go first.
pub fn gauge(app: &App, theme: &Theme, width: usize) -> Vec<Span<'static>> {
    let spent = app.live_spent();
    let level = app.config.budget.level(spent.session);
    let style = theme.gauge(level);
    let mut parts: Vec<(u8, Vec<Span<'static>>)> = Vec::new();
    match app.config.budget.session_usd {
        Some(cap) => {
            let cells = 10usize;
            let filled = if cap > 0.0 {
                ((spent.session / cap) * cells as f64)
                    .round()
                    .clamp(0.0, cells as f64) as usize
            } else {
                cells
            };
            parts.push((
                0,
                vec![
                    Span::styled("spend ", theme.dim),
                    Span::styled("▕", theme.dim),
                    Span::styled("█".repeat(filled), style),
                    Span::styled("░".repeat(cells - filled), theme.dim),
                    Span::styled("▏ ", theme.dim),
                    Span::styled(format!("{} / {}", money(spent.session), money(cap)), style),
                ],
            ));
        }
        None => parts.push((
            0,
            vec![Span::styled(
                format!("session {}", money(spent.session)),
                theme.stats,
            )],
        )),
    }
    // The judge's share of the session, apart from the answers'.
    if app.session.judge_spent > 0.0 {
        parts.push((
            1,
            vec![Span::styled(
                format!("judge {}", money(app.session.judge_spent)),
                theme.dim,
            )],
        ));
    }
    let limit = |v: Option<f64>| v.map(|c| format!(" / {}", money(c))).unwrap_or_default();
    parts.push((
        2,
        vec![Span::styled(
            format!(
                "today {}{}",
                money(spent.day),
                limit(app.config.budget.daily_usd)
            ),
            theme.stats,
        )],
    ));
    parts.push((
        3,
        vec![Span::styled(
            format!(
                "month {}{}",
                money(spent.month),
                limit(app.config.budget.monthly_usd)
            ),
            theme.stats,
        )],
    ));
    if let Some((_, status)) = &app.session.key {
        let (text, style) = match status {
            KeyStatus::Remaining(v) => (format!("key {} left", money(*v)), theme.stats),
            KeyStatus::Used(v) => (format!("key used {}", money(*v)), theme.stats),
            KeyStatus::Refused => ("key refused".to_string(), theme.error),
            KeyStatus::Unavailable(_) => ("key ?".to_string(), theme.dim),
        };
        parts.push((1, vec![Span::styled(text, style)]));
    }
    let width_of = |p: &[(u8, Vec<Span<'static>>)]| {
        p.iter()
            .map(|(_, s)| s.iter().map(Span::width).sum::<usize>())
            .sum::<usize>()
            + 3 * p.len().saturating_sub(1)
    };
    while parts.len() > 1 && width_of(&parts) > width {
        if let Some(worst) = parts
            .iter()
            .enumerate()
            .max_by_key(|(_, (prio, _))| *prio)
            .map(|(i, _)| i)
        {
            parts.remove(worst);
        }
    }
    let mut out = Vec::new();
    for (i, (_, spans)) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::styled(" · ", theme.dim));
        }
        out.extend(spans);
    }
    out
}

/// Spend per model and per day, as horizontal bars.
pub fn breakdown(
    data: Option<&Result<Breakdown, String>>,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
) {
    let r = centered(area, 90, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let block = boxed(" spend · last 30 days ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let lines = match data {
        None => vec![Line::styled("reading the ledger…", theme.dim)],
        Some(Err(e)) => vec![Line::styled(e.clone(), theme.error)],
        Some(Ok(b)) if b.by_model.is_empty() => {
            vec![Line::styled(
                "Nothing spent in the last 30 days.",
                theme.dim,
            )]
        }
        Some(Ok(b)) => breakdown_lines(b, usize::from(inner.width), theme),
    };
    f.render_widget(Paragraph::new(lines), inner);
}

fn breakdown_lines(b: &Breakdown, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("By model", theme.header)];
    let label_w = b
        .by_model
        .iter()
        .map(|(m, _, _)| m.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(10, width / 3);
    let bar_w = width.saturating_sub(label_w + 24).max(4);
    let max = b.by_model.iter().map(|(_, c, _)| *c).fold(0.0, f64::max);
    for (model, cost, n) in &b.by_model {
        let name: String = model.chars().take(label_w).collect();
        lines.push(Line::from(vec![
            Span::raw(format!("{name:<label_w$} ")),
            Span::styled(bar(*cost, max, bar_w), theme.gauge_ok),
            Span::styled(format!(" {} · {n}", money(*cost)), theme.stats),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("By day  ", theme.header),
        Span::styled(sparkline(&b.by_day, 30), theme.gauge_warn),
        Span::styled("  the last 30 days", theme.dim),
    ]));
    let max = b.by_day.iter().map(|(_, c)| *c).fold(0.0, f64::max);
    for (day, cost) in b.by_day.iter().rev().take(14).rev() {
        lines.push(Line::from(vec![
            Span::raw(format!("{:<label_w$} ", day.format("%a %d %b").to_string())),
            Span::styled(bar(*cost, max, bar_w), theme.gauge_warn),
            Span::styled(format!(" {}", money(*cost)), theme.stats),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled("any key closes", theme.dim));
    lines
}

/// One block a day for the `days` up to the last day with spend, its height the day's share
/// of the most spent in a day; a day with nothing is a blank.
fn sparkline(by_day: &[(chrono::NaiveDate, f64)], days: u64) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let Some((last, _)) = by_day.last() else {
        return String::new();
    };
    let max = by_day.iter().map(|(_, c)| *c).fold(0.0, f64::max);
    (0..days)
        .rev()
        .map(|back| {
            let day = last
                .checked_sub_days(chrono::Days::new(back))
                .unwrap_or(*last);
            match by_day.iter().find(|(d, _)| *d == day) {
                Some((_, c)) if *c > 0.0 && max > 0.0 => {
                    let i = ((c / max) * (BLOCKS.len() - 1) as f64).round() as usize;
                    BLOCKS[i.min(BLOCKS.len() - 1)]
                }
                _ => ' ',
            }
        })
        .collect()
}

fn bar(v: f64, max: f64, width: usize) -> String {
    if max <= 0.0 {
        return String::new();
    }
    let n = ((v / max) * width as f64).round().clamp(0.0, width as f64) as usize;
    "█".repeat(n.max(usize::from(v > 0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_has_a_block_a_day_scaled_to_the_dearest() {
        let d = |n| chrono::NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
        let line = sparkline(&[(d(25), 1.0), (d(27), 0.5), (d(29), 0.0)], 5);
        assert_eq!(line, "█ ▅  ");
        assert_eq!(sparkline(&[], 30), "");
    }
}
