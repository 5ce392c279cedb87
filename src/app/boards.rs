//! The scoreboard's boards for this session: the votes', the judge's (and how often the two
//! agree), and how each rerun's answers spread.

use super::state::{App, JudgeBoard, Overlay, RerunSpread, Status};

/// A round's verdict by the judge, with the models it named, for agreement with the votes.
type RoundVerdict = (u64, crate::judge::Verdict, Vec<String>);

impl App {
    /// How each rerun's answers spread, over those that have ended.
    pub fn rerun_spreads(&self) -> Vec<RerunSpread> {
        self.session
            .reruns
            .iter()
            .map(|g| {
                let samples: Vec<crate::judge::Sample> = g
                    .panes
                    .iter()
                    .filter_map(|id| self.pane_index(*id))
                    .filter_map(|i| {
                        self.session.panes[i]
                            .turns
                            .iter()
                            .find(|t| t.round == g.round)
                    })
                    .filter(|t| !t.answer.status.is_active())
                    .map(|t| t.answer.sample(self.now))
                    .collect();
                RerunSpread {
                    model: g.model.clone(),
                    prompt: g.prompt.clone(),
                    spread: crate::judge::Spread::of(&samples),
                }
            })
            .collect()
    }

    /// The scoreboard overlay over this session: its votes, answers and reruns, and the
    /// judge's board.
    pub fn session_scoreboard(&self, by_judge: bool) -> Overlay {
        let judge = self.judge_board();
        Overlay::Scoreboard {
            all: false,
            rows: Some(Ok(self.scoreboard())),
            reruns: self.rerun_spreads(),
            by_judge: by_judge && judge.is_some(),
            judge,
        }
    }

    /// The judge's verdicts as votes: per round judged by score, the best score wins; per
    /// pair compared, the combined pick. With each round's verdict, for agreement.
    fn judge_votes(&self) -> (Vec<crate::judge::Vote>, Vec<RoundVerdict>) {
        use crate::judge::verdict::{vote_from_pick, vote_from_scores};
        let mut rounds: Vec<u64> = self.session.judge_jobs.iter().map(|j| j.round).collect();
        rounds.dedup();
        let mut votes = Vec::new();
        let mut per_round = Vec::new();
        for round in rounds {
            let verdicts = crate::model::judged::verdicts(&self.session.judge_jobs, round);
            if verdicts.values().any(|v| v.pending > 0) {
                continue;
            }
            // In pane order, as the round's vote names them.
            let judged: Vec<(String, &crate::model::PaneVerdict)> = self
                .session
                .panes
                .iter()
                .filter_map(|p| verdicts.get(&p.id).map(|v| (p.model.clone(), v)))
                .collect();
            let models: Vec<String> = judged.iter().map(|(m, _)| m.clone()).collect();
            let standings: Vec<Option<u32>> = judged
                .iter()
                .map(|(_, v)| v.standing().map(|s| (s * 2.0).round() as u32))
                .collect();
            let Some(round_vote) = vote_from_scores(&models, &standings) else {
                continue;
            };
            per_round.push((round, round_vote.verdict.clone(), models.clone()));
            if judged.iter().any(|(_, v)| v.score.is_some()) {
                votes.push(round_vote);
                continue;
            }
            // Pairwise: each pair its own game.
            for job in self.session.judge_jobs.iter().filter(|j| j.round == round) {
                if let crate::model::JudgeAsk::Pair {
                    x,
                    y,
                    x_first: true,
                } = job.ask
                {
                    let model = |id| {
                        self.pane_index(id)
                            .map(|i| self.session.panes[i].model.clone())
                    };
                    let pick =
                        crate::model::judged::pair_pick(&self.session.judge_jobs, round, x, y);
                    if let (Some(a), Some(b), Some(pick)) = (model(x), model(y), pick) {
                        votes.push(vote_from_pick(&a, &b, pick));
                    }
                }
            }
        }
        (votes, per_round)
    }

    /// The judge's board and its agreement with this session's votes.
    pub fn judge_board(&self) -> Option<JudgeBoard> {
        let judge = self
            .session
            .judge_jobs
            .iter()
            .find(|j| j.rubric.is_none())?
            .judge
            .clone();
        let (votes, per_round) = self.judge_votes();
        let rows = crate::judge::scoreboard(&votes, &self.answer_stats());
        let mut pairs = Vec::new();
        for (round, verdict, models) in &per_round {
            let Some((_, vote)) = self.session.votes.iter().find(|(r, _)| r == round) else {
                continue;
            };
            // Compared by model, since the vote may name panes the judge did not see.
            let winner = |v: &crate::judge::Verdict, names: &[String]| match v {
                crate::judge::Verdict::Winner(i) => names.get(*i).cloned(),
                crate::judge::Verdict::Tie => Some("=".into()),
                crate::judge::Verdict::AllBad => None,
            };
            pairs.push((winner(&vote.verdict, &vote.models), winner(verdict, models)));
        }
        let same = pairs.iter().filter(|(a, b)| a.is_some() && a == b).count();
        Some(JudgeBoard {
            judge,
            rows,
            agreement: (same, pairs.len()),
        })
    }

    /// This session's scoreboard, from its votes and answers.
    pub fn scoreboard(&self) -> Vec<crate::judge::Row> {
        let votes: Vec<crate::judge::Vote> =
            self.session.votes.iter().map(|(_, v)| v.clone()).collect();
        crate::judge::scoreboard(&votes, &self.answer_stats())
    }

    /// Every finished answer's figures, for the scoreboard's columns.
    fn answer_stats(&self) -> Vec<crate::judge::AnswerStat> {
        self.session
            .panes
            .iter()
            .flat_map(|p| p.turns.iter().map(move |t| (p, t)))
            .filter(|(_, t)| t.answer.status == Status::Done)
            .map(|(p, t)| crate::judge::AnswerStat {
                model: p.model.clone(),
                sample: t.answer.sample(self.now),
            })
            .collect()
    }
}
