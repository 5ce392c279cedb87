//! Money spent: settled totals for the session, the day and the month, and the key's credit.

use chrono::{Datelike, NaiveDate};

use crate::cost::ledger::SpendRecord;
use crate::model::answer::{Answer, CostView};

/// Totals of settled answers (finished, failed or cancelled). Live answers are added on top.
#[derive(Clone, Debug, PartialEq)]
pub struct SpendState {
    /// The local date the day total belongs to.
    pub date: NaiveDate,
    pub session: f64,
    pub day: f64,
    pub month: f64,
}

impl SpendState {
    /// Starts from the ledger's totals for `date`.
    pub fn new(date: NaiveDate, day: f64, month: f64) -> Self {
        Self {
            date,
            session: 0.0,
            day,
            month,
        }
    }

    /// Past midnight the day starts from zero; past a month's end, so does the month.
    pub fn roll(&mut self, today: NaiveDate) {
        if today == self.date {
            return;
        }
        if (today.year(), today.month()) != (self.date.year(), self.date.month()) {
            self.month = 0.0;
        }
        self.day = 0.0;
        self.date = today;
    }

    pub fn add(&mut self, usd: f64) {
        self.session += usd;
        self.day += usd;
        self.month += usd;
    }
}

pub use crate::provider::account::KeyStatus;

/// The ledger row for a settled answer.
pub fn record(
    answer: &Answer,
    provider: &str,
    model: &str,
    at: i64,
    day: NaiveDate,
) -> SpendRecord {
    let cost = answer.cost();
    SpendRecord {
        at,
        day,
        provider: provider.to_string(),
        model: model.to_string(),
        served_model: answer.served_model.clone(),
        served_provider: answer.served_provider.clone(),
        prompt_tokens: Some(answer.prompt_tokens().0),
        completion_tokens: answer.tokens().0,
        cost: match cost {
            CostView::Unpriced => None,
            c => Some(c.usd()),
        },
        reported: matches!(cost, CostView::Reported(_) | CostView::Billed(_)),
        status: answer.status.label().to_string(),
        generation_id: answer.generation_id.clone(),
        purpose: crate::cost::ledger::Purpose::Answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn midnight_resets_the_day_and_month_end_the_month() {
        let mut s = SpendState::new(d(2026, 11, 30), 1.0, 5.0);
        s.add(0.5);
        assert_eq!((s.session, s.day, s.month), (0.5, 1.5, 5.5));
        s.roll(d(2026, 11, 30));
        assert_eq!(s.day, 1.5);
        s.roll(d(2026, 12, 1));
        assert_eq!((s.session, s.day, s.month), (0.5, 0.0, 0.0));
        s.add(0.25);
        s.roll(d(2026, 12, 2));
        assert_eq!((s.session, s.day, s.month), (0.75, 0.0, 0.25));
    }
}
