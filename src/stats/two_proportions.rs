//! Two proportions compared: the difference of two rates with Newcombe's
//! hybrid score interval, and Fisher's exact test of the 2×2 table. Used
//! for a rate against an earlier period's (环比, 同比) and for court against
//! arbitration.

use super::binomial::ln_gamma;
use super::wilson_interval;

/// The 95% (or `confidence`) interval of p1 − p2 by Newcombe's hybrid score
/// method (his method 10: Wilson intervals of each rate, no continuity
/// correction), as statsmodels'
/// `confint_proportions_2indep(method='newcomb')` computes it. None when
/// either rate has no trials.
pub fn newcombe_interval(
    k1: u64,
    n1: u64,
    k2: u64,
    n2: u64,
    confidence: f64,
) -> Option<(f64, f64)> {
    let (l1, u1) = wilson_interval(k1, n1, confidence)?;
    let (l2, u2) = wilson_interval(k2, n2, confidence)?;
    let p1 = k1 as f64 / n1 as f64;
    let p2 = k2 as f64 / n2 as f64;
    let d = p1 - p2;
    let low = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let high = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((low, high))
}

fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// Fisher's exact test, two-sided, of the table [[k1, n1 − k1], [k2, n2 −
/// k2]]: the probability, with the margins fixed, of a table at most as
/// likely as the one seen (within a relative 1e-7, as scipy's `fisher_exact`
/// and R's `fisher.test` count "as likely"). None when a row is empty.
pub fn fisher_exact_two_sided(k1: u64, n1: u64, k2: u64, n2: u64) -> Option<f64> {
    if n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2 {
        return None;
    }
    let total = n1 + n2;
    let successes = k1 + k2;
    // X = successes in row 1 is hypergeometric.
    let lo = successes.saturating_sub(n2);
    let hi = successes.min(n1);
    let denominator = ln_choose(total, n1);
    let ln_p =
        |x: u64| ln_choose(successes, x) + ln_choose(total - successes, n1 - x) - denominator;
    let observed = ln_p(k1);
    // Relative tolerance of "as likely", on the log scale.
    let threshold = observed + (1e-7f64).ln_1p();
    let mut p = 0.0;
    for x in lo..=hi {
        let l = ln_p(x);
        if l <= threshold {
            p += l.exp();
        }
    }
    Some(p.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check values of ../shared/spec/bulletin.md (statsmodels 0.14/0.15
    /// `confint_proportions_2indep(method='newcomb')`, scipy 1.17
    /// `fisher_exact`).
    /// k1, n1, k2, n2, difference, Newcombe low, high, Fisher p.
    type Case = (u64, u64, u64, u64, f64, f64, f64, f64);

    const CASES: [Case; 4] = [
        (54, 93, 40, 90, 0.136201, -0.008312, 0.272988, 0.0765494),
        (30, 40, 20, 40, 0.250000, 0.037889, 0.433296, 0.0368348),
        (6, 10, 2, 10, 0.400000, -0.022558, 0.672544, 0.169802),
        (
            120, 300, 150, 300, -0.100000, -0.177839, -0.020391, 0.0172482,
        ),
    ];

    #[test]
    fn newcombe_intervals_match_statsmodels() {
        for (k1, n1, k2, n2, d, lo, hi, _) in CASES {
            let diff = k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64;
            assert!((diff - d).abs() < 5e-7);
            let (l, h) = newcombe_interval(k1, n1, k2, n2, 0.95).unwrap();
            assert!((l - lo).abs() < 5e-7, "{k1}/{n1} vs {k2}/{n2}: {l}");
            assert!((h - hi).abs() < 5e-7, "{k1}/{n1} vs {k2}/{n2}: {h}");
        }
    }

    #[test]
    fn fisher_exact_matches_scipy() {
        for (k1, n1, k2, n2, _, _, _, p) in CASES {
            let got = fisher_exact_two_sided(k1, n1, k2, n2).unwrap();
            assert!((got - p).abs() / p < 1e-5, "{k1}/{n1} vs {k2}/{n2}: {got}");
        }
        // scipy.stats.fisher_exact([[54, 39], [40, 50]]).pvalue = 0.07654940288362824
        let got = fisher_exact_two_sided(54, 93, 40, 90).unwrap();
        assert!((got - 0.07654940288362824).abs() < 1e-12, "{got}");
    }

    #[test]
    fn equal_tables_and_empty_rows() {
        assert!((fisher_exact_two_sided(5, 10, 5, 10).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(fisher_exact_two_sided(0, 0, 1, 2), None);
        assert_eq!(newcombe_interval(1, 2, 0, 0, 0.95), None);
    }
}
