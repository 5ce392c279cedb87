//! `run --judge`: once the answers are in, a judge model rates them, by score (each answer on
//! its own) or pairwise (each two answers to the same prompt, asked twice with the order
//! swapped). Its verdicts land on the answers' rows, its cost is booked as a judge's, and a
//! verdict that fails or comes back off-schema says so without touching the answer.

use std::collections::{HashMap, VecDeque};

use super::jobs::Pending;
use super::summary::{Judged, Result_};
use crate::judge::verdict::{combine, Judge, Mode, Pick};
use crate::model::RequestId;
use crate::session::store::{JudgeVerdict, Op};

/// The judge and where it is sent.
pub(super) struct Judging {
    pub judge: Judge,
    pub provider: String,
    pub model: String,
    pub price: Option<crate::cost::ModelPrice>,
}

/// What one judge request asks about, by row of the results.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ask {
    Score(usize),
    /// `x` and `y` compared; `x_first` says which was shown as A.
    Pair {
        x: usize,
        y: usize,
        x_first: bool,
    },
}

/// The judge's requests for the answers that came through.
pub(super) fn requests(
    j: &Judging,
    results: &[Result_],
    next: &mut RequestId,
) -> (VecDeque<Pending>, HashMap<RequestId, Ask>) {
    let mut queue = VecDeque::new();
    let mut asks = HashMap::new();
    let mut push = |ask: Ask, messages: Vec<crate::provider::Message>, row: &Result_| {
        next.0 += 1;
        let params = j.judge.params(&j.model, messages);
        asks.insert(*next, ask);
        queue.push_back(Pending {
            request: *next,
            prompt_index: row.prompt_index,
            repeat: row.repeat,
            pane: row.pane,
            case: row.case,
            prompt: row.prompt.clone(),
            model: j.model.clone(),
            provider: j.provider.clone(),
            params,
            price: j.price,
        });
    };
    let ok: Vec<usize> = (0..results.len()).filter(|&i| results[i].ok).collect();
    match j.judge.mode {
        Mode::Score => {
            for &i in &ok {
                let r = &results[i];
                push(Ask::Score(i), j.judge.score_messages(&r.prompt, &r.text), r);
            }
        }
        Mode::Pairwise => {
            for (n, &x) in ok.iter().enumerate() {
                for &y in &ok[n + 1..] {
                    let (a, b) = (&results[x], &results[y]);
                    // Answers to the same prompt in the same repeat, by different models.
                    if (a.prompt_index, a.repeat) != (b.prompt_index, b.repeat)
                        || a.model == b.model
                    {
                        continue;
                    }
                    for x_first in [true, false] {
                        let (first, second) = if x_first { (a, b) } else { (b, a) };
                        let messages =
                            j.judge
                                .pairwise_messages(&a.prompt, &first.text, &second.text);
                        push(Ask::Pair { x, y, x_first }, messages, a);
                    }
                }
            }
        }
    }
    (queue, asks)
}

