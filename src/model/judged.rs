//! A judge's requests in the playground, what each said, and what they add up to for each
//! pane's answer in a round.

use std::collections::BTreeMap;

use super::{Answer, PaneId};
use crate::judge::verdict::{combine, Pick};

/// What a judge's answer said, or why it says nothing.
pub type Read = Result<Reading, String>;

/// What one judge request is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JudgeAsk {
    Score(PaneId),
    /// `x` and `y` compared; `x_first` says which was shown as A.
    Pair {
        x: PaneId,
        y: PaneId,
        x_first: bool,
    },
}

/// What a judge's answer said, once read against its schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Score(u32, String),
    Pick(Pick, String),
}

#[derive(Clone, Debug)]
pub struct JudgeJob {
    pub round: u64,
    /// The judge model.
    pub judge: String,
    pub scale: u32,
    pub ask: JudgeAsk,
    /// The judge's answer as it streams: its request, text, usage and cost.
    pub answer: Answer,
    /// Set when the answer ends: what it said, or why it says nothing.
    pub read: Option<Result<Reading, String>>,
    /// A suite's `llm-rubric` score, not a verdict on the round.
    pub rubric: Option<String>,
}

/// What the judge made of one pane's answer in a round.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaneVerdict {
    pub judge: String,
    pub score: Option<u32>,
    pub scale: u32,
    pub wins: u32,
    pub losses: u32,
    pub ties: u32,
    /// Requests about it still running.
    pub pending: usize,
    pub reasons: Vec<String>,
    pub errors: Vec<String>,
    pairwise: bool,
}

impl PaneVerdict {
    /// A few words for the pane's footer.
    pub fn label(&self) -> String {
        if self.pending > 0 {
            return "judging…".into();
        }
        if let Some(s) = self.score {
            return format!("judge {s}/{}", self.scale);
        }
        if self.pairwise && self.wins + self.losses + self.ties > 0 {
            return format!("judge {}–{}–{}", self.wins, self.losses, self.ties);
        }
        if self.errors.iter().any(|e| e.starts_with("off-schema")) {
            "judge off-schema".into()
        } else {
            "judge failed".into()
        }
    }

    /// Its standing for a round-level verdict: the score, or points from its comparisons.
    pub fn standing(&self) -> Option<f64> {
        if let Some(s) = self.score {
            return Some(f64::from(s));
        }
        (self.pairwise && self.wins + self.losses + self.ties > 0)
            .then(|| f64::from(self.wins) + f64::from(self.ties) / 2.0)
    }
}

/// What the judge's two askings about `x` and `y` in `round` came to, when both read as
/// picks.
pub fn pair_pick(jobs: &[JudgeJob], round: u64, x: PaneId, y: PaneId) -> Option<Pick> {
    let read = |first: bool| {
        jobs.iter().find_map(|j| match (&j.ask, &j.read) {
            (
                JudgeAsk::Pair {
                    x: a,
                    y: b,
                    x_first,
                },
                Some(Ok(Reading::Pick(p, _))),
            ) if j.round == round && *a == x && *b == y && *x_first == first => Some(*p),
            _ => None,
        })
    };
    Some(combine(read(true)?, read(false)?))
}

