//! Ratings from pairwise outcomes: a Bradley–Terry fit on the Elo scale, and bootstrap
//! intervals around it. Unlike a running Elo, the fit does not depend on the order the votes
//! came in, so refitting to outcomes drawn again says how far the ratings could move.

use rand::{Rng, SeedableRng};

/// The rating of a model that has neither won nor lost: the reference every rating is
/// measured from.
pub const START: f64 = 1000.0;
/// Rating points per tenfold odds, as on the Elo scale: 400 points ahead wins 10 to 1.
const SCALE: f64 = 400.0;
/// Each model plays this many drawn games against a reference at `START`. Without it a model
/// that never lost would rate infinitely high after one vote; with it a handful of votes
/// moves a rating tens of points and many votes hundreds.
const PRIOR_GAMES: f64 = 1.0;
/// Resamples for an interval: enough for steady 2.5% and 97.5% points, few enough to
/// recompute on every vote.
pub const RESAMPLES: usize = 400;
/// One seed, so the same votes always give the same intervals.
const SEED: u64 = 0x005b_0a2d;

/// One pairwise game: `score` is what `a` got (1 a win, 0.5 a draw, 0 a loss).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Game {
    pub a: usize,
    pub b: usize,
    pub score: f64,
}

/// The maximum-likelihood Bradley–Terry ratings of `models` players, draws counting half a
/// win.
pub fn fit(models: usize, games: &[Game]) -> Vec<f64> {
    let mut played = vec![0.0f64; models * models];
    let mut scored = vec![PRIOR_GAMES / 2.0; models];
    for g in games {
        if g.a == g.b || g.a >= models || g.b >= models {
            continue;
        }
        played[g.a * models + g.b] += 1.0;
        played[g.b * models + g.a] += 1.0;
        scored[g.a] += g.score;
        scored[g.b] += 1.0 - g.score;
    }
    newton(models, &played, &scored)
        .iter()
        .map(|t| START + SCALE * t / std::f64::consts::LN_10)
        .collect()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Newton's method on the log-likelihood in natural log-strengths. The likelihood is concave
/// and, with every model tied to the reference by its prior game, strictly so: a few steps
/// reach the maximum where the textbook minorise–maximise iteration takes thousands when one
/// model wins nearly everything.
fn newton(models: usize, played: &[f64], scored: &[f64]) -> Vec<f64> {
    let mut theta = vec![0.0f64; models];
    let mut gradient = vec![0.0f64; models];
    let mut hessian = vec![0.0f64; models * models];
    for _ in 0..100 {
        for i in 0..models {
            let p = logistic(theta[i]);
            gradient[i] = scored[i] - PRIOR_GAMES * p;
            hessian[i * models + i] = PRIOR_GAMES * p * (1.0 - p);
            for j in 0..models {
                let n = played[i * models + j];
                if j == i {
                    continue;
                }
                hessian[i * models + j] = 0.0;
                if n > 0.0 {
                    let p = logistic(theta[i] - theta[j]);
                    gradient[i] -= n * p;
                    hessian[i * models + i] += n * p * (1.0 - p);
                    hessian[i * models + j] = -n * p * (1.0 - p);
                }
            }
        }
        // The negated Hessian is positive definite: solve it for the step.
        let Some(step) = solve(models, &hessian, &gradient) else {
            break;
        };
        // Far from the maximum a full step can overshoot; a log-strength moves at most 2 a
        // step (a factor of 7), which the next steps refine.
        let longest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        let scale = if longest > 2.0 { 2.0 / longest } else { 1.0 };
        for (t, s) in theta.iter_mut().zip(&step) {
            *t += s * scale;
        }
        if longest < 1e-10 {
            break;
        }
    }
    theta
}

/// Solves `a·x = b` for a symmetric positive definite `a` by Cholesky decomposition.
fn solve(n: usize, a: &[f64], b: &[f64]) -> Option<Vec<f64>> {
    let mut l = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - sum;
                if d.is_nan() || d <= 0.0 {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0f64; n];
    for i in 0..n {
        let sum: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - sum) / l[i * n + i];
    }
    let mut x = vec![0.0f64; n];
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - sum) / l[i * n + i];
    }
    Some(x)
}

