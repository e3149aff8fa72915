//! Mediation success rates per group, judged against the baseline.
//!
//! success_rate = successes / decided, over cases closed in the period (by
//! closed_on); decided = successes + failures (+ withdrawn with
//! `--withdrawn-as-failure`). Each row gets a 95% Wilson interval and an
//! exact two-sided binomial test against the baseline; the p-values of rows
//! with at least `min_cases` decided cases are Benjamini–Hochberg adjusted
//! together, and only an adjusted p below alpha makes a row above/below.

use polars::prelude::*;

use super::groups::{self, Dimension, KeyValue};
use crate::period::Period;
use crate::regions::RegionTable;
use crate::stats;

/// How success rates are judged against the baseline: the same settings
/// for every table of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// The target rate regions are judged against (the province's "over 50%").
    pub baseline: f64,
    /// Significance level for the Benjamini–Hochberg-adjusted p-value.
    pub alpha: f64,
    /// Rows with fewer decided cases are `too_few` and outside the adjustment.
    pub min_cases: u64,
    /// Withdrawn cases count as failures (in the denominator).
    pub withdrawn_as_failure: bool,
}

impl Default for Judgement {
    fn default() -> Judgement {
        Judgement {
            baseline: 0.5,
            alpha: 0.05,
            min_cases: 10,
            withdrawn_as_failure: false,
        }
    }
}

/// What a rates table covers: its grouping, its period and how it judges.
#[derive(Debug, Clone)]
pub struct RatesOptions {
    pub by: Vec<Dimension>,
    pub period: Period,
    pub judgement: Judgement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Above,
    Below,
    NotDistinguishable,
    TooFew,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Above => "above",
            Verdict::Below => "below",
            Verdict::NotDistinguishable => "not_distinguishable",
            Verdict::TooFew => "too_few",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    pub successes: u64,
    pub failures: u64,
    pub withdrawn: u64,
}

impl OutcomeCounts {
    pub fn closed(&self) -> u64 {
        self.successes + self.failures + self.withdrawn
    }

    pub fn decided(&self, withdrawn_as_failure: bool) -> u64 {
        self.successes
            + self.failures
            + if withdrawn_as_failure {
                self.withdrawn
            } else {
                0
            }
    }

    fn add(&mut self, other: &OutcomeCounts) {
        self.successes += other.successes;
        self.failures += other.failures;
        self.withdrawn += other.withdrawn;
    }
}

#[derive(Debug, Clone)]
pub struct RateRow {
    pub keys: Vec<KeyValue>,
    pub counts: OutcomeCounts,
    pub decided: u64,
    pub success_rate: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub verdict: Verdict,
}

impl groups::Grouped for RateRow {
    fn keys(&self) -> &[KeyValue] {
        &self.keys
    }
}

#[derive(Debug, Clone)]
pub struct Rates {
    pub rows: Vec<RateRow>,
    /// The whole province (all rows together), tested alone.
    pub total: RateRow,
}

/// The rate, interval and test of one group, before the family adjustment.
pub fn rate_row(keys: Vec<KeyValue>, counts: OutcomeCounts, opts: &Judgement) -> RateRow {
    let decided = counts.decided(opts.withdrawn_as_failure);
    let s = counts.successes;
    RateRow {
        keys,
        counts,
        decided,
        success_rate: (decided > 0).then(|| s as f64 / decided as f64),
        ci: stats::wilson_interval(s, decided, 0.95),
        p_value: stats::binomial_test_two_sided(s, decided, opts.baseline),
        p_adjusted: None,
        verdict: Verdict::TooFew,
    }
}

fn verdict(rate: Option<f64>, p: Option<f64>, opts: &Judgement) -> Verdict {
    match (rate, p) {
        (Some(r), Some(p)) if p < opts.alpha && r > opts.baseline => Verdict::Above,
        (Some(r), Some(p)) if p < opts.alpha && r < opts.baseline => Verdict::Below,
        _ => Verdict::NotDistinguishable,
    }
}

/// BH-adjusts the p-values of the rows with at least `min_cases` decided
/// cases, and gives every row its verdict.
pub fn judge(rows: &mut [RateRow], opts: &Judgement) {
    let family: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].decided >= opts.min_cases && rows[i].p_value.is_some())
        .collect();
    let p: Vec<f64> = family
        .iter()
        .map(|&i| rows[i].p_value.unwrap_or(1.0))
        .collect();
    let adjusted = stats::benjamini_hochberg(&p);
    for (&i, q) in family.iter().zip(adjusted) {
        rows[i].p_adjusted = Some(q);
    }
    for row in rows.iter_mut() {
        row.verdict = if row.decided < opts.min_cases || row.decided == 0 {
            Verdict::TooFew
        } else {
            verdict(row.success_rate, row.p_adjusted, opts)
        };
    }
}

