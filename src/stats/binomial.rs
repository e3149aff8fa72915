//! Exact two-sided binomial test, reproducing `scipy.stats.binomtest`.
//!
//! The tail sums are taken from the regularized incomplete beta function
//! rather than by adding pmf terms, so the cost stays small (a binary search
//! plus two continued fractions of about sqrt(n) steps) even for millions of
//! trials, and tiny tail probabilities keep their relative accuracy.

/// Exact two-sided binomial test p-value for `successes` out of `trials`
/// under the null success probability `p`.
///
/// Computed exactly as `scipy.stats.binomtest(k, n, p, alternative="two-sided")`
/// does (which agrees with R's `binom.test`): the p-value is the total
/// probability of all outcomes whose pmf is at most `pmf(k) * (1 + 1e-7)`
/// (the relative slack absorbs rounding between mathematically equal terms),
/// where the cut-off on the far side of the mode is found by binary search,
/// and the sum is clipped to 1. As in scipy, `k == n * p` gives exactly 1,
/// and with `p == 0` or `p == 1` any impossible outcome gives 0.
///
/// Returns `None` when `trials == 0` (no test possible), when
/// `successes > trials`, or when `p` is not in `[0, 1]`.
pub fn binomial_test_two_sided(successes: u64, trials: u64, p: f64) -> Option<f64> {
    if trials == 0 || successes > trials || !(0.0..=1.0).contains(&p) {
        return None;
    }
    // Signed indices because scipy's search can step to -1 ("nothing on this
    // side"); no realistic trial count comes near i64::MAX.
    let n = i64::try_from(trials).ok()?;
    let k = successes as i64;
    let q = 1.0 - p;
    let pmf = |x: i64| binomial_pmf(x, n, p, q);
    let threshold = pmf(k) * (1.0 + 1e-7);
    let expected = p * trials as f64;
    let k_f = k as f64;

    let pvalue = if k_f == expected {
        1.0
    } else if k_f < expected {
        // Upper side of the mode, where the pmf decreases: negate it so the
        // searched sequence ascends, as scipy does.
        let ix = binary_search_tail(|x| -pmf(x), -threshold, expected.ceil() as i64, n);
        let y = n - ix + i64::from(threshold == pmf(ix));
        binomial_cdf(k, n, p, q) + binomial_sf(n - y, n, p, q)
    } else {
        // Lower side of the mode, where the pmf increases.
        let ix = binary_search_tail(pmf, threshold, 0, expected.floor() as i64);
        let y = ix + 1;
        binomial_cdf(y - 1, n, p, q) + binomial_sf(k - 1, n, p, q)
    };
    Some(pvalue.min(1.0))
}

/// scipy's `_binary_search_for_binom_tst`: on `lo..=hi`, where `a` ascends,
/// returns the index `i` with `a(i) <= d < a(i + 1)` (possibly `lo - 1`).
///
/// Kept step for step identical to scipy so the tie handling (and therefore the
/// p-value) is the same in every edge case.
fn binary_search_tail(a: impl Fn(i64) -> f64, d: f64, mut lo: i64, mut hi: i64) -> i64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let midval = a(mid);
        if midval < d {
            lo = mid + 1;
        } else if midval > d {
            hi = mid - 1;
        } else {
            return mid;
        }
    }
    if a(lo) <= d { lo } else { lo - 1 }
}

/// Binomial probability mass `P(X = x)` for `X ~ Bin(n, p)`, with `q = 1 - p`;
/// zero outside `0..=n`.
fn binomial_pmf(x: i64, n: i64, p: f64, q: f64) -> f64 {
    if x < 0 || x > n {
        return 0.0;
    }
    binomial_density(x as f64, n as f64, p, q)
}

/// Lower tail `P(X <= x)` for `X ~ Bin(n, p)`: `I_{1-p}(n - x, x + 1)`.
pub(crate) fn binomial_cdf(x: i64, n: i64, p: f64, q: f64) -> f64 {
    if x < 0 {
        0.0
    } else if x >= n {
        1.0
    } else {
        regularized_beta_pair((x + 1) as f64, (n - x) as f64, p, q).1
    }
}

