//! A suite opened in the playground: which case is on screen, which rounds sent which case,
//! and each pane's pass or fail once a round's answers (and their rubric scores) are in.

use std::collections::{BTreeMap, BTreeSet};

use super::PaneId;
use crate::suite::Suite;

#[derive(Clone, Debug)]
pub struct SuiteRun {
    pub suite: Suite,
    /// The case last sent, from 0.
    pub at: Option<usize>,
    /// Each round the suite sent, and its case.
    pub rounds: BTreeMap<u64, usize>,
    /// Rounds whose rubric scores were asked for.
    pub judging: BTreeSet<u64>,
    /// Rounds graded.
    pub graded: BTreeSet<u64>,
    pub badges: BTreeMap<(u64, PaneId), Badge>,
}

impl SuiteRun {
    pub fn new(suite: Suite) -> Self {
        SuiteRun {
            suite,
            at: None,
            rounds: BTreeMap::new(),
            judging: BTreeSet::new(),
            graded: BTreeSet::new(),
            badges: BTreeMap::new(),
        }
    }
}

/// A pane's result on a case: passed, or the failing assertion and what was wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Badge {
    pub pass: bool,
    pub text: String,
}