/// The judge's answers, read and put on the rows they are about; each verdict recorded.
pub(super) fn apply(
    j: &Judging,
    results: &mut [Result_],
    asks: &HashMap<RequestId, Ask>,
    answers: Vec<Result_>,
    history: impl Fn(Op),
) -> Totals {
    let mut totals = Totals::default();
    for r in results.iter_mut().filter(|r| r.ok) {
        r.judged = Some(Judged {
            judge: j.model.clone(),
            mode: j.judge.mode.name(),
            scale: (j.judge.mode == Mode::Score).then_some(j.judge.scale),
            ..Judged::default()
        });
    }
    // A pair's two askings, by the rows they compare.
    let mut pairs: HashMap<(usize, usize), [Option<Read>; 2]> = HashMap::new();
    let mut pair_reasons: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for answer in answers {
        let Some(ask) = asks.get(&answer.request).copied() else {
            continue;
        };
        let cost = answer.cost.unwrap_or(0.0);
        totals.cost += cost;
        totals.verdicts += 1;
        let said = if answer.ok {
            Ok(answer.text.clone())
        } else {
            Err(format!(
                "judge failed: {}",
                answer.error.as_deref().unwrap_or("no answer")
            ))
        };
        match ask {
            Ask::Score(row) => {
                let read = said.and_then(|t| j.judge.read_score(&t));
                let Some(judged) = results.get_mut(row).and_then(|r| r.judged.as_mut()) else {
                    continue;
                };
                judged.cost += cost;
                let (score, reasons, error) = match read {
                    Ok((score, reasons)) => (Some(score), Some(reasons), None),
                    Err(e) => (None, None, Some(e)),
                };
                judged.score = score;
                judged.reasons.extend(reasons.clone());
                judged.errors.extend(error.clone());
                totals.failed += usize::from(error.is_some());
                history(Op::Verdict(Box::new(JudgeVerdict {
                    round: results[row].prompt_index as u64 + 1,
                    judge: j.model.clone(),
                    mode: "score".into(),
                    pane: results[row].pane,
                    score,
                    scale: Some(j.judge.scale),
                    reasons,
                    error,
                    cost: answer.cost,
                    at: chrono::Utc::now().timestamp(),
                    ..JudgeVerdict::default()
                })));
            }
            Ask::Pair { x, y, x_first } => {
                for row in [x, y] {
                    if let Some(judged) = results.get_mut(row).and_then(|r| r.judged.as_mut()) {
                        judged.cost += cost / 2.0;
                    }
                }
                let read = said.and_then(|t| j.judge.read_pick(&t));
                let slot = &mut pairs.entry((x, y)).or_default()[usize::from(!x_first)];
                *slot = Some(read.map(|(pick, reasons)| {
                    pair_reasons.entry((x, y)).or_default().push(reasons);
                    pick
                }));
            }
        }
    }
    for ((x, y), [x_first, y_first]) in pairs {
        let (Some(a), Some(b)) = (x_first, y_first) else {
            continue;
        };
        let names = |i: usize| results.get(i).map_or(String::new(), |r| r.model.clone());
        let (xn, yn) = (names(x), names(y));
        let outcome = match (a, b) {
            (Ok(a), Ok(b)) => Ok(combine(a, b)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let reasons = pair_reasons.remove(&(x, y)).unwrap_or_default().join(" / ");
        let (pick, error) = match &outcome {
            Ok(p) => (Some(*p), None),
            Err(e) => (None, Some(e.clone())),
        };
        totals.failed += usize::from(error.is_some());
        for (row, other, me_first) in [(x, &yn, true), (y, &xn, false)] {
            let Some(judged) = results.get_mut(row).and_then(|r| r.judged.as_mut()) else {
                continue;
            };
            let count = |c: &mut Option<u32>| *c = Some(c.unwrap_or(0) + 1);
            match (pick, me_first) {
                (Some(Pick::Tie), _) => count(&mut judged.ties),
                (Some(Pick::First), true) | (Some(Pick::Second), false) => count(&mut judged.wins),
                (Some(_), _) => count(&mut judged.losses),
                (None, _) => {}
            }
            if let Some(e) = &error {
                judged.errors.push(format!("against {other}: {e}"));
            } else if !reasons.is_empty() {
                judged.reasons.push(format!("against {other}: {reasons}"));
            }
        }
        history(Op::Verdict(Box::new(JudgeVerdict {
            round: results[x].prompt_index as u64 + 1,
            judge: j.model.clone(),
            mode: "pairwise".into(),
            pane: results[x].pane,
            other_pane: Some(results[y].pane),
            pick: pick.map(|p| p.name().to_string()),
            reasons: (!reasons.is_empty()).then_some(reasons),
            error,
            at: chrono::Utc::now().timestamp(),
            ..JudgeVerdict::default()
        })));
    }
    totals
}

/// One asking's pick, or why there is none.
type Read = Result<Pick, String>;

/// What the judge did in a run.
#[derive(Default)]
pub(super) struct Totals {
    pub verdicts: usize,
    pub failed: usize,
    pub cost: f64,
}
