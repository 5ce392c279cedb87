//! How a set of answers to the same thing spread: how many came through (with a Wilson
//! interval on that rate), and the mean and 95% interval of their time to first token, speed
//! and cost. A run's `--repeat`, the playground's rerun ×N and the scoreboard's columns all
//! read it the same way.

use super::stats::{self, Estimate};

/// One answer's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    /// It finished: its figures count.
    pub ok: bool,
    /// It passed: it finished, and in a suite its case's assertions held.
    pub passed: bool,
    pub ttft_ms: Option<f64>,
    pub tokens_per_s: Option<f64>,
    pub cost: Option<f64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    pub n: usize,
    /// How many passed.
    pub ok: usize,
    pub ttft_ms: Option<Estimate>,
    pub tokens_per_s: Option<Estimate>,
    pub cost: Option<Estimate>,
}

impl Spread {
    /// The figures are those of the answers that came through: a refusal's zero cost or a
    /// cut-off answer's speed would only blur them; the pass rate counts them all.
    pub fn of<'a>(samples: impl IntoIterator<Item = &'a Sample>) -> Self {
        let samples: Vec<&Sample> = samples.into_iter().collect();
        let figures = |f: fn(&Sample) -> Option<f64>| {
            let values: Vec<f64> = samples
                .iter()
                .filter(|s| s.ok)
                .filter_map(|s| f(s))
                .collect();
            stats::mean_ci(&values)
        };
        Spread {
            n: samples.len(),
            ok: samples.iter().filter(|s| s.passed).count(),
            ttft_ms: figures(|s| s.ttft_ms),
            tokens_per_s: figures(|s| s.tokens_per_s),
            cost: figures(|s| s.cost),
        }
    }

    /// The share that came through (or passed), with its 95% Wilson interval.
    pub fn pass(&self) -> Option<(f64, (f64, f64))> {
        let (ok, n) = (self.ok as f64, self.n as f64);
        stats::wilson(ok, n, stats::Z95).map(|iv| (ok / n, iv))
    }
}

/// `mean ±half`; the mean alone for one sample, or for samples all alike.
fn plus_minus(e: &Estimate, show: impl Fn(f64) -> String) -> String {
    if e.n < 2 || e.high <= e.mean {
        show(e.mean)
    } else {
        format!("{} ±{}", show(e.mean), show(e.high - e.mean))
    }
}

pub fn ms(e: &Estimate) -> String {
    format!("{} ms", plus_minus(e, |v| format!("{v:.0}")))
}

/// `252 ±8 tok/s`.
pub fn speed(e: &Estimate) -> String {
    format!("{} tok/s", rate(e))
}

pub fn rate(e: &Estimate) -> String {
    plus_minus(e, |v| format!("{v:.0}"))
}

pub fn usd(e: &Estimate) -> String {
    plus_minus(e, crate::cost::money)
}

/// `4/5 (38–96%)`: how many of how many, and the interval on the rate.
pub fn pass(s: &Spread) -> String {
    match s.pass() {
        Some((_, (lo, hi))) if s.n > 1 => {
            format!("{}/{} ({:.0}–{:.0}%)", s.ok, s.n, lo * 100.0, hi * 100.0)
        }
        _ => format!("{}/{}", s.ok, s.n),
    }
}

/// One line for a group of answers: pass rate, then the figures that were measured.
pub fn line(s: &Spread) -> String {
    let mut parts = vec![format!("{} ok", pass(s))];
    if let Some(e) = &s.ttft_ms {
        parts.push(format!("ttft {}", ms(e)));
    }
    if let Some(e) = &s.tokens_per_s {
        parts.push(speed(e));
    }
    if let Some(e) = &s.cost {
        parts.push(usd(e));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ok: bool, ttft: f64, tps: Option<f64>) -> Sample {
        Sample {
            ok,
            passed: ok,
            ttft_ms: Some(ttft),
            tokens_per_s: tps,
            cost: None,
        }
    }

    #[test]
    fn a_spread_counts_and_averages_with_intervals() {
        let s = Spread::of(&[
            sample(true, 100.0, Some(50.0)),
            sample(true, 200.0, Some(70.0)),
            sample(true, 300.0, None),
            sample(false, 400.0, None),
            sample(true, 500.0, None),
        ]);
        assert_eq!((s.n, s.ok), (5, 4));
        // The four that came through, 100, 200, 300 and 500: mean 275, s = 170.78,
        // se = 85.39, t(3) = 3.182: ±271.7.
        let t = s.ttft_ms.unwrap();
        assert!(
            (t.mean - 275.0).abs() < 1e-9 && (t.high - 546.71).abs() < 0.01,
            "{t:?}"
        );
        assert_eq!(s.tokens_per_s.unwrap().n, 2);
        assert!(s.cost.is_none());
        let (rate, (lo, hi)) = s.pass().unwrap();
        // Wilson, 4 of 5: 0.3755 to 0.9638.
        assert!(rate == 0.8 && (lo - 0.3755).abs() < 5e-4 && (hi - 0.9638).abs() < 5e-4);
        assert_eq!(
            line(&s),
            "4/5 (38–96%) ok · ttft 275 ±272 ms · 60 ±127 tok/s"
        );
        assert_eq!(
            line(&Spread::of(&[sample(true, 120.0, None)])),
            "1/1 ok · ttft 120 ms"
        );
        assert_eq!(Spread::of(&[]).pass(), None);
    }
}
