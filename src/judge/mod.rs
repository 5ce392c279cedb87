//! Judging: votes on rounds, and the scoreboard they add up to: wins, losses and ties with a
//! Wilson interval on the win rate, a Bradley–Terry rating with a bootstrap interval, and each
//! model's speed and cost as a mean with its 95% interval.

pub mod rating;
pub mod spread;
pub mod stats;
pub mod verdict;

use std::collections::BTreeMap;

use rating::Game;
pub use rating::START;
pub use spread::{Sample, Spread};

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// The answer in this pane (0-based) was best.
    Winner(usize),
    Tie,
    AllBad,
}

impl Verdict {
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Winner(_) => "winner",
            Verdict::Tie => "tie",
            Verdict::AllBad => "all_bad",
        }
    }

    pub fn parse(name: &str, pane: Option<usize>) -> Option<Self> {
        match (name, pane) {
            ("winner", Some(p)) => Some(Verdict::Winner(p)),
            ("tie", _) => Some(Verdict::Tie),
            ("all_bad", _) => Some(Verdict::AllBad),
            _ => None,
        }
    }
}

/// One judged round: the model in each pane, and the verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Vote {
    pub models: Vec<String>,
    pub verdict: Verdict,
}

/// One answer's figures, for the speed and cost columns.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerStat {
    pub model: String,
    pub sample: Sample,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    pub model: String,
    pub wins: u32,
    pub losses: u32,
    pub ties: u32,
    pub rating: f64,
    /// The rating's 95% bootstrap interval; none for a model in no decided or drawn round.
    pub interval: Option<(f64, f64)>,
    /// One plus the models ahead beyond doubt: models not told apart share a rank.
    pub rank: Option<usize>,
    /// The model's answers: how many, and how their speed and cost spread.
    pub figures: Spread,
}

impl Row {
    pub fn judged(&self) -> u32 {
        self.wins + self.losses + self.ties
    }

    /// Ties count half, as in chess.
    pub fn win_rate(&self) -> Option<f64> {
        let n = self.judged();
        (n > 0).then(|| self.points() / f64::from(n))
    }

    /// The win rate's 95% Wilson interval.
    pub fn win_interval(&self) -> Option<(f64, f64)> {
        stats::wilson(self.points(), f64::from(self.judged()), stats::Z95)
    }

    fn points(&self) -> f64 {
        f64::from(self.wins) + f64::from(self.ties) / 2.0
    }
}

/// The pairwise games of one vote: a winner beats every other model in its round; a tie
/// draws them all; "all bad" decides nothing between them.
fn games(vote: &Vote, index: &BTreeMap<&str, usize>) -> Vec<Game> {
    let at = |m: &String| index.get(m.as_str()).copied();
    let mut out = Vec::new();
    match &vote.verdict {
        Verdict::Winner(w) => {
            let Some(winner) = vote.models.get(*w) else {
                return out;
            };
            for other in vote.models.iter().filter(|m| *m != winner) {
                if let (Some(a), Some(b)) = (at(winner), at(other)) {
                    out.push(Game { a, b, score: 1.0 });
                }
            }
        }
        Verdict::Tie => {
            for (i, a) in vote.models.iter().enumerate() {
                for b in vote.models[i + 1..].iter().filter(|b| *b != a) {
                    if let (Some(a), Some(b)) = (at(a), at(b)) {
                        out.push(Game { a, b, score: 0.5 });
                    }
                }
            }
        }
        Verdict::AllBad => {}
    }
    out
}

/// The scoreboard, best rating first. Each round counts once for each model in it: a win for
/// the winner and a loss for the others, a tie for all, or a loss for all when all were bad.
pub fn scoreboard(votes: &[Vote], answers: &[AnswerStat]) -> Vec<Row> {
    let mut models: Vec<String> = Vec::new();
    for m in votes
        .iter()
        .flat_map(|v| v.models.iter())
        .chain(answers.iter().map(|a| &a.model))
    {
        if !models.contains(m) {
            models.push(m.clone());
        }
    }
    let index: BTreeMap<&str, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut rows: Vec<Row> = models
        .iter()
        .map(|m| Row {
            model: m.clone(),
            rating: START,
            ..Row::default()
        })
        .collect();
    for v in votes {
        let mut seen: Vec<usize> = Vec::new();
        for m in &v.models {
            let Some(&i) = index.get(m.as_str()) else {
                continue;
            };
            if seen.contains(&i) {
                continue;
            }
            seen.push(i);
            let row = &mut rows[i];
            match &v.verdict {
                Verdict::Winner(w) if v.models.get(*w) == Some(m) => row.wins += 1,
                Verdict::Winner(_) | Verdict::AllBad => row.losses += 1,
                Verdict::Tie => row.ties += 1,
            }
        }
    }
    let all: Vec<Game> = votes.iter().flat_map(|v| games(v, &index)).collect();
    let intervals = rating::intervals(models.len(), &all);
    for (i, r) in rating::fit(models.len(), &all).into_iter().enumerate() {
        rows[i].rating = r;
        if all.iter().any(|g| g.a == i || g.b == i) {
            rows[i].interval = Some(intervals[i]);
        }
    }
    let rated: Vec<(usize, (f64, f64))> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.interval.map(|iv| (i, iv)))
        .collect();
    let spans: Vec<(f64, f64)> = rated.iter().map(|(_, iv)| *iv).collect();
    for ((i, _), rank) in rated.iter().zip(rating::ranks(&spans)) {
        rows[*i].rank = Some(rank);
    }
    for row in &mut rows {
        row.figures = Spread::of(
            answers
                .iter()
                .filter(|a| a.model == row.model)
                .map(|a| &a.sample),
        );
    }
    rows.sort_by(|a, b| {
        b.rating
            .total_cmp(&a.rating)
            .then_with(|| a.model.cmp(&b.model))
    });
    rows
}

