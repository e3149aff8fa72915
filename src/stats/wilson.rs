//! Wilson score confidence interval for a binomial proportion.
//!
//! Used instead of the Wald interval because it stays inside [0, 1] and keeps
//! close to nominal coverage for the small and lopsided samples that mediation
//! logs produce (a handful of decided cases, or nearly all won by one side).

/// Two-sided Wilson score interval for `successes` out of `trials` at the
/// given `confidence` level (e.g. `0.95`), without continuity correction.
///
/// Matches `statsmodels.stats.proportion.proportion_confint(method="wilson")`,
/// `scipy.stats.binomtest(...).proportion_ci(method="wilson")` and R's
/// `prop.test(correct = FALSE)$conf.int`. The bounds are clamped to `[0, 1]`;
/// like scipy, the lower bound is exactly 0 when `successes == 0` and the upper
/// bound exactly 1 when `successes == trials` (the formula only gives these up
/// to rounding).
///
/// Returns `None` when `trials == 0` (no data, no interval), when
/// `successes > trials`, or when `confidence` is not in `[0, 1)`.
pub fn wilson_interval(successes: u64, trials: u64, confidence: f64) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials || !(0.0..1.0).contains(&confidence) {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let q = 1.0 - p;
    let z = normal_quantile(0.5 + 0.5 * confidence);
    let z2 = z * z;
    // Same arrangement of the formula as scipy (Newcombe 1998), so results
    // agree to the last bit or two.
    let denom = 2.0 * (n + z2);
    let center = (2.0 * n * p + z2) / denom;
    let delta = z / denom * (4.0 * n * p * q + z2).sqrt();
    let low = if successes == 0 { 0.0 } else { center - delta };
    let high = if successes == trials {
        1.0
    } else {
        center + delta
    };
    Some((low.clamp(0.0, 1.0), high.clamp(0.0, 1.0)))
}

// Wichura (1988), Algorithm AS 241 (PPND16), coefficients in ascending powers.
// Published accuracy is about 1 part in 1e16, so no refinement step is needed.
// The digits are kept exactly as printed in the paper so they can be checked
// against it, hence the excessive_precision allowances.
#[allow(clippy::excessive_precision)]
const CENTRAL_NUM: [f64; 8] = [
    3.387_132_872_796_366_608_0e0,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
#[allow(clippy::excessive_precision)]
const CENTRAL_DEN: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083_0e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061_0e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561_0e3,
];
#[allow(clippy::excessive_precision)]
const NEAR_TAIL_NUM: [f64; 8] = [
    1.423_437_110_749_683_577_34e0,
    4.630_337_846_156_545_295_90e0,
    5.769_497_221_460_691_405_50e0,
    3.647_848_324_763_204_605_04e0,
    1.270_458_252_452_368_382_58e0,
    2.417_807_251_774_506_117_70e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_40e-4,
];
#[allow(clippy::excessive_precision)]
const NEAR_TAIL_DEN: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87e0,
    1.676_384_830_183_803_849_40e0,
    6.897_673_349_851_000_045_50e-1,
    1.481_039_764_274_800_745_90e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946_00e-4,
    1.050_750_071_644_416_843_24e-9,
];
#[allow(clippy::excessive_precision)]
const FAR_TAIL_NUM: [f64; 8] = [
    6.657_904_643_501_103_777_20e0,
    5.463_784_911_164_114_369_90e0,
    1.784_826_539_917_291_335_80e0,
    2.965_605_718_285_048_912_30e-1,
    2.653_218_952_657_612_309_30e-2,
    1.242_660_947_388_078_438_60e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
#[allow(clippy::excessive_precision)]
const FAR_TAIL_DEN: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_90e-1,
    1.369_298_809_227_358_053_10e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591_00e-4,
    1.846_318_317_510_054_681_80e-5,
    1.421_511_758_316_445_888_70e-7,
    2.044_263_103_389_939_785_64e-15,
];

