//! What the scoreboard shows besides the ratings: the judge's board with its agreement with
//! the votes, and each rerun with how its answers spread.

use super::PaneId;

/// One rerun ×N: the same prompt to the same model in `panes`, in one round.
#[derive(Clone, Debug)]
pub struct Rerun {
    pub model: String,
    pub prompt: String,
    pub round: u64,
    pub panes: Vec<PaneId>,
    /// Its figures were told when the last answer came in.
    pub told: bool,
}

/// The scoreboard as the judge rates the models, and how often it agrees with the votes.
#[derive(Clone, Debug, PartialEq)]
pub struct JudgeBoard {
    pub judge: String,
    pub rows: Vec<crate::judge::Row>,
    /// Rounds both voted on and judged: how many got the same verdict, of how many.
    pub agreement: (usize, usize),
}

/// A rerun's answers summed up: pass rate and the spread of the figures.
#[derive(Clone, Debug, PartialEq)]
pub struct RerunSpread {
    pub model: String,
    pub prompt: String,
    pub spread: crate::judge::Spread,
}