/// Neighbours on the board (best first) whose rating intervals overlap: the votes so far do
/// not tell them apart.
pub fn not_told_apart(rows: &[Row]) -> Vec<(&str, &str)> {
    let rated: Vec<&Row> = rows.iter().filter(|r| r.interval.is_some()).collect();
    rated
        .windows(2)
        .filter_map(|w| match (w[0].interval, w[1].interval) {
            (Some(a), Some(b)) if stats::overlap(a, b) => {
                Some((w[0].model.as_str(), w[1].model.as_str()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(models: &[&str], verdict: Verdict) -> Vote {
        Vote {
            models: models.iter().map(|m| m.to_string()).collect(),
            verdict,
        }
    }

    #[test]
    fn winners_ties_and_all_bad_add_up() {
        let votes = vec![
            vote(&["a", "b", "c"], Verdict::Winner(0)),
            vote(&["a", "b", "c"], Verdict::Winner(1)),
            vote(&["a", "b", "c"], Verdict::Tie),
            vote(&["a", "b", "c"], Verdict::AllBad),
        ];
        let stat = |model: &str, ttft_ms, tokens_per_s, cost| AnswerStat {
            model: model.into(),
            sample: Sample {
                ok: true,
                passed: true,
                ttft_ms,
                tokens_per_s,
                cost,
            },
        };
        let stats = vec![
            stat("a", Some(100.0), Some(50.0), Some(0.01)),
            stat("a", Some(300.0), None, Some(0.03)),
            stat("d", None, None, None),
        ];
        let board = scoreboard(&votes, &stats);
        let row = |m: &str| board.iter().find(|r| r.model == m).unwrap().clone();
        assert_eq!((row("a").wins, row("a").losses, row("a").ties), (1, 2, 1));
        assert_eq!((row("b").wins, row("b").losses, row("b").ties), (1, 2, 1));
        assert_eq!((row("c").wins, row("c").losses, row("c").ties), (0, 3, 1));
        assert!(row("c").rating < START);
        let figures = row("a").figures;
        let ttft = figures.ttft_ms.unwrap();
        assert_eq!((ttft.mean, ttft.n), (200.0, 2));
        // Two samples: t(1) = 12.706 on a standard error of 100.
        assert!((ttft.high - 200.0 - 1270.6).abs() < 1e-6, "{ttft:?}");
        assert!((figures.cost.unwrap().mean - 0.02).abs() < 1e-12);
        assert_eq!(figures.tokens_per_s.unwrap().n, 1);
        assert_eq!(figures.n, 2);
        assert_eq!(row("d").rating, START, "answered but never judged");
        assert_eq!((row("d").interval, row("d").rank), (None, None));
        assert_eq!(row("a").win_rate(), Some(1.5 / 4.0));
        // Wilson on 1.5 of 4.
        let (lo, hi) = row("a").win_interval().unwrap();
        assert!(
            (lo - 0.0919).abs() < 5e-4 && (hi - 0.7806).abs() < 5e-4,
            "{lo} {hi}"
        );
        assert_eq!(board.last().unwrap().model, "c");
    }

    #[test]
    fn the_rating_is_the_fit_of_the_rounds_pairwise_games() {
        // a wins a three-way round (beating b and c), then b beats a, then a and c draw.
        let votes = vec![
            vote(&["a", "b", "c"], Verdict::Winner(0)),
            vote(&["a", "b"], Verdict::Winner(1)),
            vote(&["c", "a"], Verdict::Tie),
        ];
        let board = scoreboard(&votes, &[]);
        let g = |a, b, score| Game { a, b, score };
        let want = rating::fit(3, &[g(0, 1, 1.0), g(0, 2, 1.0), g(1, 0, 1.0), g(2, 0, 0.5)]);
        for (m, w) in ["a", "b", "c"].iter().zip(want) {
            let r = board.iter().find(|r| r.model == *m).unwrap();
            assert!((r.rating - w).abs() < 1e-9, "{m}: {} against {w}", r.rating);
            let (lo, hi) = r.interval.unwrap();
            assert!(lo <= r.rating && r.rating <= hi, "{r:?}");
        }
        // Three votes tell nobody apart.
        assert!(board.iter().all(|r| r.rank == Some(1)), "{board:?}");
        assert_eq!(not_told_apart(&board).len(), 2);
    }

    #[test]
    fn many_one_sided_votes_tell_models_apart() {
        let votes: Vec<Vote> = (0..40)
            .map(|i| vote(&["x", "y"], Verdict::Winner(usize::from(i % 10 == 0))))
            .collect();
        let board = scoreboard(&votes, &[]);
        assert_eq!(board[0].model, "x");
        assert_eq!((board[0].rank, board[1].rank), (Some(1), Some(2)));
        assert!(not_told_apart(&board).is_empty(), "{board:?}");
    }
}
