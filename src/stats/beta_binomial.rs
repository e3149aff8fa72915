//! Empirical-Bayes shrinkage of rates for fair ranking: a beta-binomial
//! model fitted by maximum likelihood over the rows of a table, each row's
//! rate pulled toward the table's overall rate by as much as its number of
//! cases warrants (a 3/3 county does not outrank a 210/337 city).

use super::binomial::ln_gamma;

/// The fitted prior Beta(α, β), or the pooled rate when the rows vary no
/// more than chance would have them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prior {
    Beta {
        alpha: f64,
        beta: f64,
    },
    /// No variation between rows beyond chance: every row's shrunken rate
    /// is the pooled rate Σk / Σn.
    Pooled {
        rate: f64,
    },
}

/// A row's shrunken rate and its 95% credible interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shrunken {
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// α + β above this means no spread between rows: the pooled limit.
const POOLED_LIMIT: f64 = 1e7;

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ln Γ(a + k) − ln Γ(a), for a > 0 and k ≥ 0. Near the pooled limit
/// (α + β in the millions) the two ln Γ are ~10⁸ apiece, and their
/// difference, taken directly, carries rounding noise of ~10⁻⁸: more than
/// the likelihood still changes there, which let noise decide whether a
/// fit beats the pooled limit. For a ≥ 10 it is taken from Stirling's
/// series instead, where the large terms cancel in closed form:
/// (a − ½)·ln(1 + k/a) + k·ln(a + k) − k + S(a + k) − S(a).
fn ln_rising(a: f64, k: f64) -> f64 {
    if k == 0.0 {
        return 0.0;
    }
    if a < 10.0 {
        return ln_gamma(a + k) - ln_gamma(a);
    }
    // Stirling's series after ½ ln 2π: its next term, 1/(1188 x⁹), is below
    // 10⁻¹² for x ≥ 10.
    let series = |x: f64| {
        let x2 = x * x;
        (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x
    };
    (a - 0.5) * (k / a).ln_1p() + k * (a + k).ln() - k + (series(a + k) - series(a))
}

/// Σ log BetaBinom(k | n, α, β), without the terms free of α and β:
/// ln B(k + α, n − k + β) − ln B(α, β), as three rising factorials.
fn log_likelihood(rows: &[(u64, u64)], alpha: f64, beta: f64) -> f64 {
    rows.iter()
        .map(|&(k, n)| {
            ln_rising(alpha, k as f64) + ln_rising(beta, (n - k) as f64)
                - ln_rising(alpha + beta, n as f64)
        })
        .sum()
}

/// The binomial limit of the likelihood (α + β → ∞ at the pooled rate),
/// with the same terms left out.
fn pooled_log_likelihood(rows: &[(u64, u64)]) -> f64 {
    let (k, n): (u64, u64) = rows.iter().fold((0, 0), |a, r| (a.0 + r.0, a.1 + r.1));
    let p = k as f64 / n as f64;
    rows.iter()
        .map(|&(k, n)| {
            let s = if k > 0 { k as f64 * p.ln() } else { 0.0 };
            let f = if n > k {
                (n - k) as f64 * (1.0 - p).ln()
            } else {
                0.0
            };
            s + f
        })
        .sum()
}

/// Minimises `f` over the plane by Nelder–Mead (the standard coefficients:
/// reflection 1, expansion 2, contraction ½, shrink ½), to a tight tolerance.
fn nelder_mead(f: impl Fn([f64; 2]) -> f64, start: [f64; 2]) -> [f64; 2] {
    let mut simplex = [
        start,
        [start[0] + 0.5, start[1]],
        [start[0], start[1] + 0.5],
    ];
    let mut values = simplex.map(&f);
    for _ in 0..5_000 {
        // Order: best first.
        let mut order = [0usize, 1, 2];
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        simplex = order.map(|i| simplex[i]);
        values = order.map(|i| values[i]);
        let spread = (values[2] - values[0]).abs();
        let size = (0..2)
            .map(|d| {
                (simplex[1][d] - simplex[0][d])
                    .abs()
                    .max((simplex[2][d] - simplex[0][d]).abs())
            })
            .fold(0.0, f64::max);
        // Relative to the objective: a log likelihood of thousands carries
        // rounding noise far above any absolute 1e-13.
        if spread <= 1e-13 * (1.0 + values[0].abs()) && size < 1e-9 {
            break;
        }
        let centroid = [
            (simplex[0][0] + simplex[1][0]) / 2.0,
            (simplex[0][1] + simplex[1][1]) / 2.0,
        ];
        let towards = |t: f64| {
            [
                centroid[0] + t * (simplex[2][0] - centroid[0]),
                centroid[1] + t * (simplex[2][1] - centroid[1]),
            ]
        };
        let reflected = towards(-1.0);
        let fr = f(reflected);
        if fr < values[0] {
            let expanded = towards(-2.0);
            let fe = f(expanded);
            if fe < fr {
                simplex[2] = expanded;
                values[2] = fe;
            } else {
                simplex[2] = reflected;
                values[2] = fr;
            }
        } else if fr < values[1] {
            simplex[2] = reflected;
            values[2] = fr;
        } else {
            let (contracted, fc) = if fr < values[2] {
                let c = towards(-0.5);
                (c, f(c))
            } else {
                let c = towards(0.5);
                (c, f(c))
            };
            if fc < values[2].min(fr) {
                simplex[2] = contracted;
                values[2] = fc;
            } else {
                for i in 1..3 {
                    simplex[i] = [
                        (simplex[i][0] + simplex[0][0]) / 2.0,
                        (simplex[i][1] + simplex[0][1]) / 2.0,
                    ];
                    values[i] = f(simplex[i]);
                }
            }
        }
    }
    simplex[0]
}

/// Fits Beta(α, β) by maximum likelihood over rows of (successes, trials)
/// with at least one trial (rows with none are left out). None with fewer
/// than 3 such rows: too few to say how rows vary.
pub fn fit(rows: &[(u64, u64)]) -> Option<Prior> {
    let rows: Vec<(u64, u64)> = rows.iter().copied().filter(|r| r.1 > 0).collect();
    if rows.len() < 3 {
        return None;
    }
    let (k, n): (u64, u64) = rows.iter().fold((0, 0), |a, r| (a.0 + r.0, a.1 + r.1));
    let pooled = k as f64 / n as f64;
    if k == 0 || k == n {
        return Some(Prior::Pooled { rate: pooled });
    }
    // Minimise the negative log likelihood over (ln α, ln β), from α = β = 1
    // (and from the pooled mean with a wide prior, keeping the better).
    let nll = |x: [f64; 2]| {
        let (a, b) = (x[0].exp(), x[1].exp());
        if !(a.is_finite() && b.is_finite()) || a <= 0.0 || b <= 0.0 {
            return f64::INFINITY;
        }
        -log_likelihood(&rows, a, b)
    };
    let starts = [
        [0.0, 0.0],
        [(pooled * 2.0).ln(), ((1.0 - pooled) * 2.0).ln()],
    ];
    let best = starts
        .into_iter()
        .map(|s| nelder_mead(nll, s))
        .min_by(|a, b| nll(*a).total_cmp(&nll(*b)))?;
    let (alpha, beta) = (best[0].exp(), best[1].exp());
    let fitted = -nll(best);
    let beats_pooled =
        fitted.partial_cmp(&pooled_log_likelihood(&rows)) == Some(std::cmp::Ordering::Greater);
    if alpha + beta > POOLED_LIMIT || !beats_pooled {
        return Some(Prior::Pooled { rate: pooled });
    }
    Some(Prior::Beta { alpha, beta })
}

/// A row's shrunken rate (k + α) / (n + α + β) and the 0.025 and 0.975
/// quantiles of Beta(k + α, n − k + β); the pooled rate for all three when
/// the prior is pooled.
pub fn shrink(prior: Prior, k: u64, n: u64) -> Shrunken {
    match prior {
        Prior::Pooled { rate } => Shrunken {
            rate,
            low: rate,
            high: rate,
        },
        Prior::Beta { alpha, beta } => {
            let a = k as f64 + alpha;
            let b = (n - k) as f64 + beta;
            Shrunken {
                rate: a / (a + b),
                low: beta_quantile(a, b, 0.025),
                high: beta_quantile(a, b, 0.975),
            }
        }
    }
}

/// The regularized incomplete beta function I_x(a, b) for a, b > 0, by
/// the continued fraction (modified Lentz), on the side where it converges.
fn regularized_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (a * x.ln() + b * (-x).ln_1p() - ln_beta(a, b)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = m as f64;
        for step in 0..2 {
            let coefficient = if step == 0 {
                m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
            } else {
                -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
            };
            d = 1.0 + coefficient * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + coefficient / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
            if step == 1 && (d * c - 1.0).abs() < 1e-15 {
                return h;
            }
        }
    }
    h
}

