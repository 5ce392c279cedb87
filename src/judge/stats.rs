//! Figures with their uncertainty: a proportion's Wilson interval and a mean's 95% interval,
//! so a scoreboard can say when two models are not told apart yet.

/// The 95% two-sided z value.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Student's t for a 95% two-sided interval, by degrees of freedom (1…30); the normal value
/// beyond.
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The Wilson score interval for `successes` out of `n` at `z`: unlike the plain
/// `p ± z·se`, it stays inside 0…1 and is honest for small `n` and for 0 or `n` successes.
/// `successes` may be fractional: a draw counts half.
pub fn wilson(successes: f64, n: f64, z: f64) -> Option<(f64, f64)> {
    if !(n > 0.0 && (0.0..=n).contains(&successes)) {
        return None;
    }
    let p = successes / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// A mean and its 95% interval (Student's t on the sample's standard deviation). One sample
/// has a mean but no interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub n: usize,
}

pub fn mean_ci(samples: &[f64]) -> Option<Estimate> {
    let n = samples.len();
    if n == 0 || samples.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(Estimate {
            mean,
            low: mean,
            high: mean,
            n,
        });
    }
    let var = samples.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = T95.get(n - 2).copied().unwrap_or(Z95);
    let half = t * (var / n as f64).sqrt();
    Some(Estimate {
        mean,
        low: mean - half,
        high: mean + half,
        n,
    })
}

/// Whether two intervals overlap: the figures do not yet tell the two apart.
pub fn overlap(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn wilson_matches_published_values() {
        // 8 of 10 at 95%: 0.4902 to 0.9433 (Newcombe 1998, method 3).
        let (lo, hi) = wilson(8.0, 10.0, Z95).unwrap();
        assert!(
            close(lo, 0.4902, 5e-4) && close(hi, 0.9433, 5e-4),
            "{lo} {hi}"
        );
        // 0 of 20: the lower end is 0, the upper 0.1611.
        let (lo, hi) = wilson(0.0, 20.0, Z95).unwrap();
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.1611, 5e-4), "{hi}");
        // All of them: the upper end is 1.
        assert_eq!(wilson(5.0, 5.0, Z95).unwrap().1, 1.0);
        assert!(wilson(1.0, 0.0, Z95).is_none() && wilson(3.0, 2.0, Z95).is_none());
    }

    #[test]
    fn means_carry_student_intervals() {
        // 1…5: mean 3, s = 1.5811, se = 0.7071, t(4) = 2.776, so 3 ± 1.9630.
        let e = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!(close(e.mean, 3.0, 1e-12));
        assert!(
            close(e.low, 1.0370, 1e-3) && close(e.high, 4.9630, 1e-3),
            "{e:?}"
        );
        let one = mean_ci(&[7.0]).unwrap();
        assert_eq!((one.low, one.high), (7.0, 7.0));
        assert!(mean_ci(&[]).is_none() && mean_ci(&[1.0, f64::NAN]).is_none());
        // Past 31 samples the normal value takes over.
        let many: Vec<f64> = (0..100).map(|i| (i % 2) as f64).collect();
        let e = mean_ci(&many).unwrap();
        let se = (many.iter().map(|v| (v - 0.5).powi(2)).sum::<f64>() / 99.0 / 100.0).sqrt();
        assert!(close(e.high - e.mean, Z95 * se, 1e-9));
    }

    #[test]
    fn overlapping_intervals_do_not_tell_apart() {
        assert!(overlap((0.2, 0.5), (0.4, 0.9)));
        assert!(!overlap((0.1, 0.3), (0.4, 0.9)));
    }
}