pub fn compute(
    mediation: &DataFrame,
    regions: &RegionTable,
    opts: &RatesOptions,
) -> PolarsResult<Rates> {
    let closed_on = col("closed_on");
    let key_exprs: Vec<Expr> = opts
        .by
        .iter()
        .map(|&d| groups::key_expr(d, regions, closed_on.clone()))
        .collect();
    let agg = mediation
        .clone()
        .lazy()
        .filter(
            opts.period
                .contains(closed_on.clone())
                .and(col("outcome").neq(lit("pending"))),
        )
        .with_columns(key_exprs)
        .group_by(groups::key_columns(&opts.by))
        .agg([
            col("outcome").eq(lit("success")).sum().alias("successes"),
            col("outcome").eq(lit("failure")).sum().alias("failures"),
            col("outcome").eq(lit("withdrawn")).sum().alias("withdrawn"),
        ])
        .collect()?;

    let mut total_counts = OutcomeCounts::default();
    let mut rows = Vec::new();
    for (keys, i) in groups::full_table(&agg, &opts.by, regions, &opts.period)? {
        let c = OutcomeCounts {
            successes: groups::count_at(&agg, "successes", i)?,
            failures: groups::count_at(&agg, "failures", i)?,
            withdrawn: groups::count_at(&agg, "withdrawn", i)?,
        };
        total_counts.add(&c);
        rows.push(rate_row(keys, c, &opts.judgement));
    }
    let judgement = &opts.judgement;
    judge(&mut rows, judgement);

    let mut total = rate_row(Vec::new(), total_counts, judgement);
    total.verdict = if total.decided < judgement.min_cases || total.decided == 0 {
        Verdict::TooFew
    } else {
        verdict(total.success_rate, total.p_value, judgement)
    };
    Ok(Rates { rows, total })
}

/// `--sort rate`: highest success rate first, rows without a rate last.
pub fn sort_by_rate(rows: &mut [RateRow]) {
    rows.sort_by(|a, b| match (a.success_rate, b.success_rate) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Judgement {
        Judgement::default()
    }

    fn row(s: u64, f: u64, w: u64) -> RateRow {
        rate_row(
            Vec::new(),
            OutcomeCounts {
                successes: s,
                failures: f,
                withdrawn: w,
            },
            &opts(),
        )
    }

    #[test]
    fn published_county_figure_is_not_distinguishable() {
        // 54/93 ("59%", a real top-10 county): p = 0.14618 (scipy.stats.binomtest).
        let mut rows = vec![row(54, 39, 0)];
        judge(&mut rows, &opts());
        assert_eq!(rows[0].verdict, Verdict::NotDistinguishable);
        assert!((rows[0].p_value.unwrap() - 0.14618).abs() < 5e-6);
    }

    #[test]
    fn few_cases_are_too_few_and_outside_the_family() {
        let mut rows = vec![row(0, 5, 0), row(30, 10, 0)];
        judge(&mut rows, &opts());
        assert_eq!(rows[0].verdict, Verdict::TooFew);
        assert!(rows[0].p_value.is_some());
        assert_eq!(rows[0].p_adjusted, None);
        // Family of one: adjusted = raw, 30/40 p = 0.0022214 (scipy) → above.
        assert_eq!(rows[1].verdict, Verdict::Above);
    }

    #[test]
    fn clearly_low_rate_is_below() {
        let mut rows = vec![row(120, 180, 0)];
        judge(&mut rows, &opts());
        assert_eq!(rows[0].verdict, Verdict::Below);
    }

    #[test]
    fn withdrawn_cases_enter_the_denominator_only_on_request() {
        let r = row(6, 2, 4);
        assert_eq!(r.decided, 8);
        assert_eq!(r.counts.closed(), 12);
        let mut o = opts();
        o.withdrawn_as_failure = true;
        let r = rate_row(
            Vec::new(),
            OutcomeCounts {
                successes: 6,
                failures: 2,
                withdrawn: 4,
            },
            &o,
        );
        assert_eq!(r.decided, 12);
        assert_eq!(r.success_rate, Some(0.5));
    }

    #[test]
    fn zero_decided_has_no_rate_interval_or_p() {
        let r = row(0, 0, 3);
        assert_eq!(r.success_rate, None);
        assert_eq!(r.ci, None);
        assert_eq!(r.p_value, None);
    }
}