/// Upper tail `P(X > x)` for `X ~ Bin(n, p)`: `I_p(x + 1, n - x)`.
fn binomial_sf(x: i64, n: i64, p: f64, q: f64) -> f64 {
    if x < 0 {
        1.0
    } else if x >= n {
        0.0
    } else {
        regularized_beta_pair((x + 1) as f64, (n - x) as f64, p, q).0
    }
}

/// `(I_x(a, b), 1 - I_x(a, b))`, the regularized incomplete beta function and
/// its complement, for `a, b >= 1` and `y = 1 - x` (both given, so neither is
/// recomputed by a cancelling subtraction).
///
/// The continued fraction is evaluated for whichever of `I` and `1 - I` is
/// the lower tail (below the mean), which is where it converges fast and the
/// value is the smaller one, so both outputs keep full relative accuracy where
/// they are small (the tails that p-values need).
fn regularized_beta_pair(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    // Closed forms: I_x(1, b) = 1 - y^b and I_x(a, 1) = x^a. The continued
    // fraction below needs a, b > 1. Logs are taken of whichever of x, y is
    // the small one, as that one carries the full precision.
    if a == 1.0 {
        let ln_y = if x < 0.5 { (-x).ln_1p() } else { y.ln() };
        return (-(b * ln_y).exp_m1(), (b * ln_y).exp());
    }
    if b == 1.0 {
        let ln_x = if y < 0.5 { (-y).ln_1p() } else { x.ln() };
        return ((a * ln_x).exp(), -(a * ln_x).exp_m1());
    }
    // lambda = a - (a + b) x is the distance below the mean; written through
    // y when a > b so the subtraction cancels the smaller numbers.
    let lambda = if a > b {
        (a + b) * y - b
    } else {
        a - (a + b) * x
    };
    if lambda >= 0.0 {
        let i = beta_continued_fraction(a, b, x, y, lambda);
        (i, 1.0 - i)
    } else {
        let ic = beta_continued_fraction(b, a, y, x, -lambda);
        (1.0 - ic, ic)
    }
}

/// `I_x(a, b)` for `a, b > 1` and `x` at or below the mean, by the continued
/// fraction of DiDonato & Morris (TOMS 708, `BFRAC`), evaluated by normalized
/// forward recurrence; `lambda = a - (a + b) x >= 0`.
///
/// This form is used rather than Numerical Recipes' `betacf` because it
/// enters `x` only through `lambda` and `1 + y`: with `a` in the millions and
/// `x` near 1, `betacf`'s `1 + aa * d` steps cancel and lose about
/// `eps / (1 - x)`, i.e. 1e-11 relative, while this stays near 1e-15.
/// It needs O(sqrt(min(a, b))) iterations close to the mean (about 1,000 for
/// ten million trials), so the cap is generous and only guards against a
/// non-terminating loop.
fn beta_continued_fraction(a: f64, b: f64, x: f64, y: f64, lambda: f64) -> f64 {
    const EPS: f64 = 1e-15;
    // x^a y^b / B(a, b), written through a binomial density so that it is
    // computed without the catastrophic cancellation of ln-gamma differences
    // when a and b are in the millions.
    let kernel = (a + b - 1.0) * x * y * binomial_density(a - 1.0, a + b - 2.0, x, y);
    if kernel == 0.0 {
        return 0.0;
    }
    let max_iter = 1000.0 + 100.0 * a.min(b).sqrt();

    let c = lambda + 1.0;
    let c0 = b / a;
    let c1 = 1.0 / a + 1.0;
    let yp1 = y + 1.0;
    let mut n = 0.0;
    let mut p = 1.0;
    let mut s = a + 1.0;
    let (mut an, mut bn) = (0.0, 1.0);
    let (mut anp1, mut bnp1) = (1.0, c / c1);
    let mut r = c1 / c;
    while n < max_iter {
        n += 1.0;
        let t = n / a;
        let w = n * (b - n) * x;
        let e = a / s;
        let alpha = p * (p + c0) * e * e * (w * x);
        let e = (t + 1.0) / (c1 + t + t);
        let beta = n + w / s + e * (c + n * yp1);
        p = t + 1.0;
        s += 2.0;

        let next_a = alpha * an + beta * anp1;
        an = anp1;
        anp1 = next_a;
        let next_b = alpha * bn + beta * bnp1;
        bn = bnp1;
        bnp1 = next_b;

        let previous = r;
        r = anp1 / bnp1;
        if (r - previous).abs() <= EPS * r {
            break;
        }
        // Rescale so the recurrence neither overflows nor underflows.
        an /= bnp1;
        bn /= bnp1;
        anp1 = r;
        bnp1 = 1.0;
    }
    kernel * r
}

