//! `run --suite`: each case to each model, the answers checked against the case's
//! assertions (a judge scoring the `llm-rubric` ones), a pass/fail matrix with reasons, and
//! JUnit XML for CI systems.

use std::collections::{HashMap, VecDeque};

use super::jobs::{Job, Pending};
use super::judging::Judging;
use super::summary::Result_;
use crate::judge::verdict::{Judge, Mode};
use crate::model::RequestId;
use crate::provider::{ChatParams, Message, Role};
use crate::suite::{Outcome, Suite};

/// One job a case.
pub(super) fn jobs(suite: &Suite) -> Vec<Job> {
    suite
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| Job {
            prompt: c.question(),
            case: Some(i),
        })
        .collect()
}

/// The case's messages in place of the prompt, after the pane's system prompt unless the
/// case has its own; its tools offered.
pub(super) fn params(
    mut params: ChatParams,
    suite: &Suite,
    case: usize,
    tools: &[crate::tools::ToolDef],
) -> ChatParams {
    let Some(case) = suite.cases.get(case) else {
        return params;
    };
    let own_system = case.messages.iter().any(|(r, _)| r == "system");
    let mut messages: Vec<Message> = params
        .messages
        .into_iter()
        .filter(|m| m.role == Role::System && !own_system)
        .collect();
    for (role, content) in &case.messages {
        let role = match role.as_str() {
            "system" => Role::System,
            "assistant" => Role::Assistant,
            _ => Role::User,
        };
        messages.push(Message::new(role, content.clone()));
    }
    params.messages = messages;
    params.tools = tools
        .iter()
        .filter(|t| case.tools.contains(&t.name))
        .map(crate::tools::ToolDef::wire)
        .collect();
    params
}

/// The cases' tools that the config does not define.
pub(super) fn unknown_tools(suite: &Suite, tools: &[crate::tools::ToolDef]) -> Option<String> {
    suite
        .cases
        .iter()
        .flat_map(|c| c.tools.iter().map(move |t| (c, t)))
        .find(|(_, t)| !tools.iter().any(|d| &d.name == *t))
        .map(|(c, t)| format!("{}: no tool `{t}` in the config's [[tools]]", c.name))
}

/// A judge request per `llm-rubric` assertion per answer that came: (row, rubric) by
/// request.
pub(super) fn rubric_requests(
    j: &Judging,
    suite: &Suite,
    results: &[Result_],
    next: &mut RequestId,
) -> (VecDeque<Pending>, HashMap<RequestId, (usize, String)>) {
    let mut queue = VecDeque::new();
    let mut asks = HashMap::new();
    for (row, r) in results.iter().enumerate().filter(|(_, r)| r.ok) {
        let Some(case) = r.case.and_then(|c| suite.cases.get(c)) else {
            continue;
        };
        for rubric in case.asserts.iter().filter_map(|a| a.rubric()) {
            let judge = Judge {
                rubric: rubric.to_string(),
                mode: Mode::Score,
                ..j.judge.clone()
            };
            next.0 += 1;
            let params = judge.params(&j.model, judge.score_messages(&case.question(), &r.text));
            asks.insert(*next, (row, rubric.to_string()));
            queue.push_back(Pending {
                request: *next,
                prompt_index: r.prompt_index,
                repeat: r.repeat,
                pane: r.pane,
                case: r.case,
                prompt: r.prompt.clone(),
                model: j.model.clone(),
                provider: j.provider.clone(),
                params,
                price: j.price,
            });
        }
    }
    (queue, asks)
}

/// A rubric's score as a share of the judge's scale with its reasons, or why there is none.
type Scored = Result<(f64, String), String>;

/// Each answer checked against its case: the judge's rubric scores first, then every
/// assertion. Returns what judging the rubrics cost.
pub(super) fn grade(
    suite: &Suite,
    judge: Option<&Judging>,
    results: &mut [Result_],
    asks: &HashMap<RequestId, (usize, String)>,
    answers: Vec<Result_>,
) -> f64 {
    let mut rubrics: HashMap<usize, Vec<(String, Scored)>> = HashMap::new();
    let mut cost = 0.0;
    for a in answers {
        let Some((row, rubric)) = asks.get(&a.request) else {
            continue;
        };
        cost += a.cost.unwrap_or(0.0);
        let read = match (a.ok, judge) {
            (true, Some(j)) => {
                let scale = f64::from(j.judge.scale.max(1));
                Judge {
                    mode: Mode::Score,
                    ..j.judge.clone()
                }
                .read_score(&a.text)
                .map(|(s, why)| (f64::from(s) / scale, why))
            }
            _ => Err(format!(
                "judge failed: {}",
                a.error.as_deref().unwrap_or("no answer")
            )),
        };
        rubrics
            .entry(*row)
            .or_default()
            .push((rubric.clone(), read));
    }
    for (row, r) in results.iter_mut().enumerate() {
        let Some(case) = r.case.and_then(|c| suite.cases.get(c)) else {
            continue;
        };
        let outcome = Outcome {
            text: r.text.clone(),
            error: (!r.ok).then(|| r.error.clone().unwrap_or_else(|| "failed".into())),
            ttft_ms: r.ttft_ms,
            elapsed_ms: Some(r.elapsed_ms),
            cost: r.cost,
            completion_tokens: r.completion_tokens,
            finish_reason: r.finish_reason.clone(),
            tool_calls: r
                .tool_calls
                .iter()
                .map(|c| (c.name.clone(), c.arguments.clone()))
                .collect(),
            rubrics: rubrics
                .remove(&row)
                .unwrap_or_default()
                .into_iter()
                .collect(),
        };
        let (checks, pass, score) = case.grade(&outcome);
        r.checks = checks;
        r.pass = Some(pass);
        r.score = Some(score);
    }
    cost
}

