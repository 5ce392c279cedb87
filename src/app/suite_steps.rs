//! Stepping through a suite in the playground: each case is sent to every pane as a fresh
//! conversation, and once the round's answers (and the judge's rubric scores) are in, each
//! pane gets a pass or fail badge with the failing assertion.

use super::action::Effect;
use super::notice::{key, notice, notice_error};
use super::panes::clear;
use super::prompt_keys::set_prompt;
use super::sending::send;
use super::state::{App, Status};
use crate::model::suite_run::Badge;
use crate::model::{PaneId, Reading};
use crate::suite::Outcome;

/// Sends the next (`delta` 1) or previous (-1) case: its last user message, to every pane
/// with the pane's own settings (`run --suite` sends the case's whole conversation).
pub(super) fn step(app: &mut App, delta: isize, fx: &mut Vec<Effect>) {
    let Some(run) = &app.session.suite else {
        return notice_error(app, "no suite: start with --suite FILE to step through one");
    };
    let n = run.suite.cases.len();
    let at = match (run.at, delta) {
        (None, _) => 0,
        (Some(i), d) if d >= 0 => i + 1,
        (Some(i), _) => i.saturating_sub(1),
    };
    if at >= n {
        return notice(app, format!("that was the last of {n} cases"));
    }
    let case = run.suite.cases[at].clone();
    // A case is a conversation of its own: what earlier cases said must not lean on it.
    if app.session.panes.iter().any(|p| !p.turns.is_empty()) {
        clear(app, fx);
    }
    set_prompt(&mut app.view.prompt, &case.question());
    let before = app.session.rounds;
    send(app, None, false, fx);
    if app.session.rounds == before {
        return;
    }
    let round = app.session.rounds;
    if let Some(run) = &mut app.session.suite {
        run.at = Some(at);
        run.rounds.insert(round, at);
    }
    let next = key(app, "next_case");
    notice(
        app,
        format!("case {}/{n}: {} · {next} the next", at + 1, case.name),
    );
}

/// Moves the suite's rounds along: asks for rubric scores once a round's answers are in, and
/// grades the round once they are too.
pub(super) fn progress(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(run) = &app.session.suite else {
        return;
    };
    let waiting: Vec<(u64, usize)> = run
        .rounds
        .iter()
        .filter(|(r, _)| !run.graded.contains(r))
        .map(|(r, c)| (*r, *c))
        .collect();
    for (round, case) in waiting {
        // Looked at in place: most stream ends leave a round still running.
        let running = app
            .session
            .panes
            .iter()
            .filter_map(|p| p.turns.iter().find(|t| t.round == round))
            .any(|t| t.answer.status.is_active());
        if running {
            continue;
        }
        let answers: Vec<(PaneId, String, crate::model::Answer)> = app
            .session
            .panes
            .iter()
            .filter_map(|p| {
                let t = p.turns.iter().find(|t| t.round == round)?;
                Some((p.id, t.prompt.clone(), t.answer.clone()))
            })
            .collect();
        let Some(case) = app
            .session
            .suite
            .as_ref()
            .and_then(|r| r.suite.cases.get(case).cloned())
        else {
            continue;
        };
        let rubrics: Vec<String> = case
            .asserts
            .iter()
            .filter_map(|a| a.rubric().map(str::to_string))
            .collect();
        let asked = app
            .session
            .suite
            .as_ref()
            .is_some_and(|r| r.judging.contains(&round));
        if !rubrics.is_empty() && !asked {
            if let Some(r) = &mut app.session.suite {
                r.judging.insert(round);
            }
            for (id, prompt, answer) in answers.iter().filter(|(_, _, a)| a.status == Status::Done)
            {
                for rubric in &rubrics {
                    let question = case.question();
                    let asked_of = if question.is_empty() {
                        prompt
                    } else {
                        &question
                    };
                    if let Err(e) = super::judging::start_rubric(
                        app,
                        round,
                        *id,
                        (asked_of, &answer.text),
                        rubric,
                        fx,
                    ) {
                        notice_error(app, e);
                    }
                }
            }
            continue;
        }
        let pending = app
            .session
            .judge_jobs
            .iter()
            .any(|j| j.round == round && j.rubric.is_some() && j.read.is_none());
        if pending {
            continue;
        }
        grade(app, round, &case, &answers);
    }
}

fn grade(
    app: &mut App,
    round: u64,
    case: &crate::suite::Case,
    answers: &[(PaneId, String, crate::model::Answer)],
) {
    let mut badges = Vec::new();
    for (id, _, a) in answers {
        let rubrics = app
            .session
            .judge_jobs
            .iter()
            .filter(|j| j.round == round && j.ask == crate::model::JudgeAsk::Score(*id))
            .filter_map(|j| {
                let rubric = j.rubric.clone()?;
                let read = match &j.read {
                    Some(Ok(Reading::Score(s, why))) => {
                        Ok((f64::from(*s) / f64::from(j.scale.max(1)), why.clone()))
                    }
                    Some(Ok(Reading::Pick(..))) => Err("off-schema: a pick, not a score".into()),
                    Some(Err(e)) => Err(e.clone()),
                    None => Err("not judged".into()),
                };
                Some((rubric, read))
            })
            .collect();
        let outcome = Outcome {
            text: a.text.clone(),
            error: match &a.status {
                Status::Done => None,
                Status::Failed(e) => Some(e.short()),
                other => Some(other.label().to_string()),
            },
            ttft_ms: a
                .ttft()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            elapsed_ms: Some(u64::try_from(a.elapsed(app.now).as_millis()).unwrap_or(u64::MAX)),
            cost: Some(a.cost().usd()),
            completion_tokens: Some(a.tokens().0),
            finish_reason: a.finish_reason.clone(),
            tool_calls: a
                .tool_calls
                .iter()
                .map(|c| (c.name.clone(), c.arguments.clone()))
                .collect(),
            rubrics,
        };
        let (checks, pass, _) = case.grade(&outcome);
        let text = match checks.iter().find(|c| !c.pass) {
            _ if pass => format!("✓ {}/{}", checks.len(), checks.len()),
            Some(c) => format!("✗ {} {}", c.name, c.reason),
            None => "✗ below the case's threshold".into(),
        };
        badges.push((*id, Badge { pass, text }));
    }
    let passed = badges.iter().filter(|(_, b)| b.pass).count();
    let total = badges.len();
    if let Some(run) = &mut app.session.suite {
        run.graded.insert(round);
        for (id, b) in badges {
            run.badges.insert((round, id), b);
        }
    }
    let next = key(app, "next_case");
    notice(
        app,
        format!(
            "{}: {passed} of {total} panes passed · {next} the next case",
            case.name
        ),
    );
}
