//! Sample quantiles.

/// Sample quantile at `q` (0..=1) with linear interpolation between order
/// statistics: numpy's default `np.quantile(a, q)` (`method="linear"`,
/// Hyndman & Fan type 7, also R's default `quantile` type).
///
/// The hotline's median and p90 hours are computed with it, bit for bit as
/// numpy does. The input need not be sorted: a sorted copy is made.
///
/// Returns `None` for empty input or `q` outside `[0, 1]` (numpy raises for
/// both); returns `Some(NaN)` if any value is NaN, as numpy does.
pub fn quantile_linear(sorted_or_unsorted: &[f64], q: f64) -> Option<f64> {
    if sorted_or_unsorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    if sorted_or_unsorted.iter().any(|v| v.is_nan()) {
        return Some(f64::NAN);
    }
    let mut sorted = sorted_or_unsorted.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_linear_sorted(&sorted, q)
}

/// [`quantile_linear`] of values already sorted in ascending order and free
/// of NaN (several quantiles of one list, sorted once).
pub fn quantile_linear_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let last = sorted.len() - 1;
    let virtual_index = last as f64 * q;
    if virtual_index >= last as f64 {
        return Some(sorted[last]);
    }
    let below = virtual_index.floor();
    let gamma = virtual_index - below;
    let below = below as usize;
    let (a, b) = (sorted[below], sorted[below + 1]);
    // numpy's _lerp: interpolate from the nearer end so that gamma == 1 and
    // gamma == 0 reproduce the endpoints exactly and results match bit for bit.
    let diff = b - a;
    Some(if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: numpy 2.4 `np.quantile(a, q)` (default method="linear")
    // for the `a` and `q` in each call, pasted exactly.
    #[test]
    fn interpolates_between_order_statistics() {
        // np.quantile([1, 2, 3, 4, 10], 0.9)
        assert_eq!(
            quantile_linear(&[1.0, 2.0, 3.0, 4.0, 10.0], 0.9),
            Some(7.6000000000000005)
        );
    }

    #[test]
    fn lands_exactly_on_order_statistics() {
        // np.quantile([1, 2, 3, 4, 10], 0.5), np.quantile([1, 2, 3, 4, 10], 0.25)
        let a = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_linear(&a, 0.5), Some(3.0));
        assert_eq!(quantile_linear(&a, 0.25), Some(2.0));
    }

    #[test]
    fn single_element_is_every_quantile() {
        // np.quantile([7.5], 0.3), np.quantile([7.5], 0.0), np.quantile([7.5], 1.0)
        for q in [0.3, 0.0, 1.0] {
            assert_eq!(quantile_linear(&[7.5], q), Some(7.5));
        }
    }

    #[test]
    fn ties_in_unsorted_input() {
        // np.quantile([3, 1, 2, 2, 2, 5], q) for q = 0.5, 0.75, 0.1
        let a = [3.0, 1.0, 2.0, 2.0, 2.0, 5.0];
        assert_eq!(quantile_linear(&a, 0.5), Some(2.0));
        assert_eq!(quantile_linear(&a, 0.75), Some(2.75));
        assert_eq!(quantile_linear(&a, 0.1), Some(1.5));
        // np.quantile([5, 5, 5], 0.37)
        assert_eq!(quantile_linear(&[5.0, 5.0, 5.0], 0.37), Some(5.0));
    }

    #[test]
    fn extremes_are_min_and_max() {
        // np.quantile([10, -1, 4.5, 2], 0.0), np.quantile([10, -1, 4.5, 2], 1.0)
        let a = [10.0, -1.0, 4.5, 2.0];
        assert_eq!(quantile_linear(&a, 0.0), Some(-1.0));
        assert_eq!(quantile_linear(&a, 1.0), Some(10.0));
    }

    #[test]
    fn fractional_virtual_index_rounding_matches_numpy() {
        // np.quantile([10, -1, 4.5, 2], 1/3), np.quantile([0.1, 0.2, 0.3], 0.999),
        // np.quantile([1, 2], 0.5)
        assert_eq!(
            quantile_linear(&[10.0, -1.0, 4.5, 2.0], 1.0 / 3.0),
            Some(2.0)
        );
        assert_eq!(quantile_linear(&[0.1, 0.2, 0.3], 0.999), Some(0.2998));
        assert_eq!(quantile_linear(&[1.0, 2.0], 0.5), Some(1.5));
    }

    #[test]
    fn empty_input_gives_none() {
        assert_eq!(quantile_linear(&[], 0.5), None);
    }

    #[test]
    fn q_outside_unit_interval_gives_none() {
        assert_eq!(quantile_linear(&[1.0, 2.0], -0.1), None);
        assert_eq!(quantile_linear(&[1.0, 2.0], 1.1), None);
        assert_eq!(quantile_linear(&[1.0, 2.0], f64::NAN), None);
    }

    #[test]
    fn nan_in_data_propagates() {
        assert!(
            quantile_linear(&[1.0, f64::NAN, 3.0], 0.5)
                .unwrap()
                .is_nan()
        );
    }
}
