//! Judging: votes on rounds, and the scoreboard they add up to (wins, losses, ties, an
//! Elo-style rating) alongside each model's speed and cost.

pub mod stats;

use std::collections::BTreeMap;

/// Elo's K: how far one vote moves a rating.
pub const K: f64 = 32.0;
pub const START: f64 = 1000.0;

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
    pub ttft_ms: Option<f64>,
    pub tokens_per_s: Option<f64>,
    pub cost: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    pub model: String,
    pub wins: u32,
    pub losses: u32,
    pub ties: u32,
    pub rating: f64,
    pub answers: u32,
    pub avg_ttft_ms: Option<f64>,
    pub avg_tokens_per_s: Option<f64>,
    pub avg_cost: Option<f64>,
}

impl Row {
    /// Ties count half, as in chess.
    pub fn win_rate(&self) -> Option<f64> {
        let n = self.wins + self.losses + self.ties;
        (n > 0).then(|| (f64::from(self.wins) + f64::from(self.ties) / 2.0) / f64::from(n))
    }
}

fn expected(a: f64, b: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((b - a) / 400.0))
}

/// Updates two ratings after a game: `score` is 1 for a win of `a`, 0.5 a draw, 0 a loss.
pub fn elo(a: f64, b: f64, score: f64) -> (f64, f64) {
    let ea = expected(a, b);
    (a + K * (score - ea), b + K * ((1.0 - score) - (1.0 - ea)))
}

/// The scoreboard, best rating first. A winner beats every other model in its round; a tie
/// draws them all; "all bad" is a loss for every model and moves no rating.
pub fn scoreboard(votes: &[Vote], answers: &[AnswerStat]) -> Vec<Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut entry = |m: &str| -> Row {
        rows.remove(m).unwrap_or_else(|| Row {
            model: m.to_string(),
            rating: START,
            ..Row::default()
        })
    };
    let mut table: BTreeMap<String, Row> = BTreeMap::new();
    for v in votes {
        for m in &v.models {
            if !table.contains_key(m) {
                table.insert(m.clone(), entry(m));
            }
        }
        match &v.verdict {
            Verdict::Winner(w) => {
                let Some(winner) = v.models.get(*w) else {
                    continue;
                };
                for (i, other) in v.models.iter().enumerate() {
                    if i == *w || other == winner {
                        continue;
                    }
                    let (ra, rb) = (table[winner].rating, table[other].rating);
                    let (na, nb) = elo(ra, rb, 1.0);
                    if let Some(r) = table.get_mut(winner) {
                        r.rating = na;
                    }
                    if let Some(r) = table.get_mut(other) {
                        r.rating = nb;
                        r.losses += 1;
                    }
                }
                if let Some(r) = table.get_mut(winner) {
                    r.wins += 1;
                }
            }
            Verdict::Tie => {
                for i in 0..v.models.len() {
                    for j in i + 1..v.models.len() {
                        let (a, b) = (&v.models[i], &v.models[j]);
                        if a == b {
                            continue;
                        }
                        let (na, nb) = elo(table[a].rating, table[b].rating, 0.5);
                        if let Some(r) = table.get_mut(a) {
                            r.rating = na;
                        }
                        if let Some(r) = table.get_mut(b) {
                            r.rating = nb;
                        }
                    }
                }
                for m in &v.models {
                    if let Some(r) = table.get_mut(m) {
                        r.ties += 1;
                    }
                }
            }
            Verdict::AllBad => {
                for m in &v.models {
                    if let Some(r) = table.get_mut(m) {
                        r.losses += 1;
                    }
                }
            }
        }
    }
    let mean = |xs: Vec<f64>| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    let mut models: Vec<String> = table.keys().cloned().collect();
    for a in answers {
        if !models.contains(&a.model) {
            models.push(a.model.clone());
        }
    }
    let mut out: Vec<Row> = models
        .into_iter()
        .map(|m| {
            let mut row = table.remove(&m).unwrap_or_else(|| entry(&m));
            let mine: Vec<&AnswerStat> = answers.iter().filter(|a| a.model == m).collect();
            row.answers = u32::try_from(mine.len()).unwrap_or(u32::MAX);
            row.avg_ttft_ms = mean(mine.iter().filter_map(|a| a.ttft_ms).collect());
            row.avg_tokens_per_s = mean(mine.iter().filter_map(|a| a.tokens_per_s).collect());
            row.avg_cost = mean(mine.iter().filter_map(|a| a.cost).collect());
            row
        })
        .collect();
    out.sort_by(|a, b| {
        b.rating
            .total_cmp(&a.rating)
            .then_with(|| a.model.cmp(&b.model))
    });
    out
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
    fn elo_arithmetic() {
        let (a, b) = elo(1000.0, 1000.0, 1.0);
        assert!((a - 1016.0).abs() < 1e-9 && (b - 984.0).abs() < 1e-9);
        let (a, b) = elo(1200.0, 1000.0, 0.0);
        // The favourite losing moves more: expected 0.76 → loses 24.3.
        assert!((a - 1175.69).abs() < 0.01, "{a}");
        assert!((b - 1024.31).abs() < 0.01, "{b}");
        let (a, b) = elo(1000.0, 1000.0, 0.5);
        assert_eq!((a, b), (1000.0, 1000.0));
    }

    #[test]
    fn winners_ties_and_all_bad_add_up() {
        let votes = vec![
            vote(&["a", "b", "c"], Verdict::Winner(0)),
            vote(&["a", "b", "c"], Verdict::Winner(1)),
            vote(&["a", "b", "c"], Verdict::Tie),
            vote(&["a", "b", "c"], Verdict::AllBad),
        ];
        let stats = vec![
            AnswerStat {
                model: "a".into(),
                ttft_ms: Some(100.0),
                tokens_per_s: Some(50.0),
                cost: Some(0.01),
            },
            AnswerStat {
                model: "a".into(),
                ttft_ms: Some(300.0),
                tokens_per_s: None,
                cost: Some(0.03),
            },
            AnswerStat {
                model: "d".into(),
                ttft_ms: None,
                tokens_per_s: None,
                cost: None,
            },
        ];
        let board = scoreboard(&votes, &stats);
        let row = |m: &str| board.iter().find(|r| r.model == m).unwrap().clone();
        assert_eq!((row("a").wins, row("a").losses, row("a").ties), (1, 2, 1));
        assert_eq!((row("b").wins, row("b").losses, row("b").ties), (1, 2, 1));
        assert_eq!((row("c").wins, row("c").losses, row("c").ties), (0, 3, 1));
        assert!(row("c").rating < START);
        assert_eq!(row("a").avg_ttft_ms, Some(200.0));
        assert_eq!(row("a").avg_cost, Some(0.02));
        assert_eq!(row("a").answers, 2);
        assert_eq!(row("d").rating, START, "answered but never judged");
        assert_eq!(row("a").win_rate(), Some(1.5 / 4.0));
        assert_eq!(board.last().unwrap().model, "c");
    }
}
