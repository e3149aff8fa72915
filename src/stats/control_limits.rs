//! Control limits of a funnel plot for proportions (Spiegelhalter, "Funnel
//! plots for comparing institutional performance", Statistics in Medicine
//! 24, 2005, appendix A.1.1): the exact binomial limits around a target,
//! interpolated so that they run smoothly with the number of cases.

use super::binomial::binomial_cdf;

/// The `q`-quantile limit of the observed proportion for `trials` cases
/// when the true rate is `target`.
///
/// `r` is the smallest count with `P(R <= r) >= q` for `R ~ Bin(n, target)`;
/// the limit is `(r - a) / n` with `a = (P(R <= r) - q) / (P(R <= r) -
/// P(R <= r - 1))`, Spiegelhalter's interpolation. `None` when there are no
/// trials or `target`/`q` lie outside (0, 1).
pub fn funnel_limit(trials: u64, target: f64, q: f64) -> Option<f64> {
    if trials == 0 || !(target > 0.0 && target < 1.0) || !(q > 0.0 && q < 1.0) {
        return None;
    }
    let n = i64::try_from(trials).ok()?;
    let cdf = |r: i64| binomial_cdf(r, n, target, 1.0 - target);
    // Smallest r in 0..=n with cdf(r) >= q; cdf(n) = 1 >= q always.
    let (mut lo, mut hi) = (0_i64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if cdf(mid) >= q {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let r = lo;
    let (at, below) = (cdf(r), cdf(r - 1));
    let a = if at > below {
        (at - q) / (at - below)
    } else {
        0.0
    };
    Some((r as f64 - a) / trials as f64)
}

/// The two-sided limits that hold `coverage` of the outcomes (0.95 gives the
/// 2.5% and 97.5% limits; 0.998 the 0.1% and 99.9% ones).
pub fn funnel_limits(trials: u64, target: f64, coverage: f64) -> Option<(f64, f64)> {
    let tail = (1.0 - coverage) / 2.0;
    Some((
        funnel_limit(trials, target, tail)?,
        funnel_limit(trials, target, 1.0 - tail)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference: scipy 1.17.1, with r = binom.ppf(q, n, p0),
    // a = (binom.cdf(r) - q) / (binom.cdf(r) - binom.cdf(r - 1)), (r - a) / n.
    const SCIPY: [(u64, f64, f64, f64); 14] = [
        (10, 0.5, 0.001, 0.00024000000000000686),
        (10, 0.5, 0.025, 0.13244444444444445),
        (10, 0.5, 0.975, 0.7675555555555555),
        (10, 0.5, 0.999, 0.89976),
        (37, 0.5, 0.001, 0.2348348326441548),
        (37, 0.5, 0.025, 0.3258721905248995),
        (37, 0.5, 0.975, 0.6471007824480735),
        (37, 0.5, 0.999, 0.7381381403288182),
        (100, 0.5, 0.025, 0.396824041726007),
        (100, 0.5, 0.999, 0.6487841162774984),
        (1000, 0.5, 0.001, 0.4506521959963338),
        (1000, 0.5, 0.975, 0.5304979048022501),
        (50, 0.3, 0.025, 0.16613938031193454),
        (50, 0.3, 0.999, 0.49906958854803607),
    ];

    #[test]
    fn limits_match_scipy() {
        for (n, p0, q, want) in SCIPY {
            let got = funnel_limit(n, p0, q).unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "n={n} p0={p0} q={q}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn limits_narrow_as_cases_grow_and_bracket_the_target() {
        let mut last_width = f64::INFINITY;
        for n in [5, 20, 80, 320, 1280] {
            let (lo, hi) = funnel_limits(n, 0.5, 0.998).unwrap();
            assert!(lo < 0.5 && hi > 0.5);
            assert!(hi - lo < last_width);
            last_width = hi - lo;
            let (lo95, hi95) = funnel_limits(n, 0.5, 0.95).unwrap();
            assert!(
                lo <= lo95 && hi95 <= hi,
                "99.8% limits lie outside the 95% ones"
            );
        }
    }

    #[test]
    fn no_limits_without_cases() {
        assert_eq!(funnel_limits(0, 0.5, 0.95), None);
        assert_eq!(funnel_limit(10, 1.0, 0.5), None);
    }
}