const LN_2PI: f64 = 1.837_877_066_409_345_5;
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Binomial density `C(n, x) p^x q^(n-x)` for real `0 <= x <= n`, `q = 1 - p`
/// (Loader's saddle-point form, as R's `dbinom_raw`).
///
/// Written as Stirling corrections plus deviance terms, every piece is small
/// and accurate, so the result is good to ~1e-14 relative even for n in the
/// millions, where `ln_gamma(n+1) - ln_gamma(x+1) - ...` would lose about
/// seven digits to cancellation.
fn binomial_density(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 1.0 } else { 0.0 };
    }
    if q == 0.0 {
        return if x == n { 1.0 } else { 0.0 };
    }
    if x == 0.0 {
        if n == 0.0 {
            return 1.0;
        }
        // For small p, n*ln(q) would lose the digits of p hidden in q = 1 - p.
        let lc = if p < 0.1 {
            -deviance(n, n, q) - n * p
        } else {
            n * q.ln()
        };
        return lc.exp();
    }
    if x == n {
        let lc = if q < 0.1 {
            -deviance(n, n, p) - n * q
        } else {
            n * p.ln()
        };
        return lc.exp();
    }
    if x < 0.0 || x > n {
        return 0.0;
    }
    let lc = stirling_error(n)
        - stirling_error(x)
        - stirling_error(n - x)
        - deviance(x, n, p)
        - deviance(n - x, n, q);
    // ln((n - x) / n): ln_1p(-x/n) is exact-ish only while x/n is not near 1;
    // beyond that, n - x is computed exactly and divided instead.
    let ln_rest = if x < 0.5 * n {
        (-x / n).ln_1p()
    } else {
        ((n - x) / n).ln()
    };
    let lf = LN_2PI + x.ln() + ln_rest;
    (lc - 0.5 * lf).exp()
}

/// Deviance term `x ln(x / m) + m - x` with `m = n * p` (Loader's `bd0`),
/// using a series when `x` is close to `m`, where the direct formula cancels.
///
/// `m` is carried as an exact two-part product (via a fused multiply-add):
/// near the mean the result depends on `x - m`, and with millions of trials
/// the rounding of `n * p` alone would cost about 1e-12 relative in the pmf.
fn deviance(x: f64, n: f64, p: f64) -> f64 {
    let m = n * p;
    let m_low = n.mul_add(p, -m);
    let diff = (x - m) - m_low;
    let total = x + m;
    if diff.abs() < 0.1 * total {
        let mut v = diff / total;
        let mut s = diff * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let next = s + ej / f64::from(2 * j + 1);
            if next == s {
                return next;
            }
            s = next;
        }
    }
    x * (x / m).ln() - diff
}

