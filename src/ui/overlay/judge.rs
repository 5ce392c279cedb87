//! The judge's verdicts on a round as they stream in: each request with what it said, then
//! each answer's verdict, and what judging cost.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::App;
use crate::model::{JudgeAsk, PaneId, Reading};
use crate::theme::Theme;
use crate::ui::frame::{boxed, centered};

pub(super) fn draw(app: &App, round: u64, theme: &Theme, f: &mut Frame, area: Rect) {
    let jobs: Vec<&crate::model::JudgeJob> = app
        .session
        .judge_jobs
        .iter()
        .filter(|j| j.round == round && j.rubric.is_none())
        .collect();
    let r = centered(area, 110, (jobs.len() as u16 * 2 + 10).max(12));
    f.render_widget(Clear, r);
    let block = boxed(" judge ", theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let name = |id: PaneId| match app.pane_index(id) {
        Some(i) if app.hidden() => crate::ui::layout::blind_name(app.slot_of(i)),
        Some(i) => format!("{} {}", app.slot_of(i) + 1, app.session.panes[i].model),
        None => "a closed pane".into(),
    };
    let mut lines = Vec::new();
    if let Some(j) = jobs.first() {
        lines.push(Line::from(vec![
            Span::styled(format!("round {round} · {} ", j.judge), theme.title),
            Span::styled(
                "· sees the prompt and the answers, never the model names",
                theme.dim,
            ),
        ]));
        lines.push(Line::default());
    }
    for job in &jobs {
        let what = match job.ask {
            JudgeAsk::Score(id) => name(id),
            JudgeAsk::Pair { x, y, x_first } => {
                let (a, b) = if x_first { (x, y) } else { (y, x) };
                format!("A {} · B {}", name(a), name(b))
            }
        };
        let (said, style) = match &job.read {
            None => {
                let tail: String = job.answer.text.chars().rev().take(60).collect();
                let tail: String = tail.chars().rev().collect();
                (format!("judging… {}", tail.replace('\n', " ")), theme.dim)
            }
            Some(Ok(Reading::Score(s, why))) => {
                (format!("{s}/{} — {why}", job.scale), theme.answer)
            }
            Some(Ok(Reading::Pick(p, why))) => {
                let pick = match p {
                    crate::judge::verdict::Pick::First => "A",
                    crate::judge::verdict::Pick::Second => "B",
                    crate::judge::verdict::Pick::Tie => "tie",
                };
                (format!("{pick} — {why}"), theme.answer)
            }
            Some(Err(e)) => (format!("✗ {e}"), theme.error),
        };
        lines.push(Line::from(Span::styled(what, theme.title)));
        lines.push(Line::from(Span::styled(format!("  {said}"), style)));
    }
    let verdicts = crate::model::judged::verdicts(&app.session.judge_jobs, round);
    if jobs.iter().all(|j| j.read.is_some()) && !verdicts.is_empty() {
        lines.push(Line::default());
        let summary: Vec<String> = verdicts
            .iter()
            .map(|(id, v)| format!("{}: {}", name(*id), v.label()))
            .collect();
        lines.push(Line::styled(summary.join(" · "), theme.stats));
        if jobs.iter().any(|j| matches!(j.ask, JudgeAsk::Pair { .. })) {
            lines.push(Line::styled(
                "each pair asked both ways round: a disagreement is a tie",
                theme.dim,
            ));
        }
    }
    let cost: f64 = jobs.iter().map(|j| j.answer.cost().usd()).sum();
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "judging this round: {} · the judge this session: {} (booked as the judge's) · any key closes",
            crate::cost::money(cost),
            crate::cost::money(app.session.judge_spent)
        ),
        theme.dim,
    ));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