/// What failed on a row, in a few words: the first failing assertion, and how many more.
fn why(r: &Result_) -> String {
    if !r.ok {
        return format!("no answer: {}", r.reason.as_deref().unwrap_or("failed"));
    }
    let failed: Vec<&crate::suite::Check> = r.checks.iter().filter(|c| !c.pass).collect();
    match failed.as_slice() {
        [] => "below the case's threshold".into(),
        [one] => format!("{} {}", one.name, one.reason),
        [one, rest @ ..] => format!("{} {} (+{} more)", one.name, one.reason, rest.len()),
    }
}

/// Case × model: PASS, or FAIL with the failing assertion; and the share that passed.
pub(super) fn matrix(suite: &Suite, results: &[Result_]) -> String {
    let mut models: Vec<&str> = results.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    let mut rows = vec![std::iter::once("CASE".to_string())
        .chain(models.iter().map(|m| m.to_string()))
        .collect::<Vec<_>>()];
    for (i, case) in suite.cases.iter().enumerate() {
        let mut row = vec![case.name.clone()];
        for m in &models {
            let mine: Vec<&Result_> = results
                .iter()
                .filter(|r| r.case == Some(i) && r.model == *m)
                .collect();
            let passed = mine.iter().filter(|r| r.pass == Some(true)).count();
            let cell = match (passed == mine.len(), mine.len()) {
                (_, 0) => "-".to_string(),
                (true, 1) => "PASS".into(),
                (true, n) => format!("PASS {n}/{n}"),
                (false, 1) => format!("FAIL {}", why(mine[0])),
                (false, n) => {
                    let first = mine
                        .iter()
                        .find(|r| r.pass != Some(true))
                        .map_or(String::new(), |r| why(r));
                    format!("FAIL {passed}/{n}: {first}")
                }
            };
            row.push(cell);
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count().min(60))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c: String = c.chars().take(60).collect();
                format!("{c:<w$}")
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let total = results.iter().filter(|r| r.pass.is_some()).count();
    let passed = results.iter().filter(|r| r.pass == Some(true)).count();
    out.push_str(&format!(
        "{passed} of {total} passed{}\n",
        match crate::judge::stats::wilson(passed as f64, total as f64, crate::judge::stats::Z95) {
            Some((lo, hi)) if total > 1 => format!(" (95% {:.0}–{:.0}%)", lo * 100.0, hi * 100.0),
            _ => String::new(),
        }
    ));
    out
}

/// JUnit XML: a test suite per model, a test case per case (and repeat).
pub(super) fn junit(suite: &Suite, results: &[Result_]) -> Result<String, String> {
    let names: Vec<String> = results
        .iter()
        .map(|r| {
            let case = r
                .case
                .and_then(|c| suite.cases.get(c))
                .map_or("?", |c| c.name.as_str());
            if results
                .iter()
                .any(|o| o.case == r.case && o.model == r.model && o.repeat != r.repeat)
            {
                format!("{case} #{}", r.repeat)
            } else {
                case.to_string()
            }
        })
        .collect();
    let rows: Vec<crate::suite::junit::Row> = results
        .iter()
        .zip(&names)
        .map(|(r, name)| crate::suite::junit::Row {
            model: &r.model,
            case: name,
            seconds: r.elapsed_ms as f64 / 1000.0,
            failure: (r.pass != Some(true)).then(|| {
                if !r.ok {
                    return format!("no answer: {}", r.error.as_deref().unwrap_or("failed"));
                }
                let mut lines = vec![why(r)];
                lines.extend(
                    r.checks
                        .iter()
                        .filter(|c| !c.pass)
                        .map(|c| format!("{}: {}", c.name, c.reason)),
                );
                lines.join("\n")
            }),
        })
        .collect();
    crate::suite::junit::write(
        suite.description.as_deref().unwrap_or("switchboard suite"),
        &rows,
    )
}