// stirling_error(k / 2) for k = 0..=30, computed with mpmath at 50 digits
// (exact values avoid the ln_gamma cancellation where the series is poor).
const STIRLING_ERROR_HALVES: [f64; 31] = [
    0.0,
    0.153_426_409_720_027_36,
    0.081_061_466_795_327_26,
    0.054_814_121_051_917_65,
    0.041_340_695_955_409_3,
    0.033_162_873_519_936_29,
    0.027_677_925_684_998_34,
    0.023_746_163_656_297_496,
    0.020_790_672_103_765_093,
    0.018_488_450_532_673_187,
    0.016_644_691_189_821_193,
    0.015_134_973_221_917_378,
    0.013_876_128_823_070_748,
    0.012_810_465_242_920_227,
    0.011_896_709_945_891_77,
    0.011_104_559_758_206_917,
    0.010_411_265_261_972_096,
    0.009_799_416_126_158_804,
    0.009_255_462_182_712_733,
    0.008_768_700_134_139_386,
    0.008_330_563_433_362_87,
    0.007_934_114_564_314_02,
    0.007_573_675_487_951_841,
    0.007_244_554_301_320_383,
    0.006_942_840_107_209_53,
    0.006_665_247_032_707_682,
    0.006_408_994_188_004_207,
    0.006_171_712_263_039_458,
    0.005_951_370_112_758_847_5,
    0.005_746_216_513_010_115_5,
    0.005_554_733_551_962_801,
];