/// Evaluates a polynomial given in ascending powers (Horner's rule).
fn poly(coefficients: &[f64; 8], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

/// Standard normal quantile (inverse CDF) by Wichura's AS 241, accurate to
/// about 1e-16 relative over the whole open interval (0, 1).
///
/// Needed to turn an arbitrary confidence level into the Wilson `z` instead of
/// hard-coding 1.96. Returns -inf / +inf at 0 / 1 and NaN outside [0, 1].
fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&CENTRAL_NUM, r) / poly(&CENTRAL_DEN, r);
    }
    // Work with the smaller tail probability so 1 - p does not lose digits.
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let magnitude = if r <= 5.0 {
        let r = r - 1.6;
        poly(&NEAR_TAIL_NUM, r) / poly(&NEAR_TAIL_DEN, r)
    } else {
        let r = r - 5.0;
        poly(&FAR_TAIL_NUM, r) / poly(&FAR_TAIL_DEN, r)
    };
    if q < 0.0 { -magnitude } else { magnitude }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: f64, want: f64, abs_tol: f64) {
        assert!(
            (got - want).abs() <= abs_tol,
            "got {got}, want {want} (tolerance {abs_tol})"
        );
    }

    fn assert_rel(got: f64, want: f64, rel_tol: f64) {
        assert!(
            (got - want).abs() <= rel_tol * want.abs(),
            "got {got}, want {want} (relative tolerance {rel_tol})"
        );
    }

    // Reference intervals from scipy 1.x / statsmodels
    // (proportion_confint(k, n, 0.05, method="wilson")) and R
    // (prop.test(k, n, correct = FALSE)$conf.int), rounded to 5 digits.
    #[test]
    fn matches_reference_54_of_93() {
        let (low, high) = wilson_interval(54, 93, 0.95).unwrap();
        assert_close(low, 0.47911, 5e-6);
        assert_close(high, 0.67578, 5e-6);
    }

    #[test]
    fn matches_reference_6_of_10() {
        let (low, high) = wilson_interval(6, 10, 0.95).unwrap();
        assert_close(low, 0.31267, 5e-6);
        assert_close(high, 0.83182, 5e-6);
    }

    #[test]
    fn matches_reference_0_of_5_with_exact_zero_low() {
        let (low, high) = wilson_interval(0, 5, 0.95).unwrap();
        assert_eq!(low, 0.0);
        assert_close(high, 0.43448, 5e-6);
    }

    #[test]
    fn matches_reference_30_of_40() {
        let (low, high) = wilson_interval(30, 40, 0.95).unwrap();
        assert_close(low, 0.59806, 5e-6);
        assert_close(high, 0.85813, 5e-6);
    }

    #[test]
    fn matches_reference_120_of_300() {
        let (low, high) = wilson_interval(120, 300, 0.95).unwrap();
        assert_close(low, 0.34617, 5e-6);
        assert_close(high, 0.45636, 5e-6);
    }

    #[test]
    fn matches_reference_682_of_925_to_1e9_relative() {
        let (low, high) = wilson_interval(682, 925, 0.95).unwrap();
        assert_rel(low, 0.70799598762, 1e-9);
        assert_rel(high, 0.76463580097, 1e-9);
    }

    // Values below: scipy 1.17.1,
    // scipy.stats.binomtest(k, n).proportion_ci(confidence_level=c, method="wilson").
    #[test]
    fn all_successes_gives_exact_one_high() {
        // binomtest(20, 20).proportion_ci(method="wilson")
        let (low, high) = wilson_interval(20, 20, 0.95).unwrap();
        assert_rel(low, 0.8388748419471808, 1e-12);
        assert_eq!(high, 1.0);
    }

    #[test]
    fn single_success_in_single_trial() {
        // binomtest(1, 1).proportion_ci(method="wilson")
        let (low, high) = wilson_interval(1, 1, 0.95).unwrap();
        assert_rel(low, 0.20654931437723745, 1e-12);
        assert_eq!(high, 1.0);
    }

    #[test]
    fn other_confidence_levels_use_matching_z() {
        // binomtest(54, 93).proportion_ci(confidence_level=0.99, method="wilson")
        let (low, high) = wilson_interval(54, 93, 0.99).unwrap();
        assert_rel(low, 0.44782376860644424, 1e-12);
        assert_rel(high, 0.7027258933264239, 1e-12);
        // binomtest(54, 93).proportion_ci(confidence_level=0.8, method="wilson")
        let (low, high) = wilson_interval(54, 93, 0.8).unwrap();
        assert_rel(low, 0.5142267103319461, 1e-12);
        assert_rel(high, 0.6442646640940838, 1e-12);
    }

    #[test]
    fn zero_trials_gives_none() {
        assert_eq!(wilson_interval(0, 0, 0.95), None);
    }

    #[test]
    fn invalid_inputs_give_none() {
        assert_eq!(wilson_interval(6, 5, 0.95), None);
        assert_eq!(wilson_interval(1, 5, 1.0), None);
        assert_eq!(wilson_interval(1, 5, -0.1), None);
        assert_eq!(wilson_interval(1, 5, f64::NAN), None);
    }

    #[test]
    fn bounds_stay_ordered_and_inside_unit_interval() {
        for n in 1..60u64 {
            for k in 0..=n {
                let (low, high) = wilson_interval(k, n, 0.95).unwrap();
                assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high));
                assert!(low <= k as f64 / n as f64 && k as f64 / n as f64 <= high);
            }
        }
    }

    // scipy.special.ndtri(p) for each p (scipy 1.17.1).
    #[test]
    fn normal_quantile_matches_scipy_ndtri() {
        let cases: [(f64, f64); 29] = [
            (1e-300, -37.0470962993612),
            (1e-100, -21.273453560965322),
            (1e-20, -9.262340089798409),
            (1e-10, -6.361340902404056),
            (1e-05, -4.264890793922825),
            (0.001, -3.090232306167813),
            (0.01, -2.3263478740408408),
            (0.025, -1.9599639845400545),
            (0.05, -1.6448536269514729),
            (0.0749, -1.4402382675279635),
            (0.075, -1.4395314709384563),
            (0.1, -1.2815515655446004),
            (0.2, -0.8416212335729142),
            (0.3, -0.5244005127080409),
            (0.4, -0.2533471031357997),
            (0.45, -0.12566134685507402),
            (0.5000001, 2.506628273311648e-07),
            (0.6, 0.2533471031357997),
            (0.7, 0.5244005127080407),
            (0.8, 0.8416212335729143),
            (0.9, 1.2815515655446004),
            (0.925, 1.4395314709384563),
            (0.95, 1.6448536269514722),
            (0.975, 1.959963984540054),
            (0.99, 2.3263478740408408),
            (0.995, 2.5758293035489004),
            (0.999, 3.090232306167813),
            (0.9999999, 5.199337582290661),
            (0.999999999999, 7.0344869100478356),
        ];
        for (p, want) in cases {
            let got = normal_quantile(p);
            assert!(
                (got - want).abs() <= 2e-15 * want.abs().max(1.0),
                "p={p}: got {got}, want {want}"
            );
        }
    }

    #[test]
    fn normal_quantile_of_0_975_is_1_96() {
        assert_rel(normal_quantile(0.975), 1.959963984540054, 1e-15);
    }

    #[test]
    fn normal_quantile_edges() {
        assert_eq!(normal_quantile(0.5), 0.0);
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan());
        assert!(normal_quantile(f64::NAN).is_nan());
    }
}
