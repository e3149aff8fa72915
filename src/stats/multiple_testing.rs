//! Multiple-testing correction for families of p-values.

/// Benjamini–Hochberg adjusted p-values (false discovery rate), returned in
/// the same order as the input.
///
/// Matches R's `p.adjust(p, method = "BH")` and statsmodels'
/// `multipletests(p, method="fdr_bh")[1]`: sort the p-values, scale the one
/// at rank `i` of `m` by `m / i`, take running minima from the largest rank
/// down (so adjusted values stay monotone in the raw ones), and cap at 1.
/// Used because the tool tests many mediator/issue groups at once, and
/// controlling the FDR keeps the number of spurious "significant" groups in
/// check without Bonferroni's loss of power.
///
/// NaN entries are treated as R treats `NA`: they stay NaN and do not count
/// towards `m`. Empty input gives an empty output.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let mut adjusted = vec![f64::NAN; p_values.len()];
    // Indices of the usable p-values, largest first.
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&a, &b| p_values[b].total_cmp(&p_values[a]));
    let m = order.len() as f64;
    let mut running_min = f64::INFINITY;
    for (position, &index) in order.iter().enumerate() {
        // Rank counted from the smallest p-value, 1-based.
        let rank = (order.len() - position) as f64;
        // Same operation order as R (m / i first) for bit-level agreement.
        running_min = running_min.min(m / rank * p_values[index]);
        adjusted[index] = running_min.min(1.0);
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_all_close(got: &[f64], want: &[f64], abs_tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= abs_tol, "got {got:?}, want {want:?}");
        }
    }

    // Reference from statsmodels (multipletests(p, method="fdr_bh")) and R
    // (p.adjust(p, method = "BH")), given to 5 significant digits.
    #[test]
    fn matches_reference_four_values() {
        let got = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2]);
        assert_all_close(&got, &[0.04, 0.05333, 0.05333, 0.2], 5e-6);
    }

    // Values below: statsmodels 0.14, multipletests(p, method="fdr_bh")[1]
    // for the p shown.
    #[test]
    fn ties_and_unsorted_input_keep_input_order() {
        let got = benjamini_hochberg(&[0.001, 0.001, 0.9, 0.04, 0.04, 0.2, 0.7]);
        let want = [0.0035, 0.0035, 0.9, 0.07, 0.07, 0.28, 0.8166666666666667];
        assert_all_close(&got, &want, 1e-15);
    }

    #[test]
    fn running_minimum_from_largest_rank_applies() {
        // multipletests([0.9, 0.95, 0.99], method="fdr_bh")[1]
        let got = benjamini_hochberg(&[0.9, 0.95, 0.99]);
        assert_all_close(&got, &[0.99, 0.99, 0.99], 1e-15);
    }

    #[test]
    fn tiny_p_value_is_scaled_by_family_size() {
        // multipletests([1e-10, 0.5, 0.02, 0.03, 0.04], method="fdr_bh")[1]
        let got = benjamini_hochberg(&[1e-10, 0.5, 0.02, 0.03, 0.04]);
        let want = [5e-10, 0.5, 0.05, 0.05, 0.05];
        assert_all_close(&got, &want, 1e-15);
    }

    #[test]
    fn adjusted_values_are_capped_at_one() {
        let got = benjamini_hochberg(&[0.8, 0.9]);
        assert!(got.iter().all(|&v| v <= 1.0));
        assert_all_close(&got, &[0.9, 0.9], 1e-15);
        assert_eq!(benjamini_hochberg(&[1.0, 1.0]), vec![1.0, 1.0]);
    }

    #[test]
    fn single_value_is_unchanged() {
        assert_eq!(benjamini_hochberg(&[0.5]), vec![0.5]);
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert!(benjamini_hochberg(&[]).is_empty());
    }

    #[test]
    fn nan_stays_nan_and_is_not_counted() {
        // R: p.adjust(c(0.01, NA, 0.04), "BH") gives 0.02 NA 0.04.
        let got = benjamini_hochberg(&[0.01, f64::NAN, 0.04]);
        assert!(got[1].is_nan());
        assert_all_close(&[got[0], got[2]], &[0.02, 0.04], 1e-15);
    }
}