/// Stirling-series correction `ln Γ(n) - ((n - 1/2) ln n - n + ln sqrt(2π))`
/// for `n > 15`, with as many terms as that size of `n` needs for full
/// double precision (the terms fall off as 1/n^(2j+1)).
fn stirling_series(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// Stirling error `ln(n!) - ((n + 1/2) ln n - n + ln sqrt(2π))`, the small
/// remainder that makes the binomial density cancellation-free.
fn stirling_error(n: f64) -> f64 {
    if n <= 15.0 {
        let twice = n + n;
        if twice == twice.floor() {
            return STIRLING_ERROR_HALVES[twice as usize];
        }
        return ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n - LN_SQRT_2PI;
    }
    // ln Γ(n+1) = ln n + ln Γ(n), so the same series serves both.
    stirling_series(n)
}

// Lanczos approximation, g = 7, nine terms (about 1e-15 relative).
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// Natural log of the gamma function for `x > 0`: Lanczos for small `x`,
/// the Stirling series above 15 where it is both faster and more accurate.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x > 15.0 {
        return (x - 0.5) * x.ln() - x + LN_SQRT_2PI + stirling_series(x);
    }
    if x < 0.5 {
        // Reflection keeps the Lanczos sum in its accurate range.
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + LANCZOS_G + 0.5;
    let sum = LANCZOS[1..]
        .iter()
        .enumerate()
        .fold(LANCZOS[0], |acc, (i, &c)| acc + c / (x + (i + 1) as f64));
    LN_SQRT_2PI + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_rel(got: f64, want: f64, rel_tol: f64) {
        assert!(
            (got - want).abs() <= rel_tol * want.abs(),
            "got {got}, want {want} (relative tolerance {rel_tol})"
        );
    }

    fn pvalue(k: u64, n: u64, p: f64) -> f64 {
        binomial_test_two_sided(k, n, p).unwrap()
    }

    // Reference p-values from scipy 1.x (binomtest(k, n, p).pvalue) and R
    // (binom.test(k, n, p)$p.value), given to 5 significant digits except the
    // last row.
    #[test]
    fn matches_reference_54_of_93_at_half() {
        assert!((pvalue(54, 93, 0.5) - 0.14618).abs() <= 5e-6);
    }

    #[test]
    fn matches_reference_6_of_10_at_half() {
        assert!((pvalue(6, 10, 0.5) - 0.75391).abs() <= 5e-6);
    }

    #[test]
    fn matches_reference_0_of_5_at_half() {
        assert!((pvalue(0, 5, 0.5) - 0.06250).abs() <= 5e-6);
    }

    #[test]
    fn matches_reference_30_of_40_at_half() {
        assert!((pvalue(30, 40, 0.5) - 0.0022214).abs() <= 5e-8);
    }

    #[test]
    fn matches_reference_120_of_300_at_half() {
        assert!((pvalue(120, 300, 0.5) - 0.00063422).abs() <= 5e-9);
    }

    #[test]
    fn matches_reference_682_of_925_at_three_quarters_to_1e9_relative() {
        assert_rel(pvalue(682, 925, 0.75), 0.38249155957485, 1e-9);
    }

    // The remaining values are scipy 1.17.1 `scipy.stats.binomtest(k, n, p).pvalue`
    // with the arguments shown in each call.
    #[test]
    fn asymmetric_baseline_low_count() {
        // binomtest(3, 20, 0.3).pvalue
        assert_rel(pvalue(3, 20, 0.3), 0.22041826738070913, 1e-12);
    }

    #[test]
    fn asymmetric_baseline_above_expectation() {
        // binomtest(700, 1000, 0.65).pvalue
        assert_rel(pvalue(700, 1000, 0.65), 0.0009067126861790154, 1e-12);
    }

    #[test]
    fn small_baseline_below_and_above_expectation() {
        // binomtest(7, 100, 0.02).pvalue, binomtest(0, 100, 0.02).pvalue
        assert_rel(pvalue(7, 100, 0.02), 0.00406205408010084, 1e-12);
        assert_rel(pvalue(0, 100, 0.02), 0.27365799249645795, 1e-12);
    }

    #[test]
    fn symmetric_outcomes_get_equal_pvalues() {
        // binomtest(46, 100).pvalue == binomtest(54, 100).pvalue
        assert_rel(pvalue(46, 100, 0.5), 0.48411841360729146, 1e-12);
        assert_rel(pvalue(54, 100, 0.5), 0.48411841360729146, 1e-12);
    }

    #[test]
    fn all_successes() {
        // binomtest(20, 20, 0.5).pvalue, binomtest(20, 20, 0.9).pvalue,
        // binomtest(5, 5, 0.3).pvalue, binomtest(3, 3, 0.5).pvalue
        assert_rel(pvalue(20, 20, 0.5), 1.9073486328125e-06, 1e-12);
        assert_rel(pvalue(20, 20, 0.9), 0.25452997802490435, 1e-12);
        assert_rel(pvalue(5, 5, 0.3), 0.0024299999999999994, 1e-12);
        assert_rel(pvalue(3, 3, 0.5), 0.25, 1e-12);
    }

    #[test]
    fn no_successes() {
        // binomtest(0, 20, 0.5).pvalue, binomtest(0, 20, 0.1).pvalue,
        // binomtest(0, 7, 0.3).pvalue
        assert_rel(pvalue(0, 20, 0.5), 1.9073486328125e-06, 1e-12);
        assert_rel(pvalue(0, 20, 0.1), 0.25452997802490435, 1e-12);
        assert_rel(pvalue(0, 7, 0.3), 0.11114980000000002, 1e-12);
    }

    #[test]
    fn outcome_at_expectation_is_exactly_one() {
        // binomtest(1000, 2000).pvalue, binomtest(600000, 2000000, 0.3).pvalue
        assert_eq!(pvalue(1000, 2000, 0.5), 1.0);
        assert_eq!(pvalue(600_000, 2_000_000, 0.3), 1.0);
    }

    #[test]
    fn single_trial_is_one() {
        // binomtest(1, 1).pvalue, binomtest(0, 1).pvalue
        assert_eq!(pvalue(1, 1, 0.5), 1.0);
        assert_eq!(pvalue(0, 1, 0.5), 1.0);
    }

    #[test]
    fn nearest_outcome_to_half_in_odd_trials_clips_to_one() {
        // binomtest(1000000, 2000001).pvalue
        assert_eq!(pvalue(1_000_000, 2_000_001, 0.5), 1.0);
    }

    #[test]
    fn millions_of_trials_near_the_mean() {
        // binomtest(999000, 2000001).pvalue, binomtest(1002000, 2000000).pvalue
        assert_rel(pvalue(999_000, 2_000_001, 0.5), 0.15729929353104893, 1e-9);
        assert_rel(pvalue(1_002_000, 2_000_000, 0.5), 0.00468806674329018, 1e-9);
    }

    #[test]
    fn millions_of_trials_in_the_tail() {
        // binomtest(1003000, 2000000).pvalue, binomtest(4995000, 10000000).pvalue
        assert_rel(
            pvalue(1_003_000, 2_000_000, 0.5),
            2.2159931416445493e-05,
            1e-9,
        );
        assert_rel(
            pvalue(4_995_000, 10_000_000, 0.5),
            0.0015671019056948982,
            1e-9,
        );
    }

    #[test]
    fn millions_of_trials_asymmetric_baseline() {
        // binomtest(601500, 2000000, 0.3).pvalue
        assert_rel(pvalue(601_500, 2_000_000, 0.3), 0.020679835592469387, 1e-9);
    }

    #[test]
    fn rare_events_in_a_million_trials() {
        // binomtest(k, 1000000, 1e-06).pvalue for k = 0, 3, 5, and 1 (at expectation)
        assert_rel(pvalue(0, 1_000_000, 1e-6), 0.6321203748887296, 1e-12);
        assert_rel(pvalue(3, 1_000_000, 1e-6), 0.08030130510144962, 1e-12);
        assert_rel(pvalue(5, 1_000_000, 1e-6), 0.003659823834902278, 1e-12);
        assert_eq!(pvalue(1, 1_000_000, 1e-6), 1.0);
    }

    #[test]
    fn deep_tail_beyond_scipy_precision_matches_exact_sum() {
        // 2 * sum_{j >= 2881840} C(5717055, j) / 2^5717055, summed with
        // mpmath at 40 digits (scipy 1.17.1 gives 1.1064003212124877e-84,
        // off by 5e-12 relative).
        assert_rel(
            pvalue(2_835_215, 5_717_055, 0.5),
            1.1064003212074986e-84,
            1e-12,
        );
    }

    #[test]
    fn baseline_zero_matches_scipy() {
        // binomtest(3, 10, 0.0).pvalue, binomtest(0, 10, 0.0).pvalue
        assert_eq!(pvalue(3, 10, 0.0), 0.0);
        assert_eq!(pvalue(0, 10, 0.0), 1.0);
    }

    #[test]
    fn baseline_one_matches_scipy() {
        // binomtest(9, 10, 1.0).pvalue, binomtest(10, 10, 1.0).pvalue
        assert_eq!(pvalue(9, 10, 1.0), 0.0);
        assert_eq!(pvalue(10, 10, 1.0), 1.0);
    }

    #[test]
    fn zero_trials_gives_none() {
        assert_eq!(binomial_test_two_sided(0, 0, 0.5), None);
    }

    #[test]
    fn invalid_inputs_give_none() {
        assert_eq!(binomial_test_two_sided(6, 5, 0.5), None);
        assert_eq!(binomial_test_two_sided(1, 5, -0.1), None);
        assert_eq!(binomial_test_two_sided(1, 5, 1.1), None);
        assert_eq!(binomial_test_two_sided(1, 5, f64::NAN), None);
    }

    #[test]
    fn pvalues_lie_in_unit_interval() {
        for n in 1..40u64 {
            for k in 0..=n {
                for p in [0.0, 0.05, 0.3, 0.5, 0.77, 1.0] {
                    let v = pvalue(k, n, p);
                    assert!((0.0..=1.0).contains(&v), "k={k} n={n} p={p}: {v}");
                }
            }
        }
    }

    #[test]
    fn cdf_and_sf_agree_with_direct_pmf_sums() {
        let (n, p) = (60, 0.37);
        let q = 1.0 - p;
        let mut cumulative = 0.0;
        for x in 0..n {
            cumulative += binomial_pmf(x, n, p, q);
            assert_rel(binomial_cdf(x, n, p, q), cumulative, 1e-12);
            let upper: f64 = (x + 1..=n).map(|j| binomial_pmf(j, n, p, q)).sum();
            assert_rel(binomial_sf(x, n, p, q), upper, 1e-12);
        }
    }

    #[test]
    fn pmf_matches_exact_small_case() {
        // C(10, 3) 0.25^3 0.75^7 = 120 * 2187 / 1048576
        assert_rel(
            binomial_pmf(3, 10, 0.25, 0.75),
            120.0 * 2187.0 / 1_048_576.0,
            1e-14,
        );
    }

    // (a, b, x, I_x(a, b), 1 - I_x(a, b)): exact values from mpmath (35 digits)
    // as binomial tail sums, I_x(a, b) = P(Bin(a + b - 1, x) >= a). They cover
    // the closed forms (a or b = 1), the symmetric point, a far tail, and a
    // huge/small parameter pair near the mean, where Numerical Recipes'
    // betacf loses 1e-11.
    #[test]
    fn regularized_beta_matches_exact_binomial_sums() {
        let cases = [
            (
                3000000.0,
                36.0,
                0.999986000180331,
                0.15765329998059893,
                0.842346700019401,
            ),
            (
                36.0,
                3000000.0,
                1.399981966894472e-05,
                0.8423467000149014,
                0.15765329998509858,
            ),
            (
                1000000.0,
                1000000.0,
                0.4982322334889752,
                2.8663113004971135e-07,
                0.99999971336887,
            ),
            (
                1.0,
                1000.0,
                0.000999000999000999,
                0.6319366957112229,
                0.36806330428877704,
            ),
            (
                1000.0,
                1.0,
                0.999000999000999,
                0.36806330428878953,
                0.6319366957112105,
            ),
            (2.0, 2.0, 0.5, 0.5, 0.5),
            (
                50000.0,
                100.0,
                0.9964087959639459,
                2.866801787397278e-11,
                0.9999999999713319,
            ),
        ];
        for (a, b, x, want, want_complement) in cases {
            let (i, ic) = regularized_beta_pair(a, b, x, 1.0 - x);
            assert_rel(i, want, 1e-12);
            assert_rel(ic, want_complement, 1e-12);
        }
    }

    // scipy.special.gammaln(x) for each x (scipy 1.17.1).
    #[test]
    fn ln_gamma_matches_scipy_gammaln() {
        let cases = [
            (0.1, 2.252712651734206),
            (0.5, 0.5723649429247),
            (1.5, -0.12078223763524526),
            (2.5, 0.2846828704729192),
            (3.0, std::f64::consts::LN_2), // gammaln(3) = ln 2 = 0.6931471805599453
            (7.3, 7.147892523022249),
            (14.9, 24.924132002217277),
            (15.5, 26.536914491115613),
            (20.0, 39.339884187199495),
            (100.25, 360.28455963776423),
            (10000.0, 82099.71749644238),
            (1000000.5, 12815511.476902766),
            (10000000000.0, 220258509288.81058),
        ];
        for (x, want) in cases {
            assert_rel(ln_gamma(x), want, 1e-14);
        }
        assert!(ln_gamma(1.0).abs() < 1e-15 && ln_gamma(2.0).abs() < 1e-15);
    }

    // ln(n!) - ((n + 1/2) ln n - n + ln sqrt(2 pi)) evaluated with mpmath at
    // 50 digits, for points on the table, the ln_gamma route and the series.
    #[test]
    fn stirling_error_matches_high_precision_values() {
        let cases = [
            (0.3, 0.2360649007482156),
            (2.7, 0.03072811982780833),
            (14.7, 0.0056680609214339985),
            (15.0, 0.005554733551962801),
            (20.3, 0.0041047584872808685),
            (100.1, 0.0008324980631187126),
            (600.5, 0.0001387732316904814),
            (1000000.25, 8.333331250000243e-08),
        ];
        for (n, want) in cases {
            assert_rel(stirling_error(n), want, 1e-12);
        }
    }

    #[test]
    fn stirling_series_agrees_with_table_at_fifteen() {
        assert_rel(stirling_series(15.0), STIRLING_ERROR_HALVES[30], 1e-13);
    }
}