/// The q-quantile of Beta(a, b), by bisection on I_x(a, b).
fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if regularized_beta(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    (lo + hi) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ../shared/spec/bulletin.md, from scipy 1.17: `optimize.minimize`
    /// (Nelder–Mead on log α, log β, tight tolerances) of the negative
    /// beta-binomial log likelihood; `stats.beta.ppf` for the intervals.
    const K: [u64; 17] = [
        210, 28, 38, 64, 47, 13, 34, 25, 30, 25, 26, 23, 26, 15, 14, 12, 3,
    ];
    const N: [u64; 17] = [
        337, 48, 72, 95, 81, 27, 66, 54, 83, 75, 50, 41, 53, 26, 23, 21, 3,
    ];

    fn rows() -> Vec<(u64, u64)> {
        K.iter().zip(N).map(|(&k, n)| (k, n)).collect()
    }

    #[test]
    fn the_fit_matches_scipy() {
        let Some(Prior::Beta { alpha, beta }) = fit(&rows()) else {
            panic!("a beta prior")
        };
        assert!((alpha - 22.66998).abs() < 5e-4, "{alpha}");
        assert!((beta - 19.96911).abs() < 5e-4, "{beta}");
    }

    #[test]
    fn shrunken_rates_and_intervals_match_scipy() {
        let prior = fit(&rows()).unwrap();
        let want = [
            0.612871, 0.559030, 0.529226, 0.629690, 0.563495, 0.512212, 0.521635, 0.493278,
            0.419216, 0.405222, 0.525372, 0.546036, 0.508892, 0.548812, 0.558661, 0.544791,
            0.562456,
        ];
        for ((k, n), w) in rows().into_iter().zip(want) {
            let s = shrink(prior, k, n);
            assert!((s.rate - w).abs() < 1e-6, "{k}/{n}: {}", s.rate);
        }
        let intervals = [
            (0.563405, 0.661212),
            (0.456388, 0.659204),
            (0.437939, 0.619547),
        ];
        for (i, (lo, hi)) in intervals.into_iter().enumerate() {
            let s = shrink(prior, K[i], N[i]);
            assert!((s.low - lo).abs() < 1e-6, "{i}: {}", s.low);
            assert!((s.high - hi).abs() < 1e-6, "{i}: {}", s.high);
        }
    }

    #[test]
    fn rows_that_vary_by_chance_alone_pool() {
        // Identical rates: the likelihood peaks at α + β → ∞.
        let rows = [(50, 100), (25, 50), (100, 200), (10, 20)];
        assert_eq!(fit(&rows), Some(Prior::Pooled { rate: 0.5 }));
        let s = shrink(Prior::Pooled { rate: 0.5 }, 3, 3);
        assert_eq!((s.rate, s.low, s.high), (0.5, 0.5, 0.5));
    }

    #[test]
    fn rising_factorials_match_ln_gamma_and_stay_exact_near_the_pooled_limit() {
        for (a, k) in [
            (0.3, 7.0),
            (9.99, 40.0),
            (10.0, 3.0),
            (22.67, 210.0),
            (1e3, 1e5),
        ] {
            let direct = ln_gamma(a + k) - ln_gamma(a);
            assert!(
                (ln_rising(a, k) - direct).abs() < 1e-9 * direct.abs().max(1.0),
                "{a} {k}"
            );
        }
        // ln Γ(a + k) − ln Γ(a) = Σ_{i<k} ln(a + i), summed term by term.
        for a in [1e4, 6.8e6, 1e8] {
            let exact: f64 = (0..25).map(|i| (a + i as f64).ln()).sum();
            assert!((ln_rising(a, 25.0) - exact).abs() < 1e-10, "{a}");
        }
    }

    #[test]
    fn rows_that_vary_less_than_chance_pool_rather_than_fit_on_rounding_noise() {
        // The 103 counties with decided cases of `rates --by county --from
        // 2023-03-15 --to 2023-05-10` on the sample (189 of 332). Their
        // profile likelihood at the pooled rate rises towards the binomial
        // limit all the way; ln L(α + β = s) − ln L(limit), summed term by
        // term (Σ ln(α + j) …) in Python's `math`, is below.
        #[rustfmt::skip]
        let rows: [(u64, u64); 103] = [
            (0, 3), (4, 4), (5, 9), (2, 4), (2, 4), (5, 5), (3, 4), (1, 1),
            (8, 10), (10, 12), (7, 11), (3, 6), (5, 7), (6, 11), (3, 4), (1, 1),
            (4, 8), (4, 6), (0, 1), (1, 1), (2, 2), (0, 1), (1, 2), (4, 7),
            (1, 3), (0, 1), (3, 3), (1, 1), (0, 1), (1, 5), (3, 3), (2, 3),
            (2, 3), (1, 1), (2, 2), (1, 2), (0, 1), (0, 1), (0, 1), (2, 2),
            (2, 4), (1, 2), (2, 4), (1, 1), (2, 5), (1, 1), (3, 5), (2, 2),
            (1, 1), (1, 1), (1, 5), (0, 1), (1, 1), (1, 2), (5, 9), (2, 5),
            (3, 4), (1, 2), (1, 2), (0, 1), (1, 1), (1, 2), (3, 4), (1, 2),
            (2, 4), (1, 6), (1, 5), (1, 2), (0, 2), (1, 4), (1, 3), (1, 1),
            (3, 3), (0, 2), (0, 2), (1, 2), (1, 2), (2, 3), (2, 5), (0, 1),
            (3, 6), (2, 2), (3, 5), (1, 1), (2, 4), (0, 2), (1, 1), (1, 1),
            (0, 1), (5, 9), (2, 2), (1, 3), (1, 1), (0, 1), (2, 2), (3, 3),
            (1, 1), (1, 1), (0, 1), (2, 3), (1, 3), (3, 7), (0, 1),
        ];
        let profile = [
            (1e3, -4.265_563_874e-3),
            (1e5, -3.944_702_897e-5),
            (1e6, -3.941_756_205e-6),
            (6.8e6, -5.796_289_031e-7),
            (1e8, -3.941_411_819e-8),
        ];
        let pooled = 189.0 / 332.0;
        let limit = pooled_log_likelihood(&rows);
        for (s, want) in profile {
            let got = log_likelihood(&rows, pooled * s, (1.0 - pooled) * s) - limit;
            assert!(
                (got - want).abs() < 1e-3 * want.abs(),
                "α + β = {s}: {got} vs {want}"
            );
        }
        assert_eq!(fit(&rows), Some(Prior::Pooled { rate: pooled }));
    }

    #[test]
    fn fewer_than_three_rows_with_cases_give_no_fit() {
        assert_eq!(fit(&[(3, 4), (5, 9), (0, 0)]), None);
    }

    #[test]
    fn beta_quantiles_match_scipy() {
        // scipy.stats.beta.ppf(0.025, 2.5, 7.5) = 0.04930192297659401,
        // scipy.stats.beta.ppf(0.975, 2.5, 7.5) = 0.5438244331193475.
        assert!((beta_quantile(2.5, 7.5, 0.025) - 0.049_301_922_976_594_01).abs() < 1e-9);
        assert!((beta_quantile(2.5, 7.5, 0.975) - 0.543_824_433_119_347_5).abs() < 1e-9);
    }
}