/// The 95% interval of each rating, by parametric bootstrap: every game is played again with
/// its outcome drawn from the fitted ratings, the ratings are fitted to the new outcomes, and
/// the 2.5th and 97.5th percentiles of `RESAMPLES` such fits bound each rating. Redrawing the
/// outcomes (rather than the votes) keeps a handful of votes that all agree from looking
/// certain: one vote says little, and its interval says so.
pub fn intervals(models: usize, games: &[Game]) -> Vec<(f64, f64)> {
    if games.is_empty() {
        return vec![(START, START); models];
    }
    let fitted = fit(models, games);
    let win = |g: &Game| 1.0 / (1.0 + 10f64.powf((fitted[g.b] - fitted[g.a]) / SCALE));
    let odds: Vec<f64> = games.iter().map(win).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(RESAMPLES); models];
    let mut replayed = games.to_vec();
    for _ in 0..RESAMPLES {
        for (g, p) in replayed.iter_mut().zip(&odds) {
            g.score = if rng.gen_bool(p.clamp(0.0, 1.0)) {
                1.0
            } else {
                0.0
            };
        }
        for (m, r) in fit(models, &replayed).into_iter().enumerate() {
            samples[m].push(r);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            (percentile(&s, 0.025), percentile(&s, 0.975))
        })
        .collect()
}

/// Linear interpolation between the closest ranks, as most statistics packages do.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let at = p * last as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// Ranks in the way public leaderboards give them: one plus the number of models that are
/// ahead beyond doubt (their interval's low end above this one's high end). Models whose
/// intervals overlap share a rank.
pub fn ranks(intervals: &[(f64, f64)]) -> Vec<usize> {
    intervals
        .iter()
        .map(|(_, high)| 1 + intervals.iter().filter(|(low, _)| low > high).count())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn games(list: &[(usize, usize, f64, usize)]) -> Vec<Game> {
        list.iter()
            .flat_map(|&(a, b, score, times)| std::iter::repeat(Game { a, b, score }).take(times))
            .collect()
    }

    // The expected figures were computed apart from this code, by plain gradient ascent on
    // the same likelihood (each pair's games as Bernoulli trials at the logistic of the
    // rating difference, draws as half a success, plus one drawn game per model against a
    // fixed player at 1000), run to a gradient under 1e-12.

    #[test]
    fn two_models_match_the_likelihood_maximum() {
        // a beat b three times, b beat a once.
        let r = fit(2, &games(&[(0, 1, 1.0, 3), (0, 1, 0.0, 1)]));
        assert!((r[0] - 1082.4193).abs() < 1e-3, "{r:?}");
        assert!((r[1] - 917.5807).abs() < 1e-3, "{r:?}");
    }

    #[test]
    fn three_models_with_draws_match_the_likelihood_maximum() {
        let r = fit(
            3,
            &games(&[
                (0, 1, 1.0, 4),
                (1, 0, 1.0, 2),
                (0, 2, 1.0, 3),
                (0, 2, 0.5, 2),
                (1, 2, 1.0, 2),
                (2, 1, 1.0, 2),
                (1, 2, 0.5, 1),
            ]),
        );
        let want = [1107.6940, 963.4179, 931.1892];
        for (got, want) in r.iter().zip(want) {
            assert!((got - want).abs() < 1e-3, "{r:?}");
        }
    }

    #[test]
    fn the_order_of_the_games_does_not_matter_and_no_games_is_the_start() {
        let mut g = games(&[(0, 1, 1.0, 5), (1, 2, 1.0, 2), (2, 0, 0.5, 3)]);
        let a = fit(3, &g);
        g.reverse();
        let b = fit(3, &g);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-9);
        }
        assert_eq!(fit(2, &[]), vec![START, START]);
    }

    #[test]
    fn intervals_hold_the_fit_and_narrow_with_more_votes() {
        let few = games(&[(0, 1, 1.0, 2), (0, 1, 0.0, 1)]);
        let many: Vec<Game> = few.iter().cycle().take(60).copied().collect();
        let r = fit(2, &few);
        let (wide, narrow) = (intervals(2, &few), intervals(2, &many));
        assert!(wide[0].0 <= r[0] && r[0] <= wide[0].1, "{wide:?} {r:?}");
        assert!(narrow[0].1 - narrow[0].0 < wide[0].1 - wide[0].0);
        // Seeded: the same votes give the same intervals.
        assert_eq!(intervals(2, &few), wide);
    }

    #[test]
    fn one_vote_is_not_certain() {
        let one = intervals(
            2,
            &[Game {
                a: 0,
                b: 1,
                score: 1.0,
            }],
        );
        assert!(one[0].0 < one[1].1, "the intervals overlap: {one:?}");
        let lopsided = intervals(2, &games(&[(0, 1, 1.0, 40)]));
        assert!(
            lopsided[0].0 > lopsided[1].1,
            "forty to none tells them apart: {lopsided:?}"
        );
    }

    #[test]
    fn overlapping_intervals_share_a_rank() {
        let r = ranks(&[(1100.0, 1200.0), (1050.0, 1150.0), (900.0, 1000.0)]);
        assert_eq!(r, vec![1, 1, 3]);
    }

    #[test]
    fn percentiles_interpolate() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&s, 0.5), 3.0);
        assert!((percentile(&s, 0.025) - 1.1).abs() < 1e-12);
        assert!((percentile(&s, 0.975) - 4.9).abs() < 1e-12);
    }
}