/// Every judged pane's verdict in `round`.
pub fn verdicts(jobs: &[JudgeJob], round: u64) -> BTreeMap<PaneId, PaneVerdict> {
    let mut out: BTreeMap<PaneId, PaneVerdict> = BTreeMap::new();
    let mut pairs: BTreeMap<(PaneId, PaneId), [Option<&Read>; 2]> = BTreeMap::new();
    for job in jobs
        .iter()
        .filter(|j| j.round == round && j.rubric.is_none())
    {
        let mut touch = |id: PaneId, pairwise: bool| {
            let v = out.entry(id).or_insert_with(|| PaneVerdict {
                judge: job.judge.clone(),
                scale: job.scale,
                pairwise,
                ..PaneVerdict::default()
            });
            if job.read.is_none() {
                v.pending += 1;
            }
        };
        match job.ask {
            JudgeAsk::Score(id) => {
                touch(id, false);
                let Some(v) = out.get_mut(&id) else { continue };
                match &job.read {
                    Some(Ok(Reading::Score(s, why))) => {
                        v.score = Some(*s);
                        v.reasons.push(why.clone());
                    }
                    Some(Ok(Reading::Pick(..))) => {}
                    Some(Err(e)) => v.errors.push(e.clone()),
                    None => {}
                }
            }
            JudgeAsk::Pair { x, y, x_first } => {
                touch(x, true);
                touch(y, true);
                if let Some(read) = &job.read {
                    pairs.entry((x, y)).or_default()[usize::from(!x_first)] = Some(read);
                }
            }
        }
    }
    for ((x, y), [a, b]) in pairs {
        let (Some(a), Some(b)) = (a, b) else {
            continue;
        };
        let picked = |r: &Result<Reading, String>| match r {
            Ok(Reading::Pick(p, why)) => Ok((*p, why.clone())),
            Ok(Reading::Score(..)) => Err("off-schema: a score, not a pick".to_string()),
            Err(e) => Err(e.clone()),
        };
        match (picked(a), picked(b)) {
            (Ok((pa, why_a)), Ok((pb, _))) => {
                let pick = combine(pa, pb);
                for (id, me_first) in [(x, true), (y, false)] {
                    let Some(v) = out.get_mut(&id) else { continue };
                    match (pick, me_first) {
                        (Pick::Tie, _) => v.ties += 1,
                        (Pick::First, true) | (Pick::Second, false) => v.wins += 1,
                        _ => v.losses += 1,
                    }
                    v.reasons.push(why_a.clone());
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                for id in [x, y] {
                    if let Some(v) = out.get_mut(&id) {
                        v.errors.push(e.clone());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RequestId;

    fn job(ask: JudgeAsk, read: Option<Result<Reading, String>>) -> JudgeJob {
        JudgeJob {
            round: 1,
            judge: "sim/judge".into(),
            scale: 10,
            ask,
            answer: Answer::new(RequestId(1), std::time::Instant::now()),
            read,
            rubric: None,
        }
    }

    #[test]
    fn scores_and_pairs_add_up_per_pane() {
        let (a, b, c) = (PaneId(1), PaneId(2), PaneId(3));
        let pick = |p| Some(Ok(Reading::Pick(p, "why".into())));
        let jobs = vec![
            // a against b: a wins both ways round.
            job(
                JudgeAsk::Pair {
                    x: a,
                    y: b,
                    x_first: true,
                },
                pick(Pick::First),
            ),
            job(
                JudgeAsk::Pair {
                    x: a,
                    y: b,
                    x_first: false,
                },
                pick(Pick::Second),
            ),
            // a against c: the first shown wins both times, so a tie.
            job(
                JudgeAsk::Pair {
                    x: a,
                    y: c,
                    x_first: true,
                },
                pick(Pick::First),
            ),
            job(
                JudgeAsk::Pair {
                    x: a,
                    y: c,
                    x_first: false,
                },
                pick(Pick::First),
            ),
            // b against c: one asking still running.
            job(
                JudgeAsk::Pair {
                    x: b,
                    y: c,
                    x_first: true,
                },
                pick(Pick::First),
            ),
            job(
                JudgeAsk::Pair {
                    x: b,
                    y: c,
                    x_first: false,
                },
                None,
            ),
        ];
        let v = verdicts(&jobs, 1);
        assert_eq!((v[&a].wins, v[&a].losses, v[&a].ties), (1, 0, 1));
        assert_eq!(v[&a].label(), "judge 1–0–1");
        assert_eq!((v[&b].losses, v[&b].pending), (1, 1));
        assert_eq!(v[&c].label(), "judging…");
        assert!(verdicts(&jobs, 2).is_empty());

        let scored = vec![
            job(
                JudgeAsk::Score(a),
                Some(Ok(Reading::Score(8, "clear".into()))),
            ),
            job(JudgeAsk::Score(b), Some(Err("off-schema: no score".into()))),
        ];
        let v = verdicts(&scored, 1);
        assert_eq!(
            (v[&a].label(), v[&a].standing()),
            ("judge 8/10".into(), Some(8.0))
        );
        assert_eq!(
            (v[&b].label(), v[&b].standing()),
            ("judge off-schema".into(), None)
        );
    }
}
