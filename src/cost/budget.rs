//! Spending limits: refuse a round that could cross one, stop streams that do.

use super::price::money;

#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub session_usd: Option<f64>,
    pub daily_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    /// Fractions of the session budget where the gauge changes colour.
    pub warn: [f64; 2],
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            session_usd: None,
            daily_usd: None,
            monthly_usd: None,
            warn: [0.5, 0.8],
        }
    }
}

/// Money spent so far, each total including the ones inside it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spent {
    pub session: f64,
    pub day: f64,
    pub month: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Session,
    Daily,
    Monthly,
}

impl Limit {
    pub fn name(self) -> &'static str {
        match self {
            Limit::Session => "session",
            Limit::Daily => "daily",
            Limit::Monthly => "monthly",
        }
    }
}

/// A limit that spending (plus `extra`) would exceed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Breach {
    pub limit: Limit,
    pub cap: f64,
    pub spent: f64,
    pub extra: f64,
}

impl Breach {
    pub fn over_by(&self) -> f64 {
        self.spent + self.extra - self.cap
    }

    /// For a refused round.
    pub fn refusal(&self) -> String {
        format!(
            "not sent: this round could cost up to {}, {} over the {} budget ({} of {} spent)",
            money(self.extra),
            money(self.over_by()),
            self.limit.name(),
            money(self.spent),
            money(self.cap)
        )
    }
}

/// Where the session gauge stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    High,
    Over,
}

impl Budget {
    pub fn is_set(&self) -> bool {
        self.session_usd.is_some() || self.daily_usd.is_some() || self.monthly_usd.is_some()
    }

    /// The first limit that `spent` plus `extra` exceeds, if any. Reaching a limit exactly is
    /// allowed; crossing it is not.
    pub fn check(&self, spent: Spent, extra: f64) -> Option<Breach> {
        let limits = [
            (Limit::Session, self.session_usd, spent.session),
            (Limit::Daily, self.daily_usd, spent.day),
            (Limit::Monthly, self.monthly_usd, spent.month),
        ];
        limits.into_iter().find_map(|(limit, cap, spent)| {
            let cap = cap?;
            // A hair of slack so float noise never refuses a round that fits to the cent.
            (spent + extra > cap + 1e-12).then_some(Breach {
                limit,
                cap,
                spent,
                extra,
            })
        })
    }

    pub fn level(&self, spent: f64) -> Level {
        let Some(cap) = self.session_usd else {
            return Level::Ok;
        };
        if cap <= 0.0 || spent >= cap {
            return if spent > 0.0 || cap <= 0.0 {
                Level::Over
            } else {
                Level::Ok
            };
        }
        let f = spent / cap;
        if f >= self.warn[1] {
            Level::High
        } else if f >= self.warn[0] {
            Level::Warn
        } else {
            Level::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        Budget {
            session_usd: Some(1.0),
            daily_usd: Some(2.0),
            monthly_usd: Some(10.0),
            ..Budget::default()
        }
    }

    #[test]
    fn first_limit_crossed_is_named_with_the_excess() {
        let spent = Spent {
            session: 0.2,
            day: 1.9,
            month: 5.0,
        };
        assert_eq!(budget().check(spent, 0.05), None);
        let b = budget().check(spent, 0.3).unwrap();
        assert_eq!(b.limit, Limit::Daily);
        assert!((b.over_by() - 0.2).abs() < 1e-12);
        assert_eq!(
            b.refusal(),
            "not sent: this round could cost up to $0.3000, $0.2000 over the daily budget ($1.90 of $2.00 spent)"
        );
        assert_eq!(
            budget().check(spent, 0.1),
            None,
            "reaching a limit exactly is fine"
        );
    }

    #[test]
    fn no_budget_never_refuses() {
        let spent = Spent {
            session: 1e6,
            day: 1e6,
            month: 1e6,
        };
        assert_eq!(Budget::default().check(spent, 1e6), None);
        assert!(!Budget::default().is_set());
    }

    #[test]
    fn gauge_levels_at_thresholds() {
        let b = budget();
        assert_eq!(b.level(0.0), Level::Ok);
        assert_eq!(b.level(0.49), Level::Ok);
        assert_eq!(b.level(0.5), Level::Warn);
        assert_eq!(b.level(0.8), Level::High);
        assert_eq!(b.level(1.0), Level::Over);
        assert_eq!(Budget::default().level(5.0), Level::Ok);
    }
}
