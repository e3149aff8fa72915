//! Mediation success rates per group, judged against the baseline.
//!
//! success_rate = successes / decided, over cases closed in the period (by
//! closed_on); decided = successes + failures (+ withdrawn with
//! `--withdrawn-as-failure`). Each row gets a 95% Wilson interval and an
//! exact two-sided binomial test against the baseline; the p-values of rows
//! with at least `min_cases` decided cases are Benjamini–Hochberg adjusted
//! together, and only an adjusted p below alpha makes a row above/below.

use polars::prelude::*;

use super::Streamed;
use super::coverage::{self, DataRange};
use super::groups::{self, Dimension, KeyValue};
use crate::period::{Period, day_lit};
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

/// Caseload, money and people of a group over the period (bulletin.md):
/// received = cases received in it; pending_at_end = cases received by its
/// end and not closed by then; the money and people over the cases closed
/// in it (empty cells count 0; amount_cases counts those with an amount).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Caseload {
    pub received: u64,
    pub pending_at_end: u64,
    /// Money in whole fen (分), so that sums of groups are exact (no
    /// 87665685.54999998): [`Caseload::amount_yuan`].
    pub amount_fen: u64,
    pub amount_cases: u64,
    /// 调解金额 (为职工挽回经济损失) over the successes closed in the period,
    /// in fen: [`Caseload::settled_yuan`].
    pub settled_fen: u64,
    pub workers: u64,
}

impl Caseload {
    fn add(&mut self, other: &Caseload) {
        self.received += other.received;
        self.pending_at_end += other.pending_at_end;
        self.amount_fen += other.amount_fen;
        self.amount_cases += other.amount_cases;
        self.settled_fen += other.settled_fen;
        self.workers += other.workers;
    }

    /// 涉案金额 in yuan.
    pub fn amount_yuan(&self) -> f64 {
        self.amount_fen as f64 / 100.0
    }

    /// 调解金额 in yuan.
    pub fn settled_yuan(&self) -> f64 {
        self.settled_fen as f64 / 100.0
    }
}

/// A row's place in a fair league table: its rate shrunk toward the
/// table's by an empirical-Bayes beta-binomial model, and its rank by it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranking {
    pub shrunken: stats::beta_binomial::Shrunken,
    /// 1 = highest shrunken rate.
    pub rank: u32,
}

#[derive(Debug, Clone)]
pub struct RateRow {
    pub keys: Vec<KeyValue>,
    pub counts: OutcomeCounts,
    pub caseload: Caseload,
    /// None for rows without a decided case, and for every row of a table
    /// with fewer than three rows that have one.
    pub ranking: Option<Ranking>,
    pub decided: u64,
    pub success_rate: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub verdict: Verdict,
    /// A month the data does not reach (grouped by month): its figures are
    /// 数据未覆盖, not 0.
    pub outside_data: bool,
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
    /// The rows vary no more than chance: every shrunken rate is the
    /// pooled one and ranks go by decided cases. Decided over all rows,
    /// before any `--top`/`--bottom` keeps a few.
    pub ranked_by_pooled_rate: bool,
}

/// The rate, interval and test of one group, before the family adjustment.
pub fn rate_row(keys: Vec<KeyValue>, counts: OutcomeCounts, opts: &Judgement) -> RateRow {
    let decided = counts.decided(opts.withdrawn_as_failure);
    let s = counts.successes;
    RateRow {
        keys,
        counts,
        caseload: Caseload::default(),
        ranking: None,
        decided,
        success_rate: (decided > 0).then(|| s as f64 / decided as f64),
        ci: stats::wilson_interval(s, decided, 0.95),
        p_value: stats::binomial_test_two_sided(s, decided, opts.baseline),
        p_adjusted: None,
        verdict: Verdict::TooFew,
        outside_data: false,
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
    let keys_by = |day: Expr| -> Vec<Expr> {
        opts.by
            .iter()
            .map(|&d| groups::key_expr(d, regions, day.clone()))
            .collect()
    };
    let key_columns = groups::key_columns(&opts.by);
    let closed_on = col("closed_on");
    let success = col("outcome").eq(lit("success"));
    // Each row's figures are computed over the whole column first, so the
    // grouped step only adds them up: an expression other than a plain
    // column, evaluated group by group, costs a copy of its rows per group.
    let closed = mediation
        .clone()
        .lazy()
        .filter(
            opts.period
                .contains(closed_on.clone())
                .and(col("outcome").neq(lit("pending"))),
        )
        .with_columns(keys_by(closed_on))
        .with_columns([
            success.clone().alias("successes"),
            col("outcome").eq(lit("failure")).alias("failures"),
            col("outcome").eq(lit("withdrawn")).alias("withdrawn"),
            fen(col("amount_yuan")).alias("amount_fen"),
            col("amount_yuan").is_not_null().alias("amount_cases"),
            fen(when(success)
                .then(col("settled_yuan"))
                .otherwise(lit(NULL).cast(DataType::Float64)))
            .alias("settled_fen"),
            col("workers_involved")
                .fill_null(lit(0i64))
                .alias("workers"),
        ])
        .group_by(key_columns.clone())
        .agg(
            [
                "successes",
                "failures",
                "withdrawn",
                "amount_fen",
                "amount_cases",
                "settled_fen",
                "workers",
            ]
            .map(|name| col(name).sum()),
        )
        .collect_streamed()?;
    let received_on = col("received_on");
    let received = mediation
        .clone()
        .lazy()
        .filter(opts.period.contains(received_on.clone()))
        .with_columns(keys_by(received_on))
        .group_by(key_columns.clone())
        .agg([len().alias("received")])
        .collect_streamed()?;
    let pending = pending_at_end(mediation, regions, opts, &[&closed, &received])?;

    let mut total_counts = OutcomeCounts::default();
    let mut total_caseload = Caseload::default();
    let mut rows = Vec::new();
    let range = if opts.by.contains(&Dimension::Month) {
        DataRange::of_mediation(mediation)?
    } else {
        None
    };
    let aggs = [&closed, &received, &pending];
    for (keys, at) in groups::full_table_of(&aggs, &opts.by, regions, &opts.period)? {
        let (c, r, p) = (at[0], at[1], at[2]);
        let counts = OutcomeCounts {
            successes: groups::count_at(&closed, "successes", c)?,
            failures: groups::count_at(&closed, "failures", c)?,
            withdrawn: groups::count_at(&closed, "withdrawn", c)?,
        };
        let caseload = Caseload {
            received: groups::count_at(&received, "received", r)?,
            pending_at_end: groups::count_at(&pending, "pending", p)?,
            amount_fen: groups::count_at(&closed, "amount_fen", c)?,
            amount_cases: groups::count_at(&closed, "amount_cases", c)?,
            settled_fen: groups::count_at(&closed, "settled_fen", c)?,
            workers: groups::count_at(&closed, "workers", c)?,
        };
        total_counts.add(&counts);
        total_caseload.add(&caseload);
        let mut row = rate_row(keys, counts, &opts.judgement);
        row.caseload = caseload;
        row.outside_data = coverage::row_outside(range, &opts.by, &row.keys);
        rows.push(row);
    }
    if opts.by.contains(&Dimension::Month) {
        // The months' rows each count at their own month's end; the total
        // counts once, at the period's end.
        let pending = mediation
            .clone()
            .lazy()
            .filter(still_open(opts.period.to))
            .select([len().alias("pending")])
            .collect()?;
        total_caseload.pending_at_end = groups::count_at(&pending, "pending", Some(0))?;
    }
    let judgement = &opts.judgement;
    judge(&mut rows, judgement);
    let ranked_by_pooled_rate = rank(&mut rows);

    let mut total = rate_row(Vec::new(), total_counts, judgement);
    total.caseload = total_caseload;
    total.verdict = if total.decided < judgement.min_cases || total.decided == 0 {
        Verdict::TooFew
    } else {
        verdict(total.success_rate, total.p_value, judgement)
    };
    Ok(Rates {
        rows,
        total,
        ranked_by_pooled_rate,
    })
}

/// An amount in whole fen (分), so that sums of yuan with cents are exact
/// (no 7171273.5200000005); an empty cell counts 0.
fn fen(amount: Expr) -> Expr {
    (amount.fill_null(lit(0.0)) * lit(100.0))
        .round(0, RoundMode::HalfAwayFromZero)
        .cast(DataType::Int64)
}

/// A case pending at `end`: received by then and not closed by then (without
/// an end, still pending).
fn still_open(end: Option<chrono::NaiveDate>) -> Expr {
    match end {
        Some(end) => col("received_on").lt_eq(day_lit(end)).and(
            col("outcome")
                .eq(lit("pending"))
                .or(col("closed_on").gt(day_lit(end))),
        ),
        None => col("outcome").eq(lit("pending")),
    }
}

/// Cases pending at the end of the period, per group: received by its end
/// and not closed by then. Grouped by month, each month's row counts those
/// pending at that month's end (or the period's, when it ends inside the
/// month). Without an end, the cases still pending.
fn pending_at_end(
    mediation: &DataFrame,
    regions: &RegionTable,
    opts: &RatesOptions,
    others: &[&DataFrame],
) -> PolarsResult<DataFrame> {
    let pending_by = |end: Option<chrono::NaiveDate>, month_day: Expr| -> PolarsResult<DataFrame> {
        let keys: Vec<Expr> = opts
            .by
            .iter()
            .map(|&d| groups::key_expr(d, regions, month_day.clone()))
            .collect();
        mediation
            .clone()
            .lazy()
            .filter(still_open(end))
            .with_columns(keys)
            .group_by(groups::key_columns(&opts.by))
            .agg([len().alias("pending")])
            .collect_streamed()
    };
    if !opts.by.contains(&Dimension::Month) {
        return pending_by(opts.period.to, col("received_on"));
    }
    // One pass per month of the table, each judged at that month's end.
    let months = match opts.period.month_keys() {
        Some(m) => m,
        None => groups::observed_months(others)?,
    };
    let mut all: Option<DataFrame> = None;
    for month in months {
        let Ok(p) = Period::month(&month) else {
            continue;
        };
        // A month the period ends inside (`--to 2023-03-10`): at the
        // period's end.
        let Some(end) = p.to.map(|end| opts.period.to.map_or(end, |t| end.min(t))) else {
            continue;
        };
        let part = pending_by(Some(end), day_lit(end))?;
        match &mut all {
            Some(a) => {
                a.vstack_mut(&part)?;
            }
            None => all = Some(part),
        }
    }
    match all {
        Some(a) => Ok(a),
        None => pending_by(opts.period.to, col("received_on")),
    }
}

/// Ranks the rows by their shrunken rates (bulletin.md): rank 1 the
/// highest, ties by decided cases (more first), then table order. Every
/// row with a decided case is fitted and ranked, "(未填)" rows included, as
/// the spec defines it; the report's league tables leave those rows out
/// ([`crate::tables::report::ranked_counties`]). Returns whether the rows
/// vary no more than chance (every shrunken rate the pooled one).
pub fn rank(rows: &mut [RateRow]) -> bool {
    let observed: Vec<(u64, u64)> = rows
        .iter()
        .map(|r| (r.counts.successes, r.decided))
        .collect();
    for row in rows.iter_mut() {
        row.ranking = None;
    }
    let Some(prior) = stats::beta_binomial::fit(&observed) else {
        return false;
    };
    let mut ranked: Vec<(usize, stats::beta_binomial::Shrunken)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.decided > 0)
        .map(|(i, r)| {
            (
                i,
                stats::beta_binomial::shrink(prior, r.counts.successes, r.decided),
            )
        })
        .collect();
    ranked.sort_by(|(i, a), (j, b)| {
        b.rate
            .total_cmp(&a.rate)
            .then(rows[*j].decided.cmp(&rows[*i].decided))
            .then(i.cmp(j))
    });
    for (place, (i, shrunken)) in ranked.into_iter().enumerate() {
        rows[i].ranking = Some(Ranking {
            shrunken,
            rank: place as u32 + 1,
        });
    }
    matches!(prior, stats::beta_binomial::Prior::Pooled { .. })
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

    #[test]
    fn rows_of_cases_without_a_county_are_ranked_like_any_row() {
        let county = |unit: Option<u32>| KeyValue {
            key: format!("420100:{}", unit.map_or(String::new(), |u| u.to_string())),
            label: groups::KeyLabel::County {
                prefecture_code: 420100,
                prefecture: "武汉市".into(),
                county: unit.map(|u| (u, format!("区{u}"))),
            },
        };
        let mut rows = [
            (Some(1), 20, 20),
            (Some(2), 30, 40),
            (None, 27, 36),
            (Some(3), 10, 40),
        ]
        .map(|(unit, s, n)| {
            let mut r = row(s, n - s, 0);
            r.keys = vec![county(unit)];
            r
        });
        rank(&mut rows);
        let ranks: Vec<Option<u32>> = rows.iter().map(|r| r.ranking.map(|k| k.rank)).collect();
        assert_eq!(ranks, [Some(1), Some(2), Some(3), Some(4)]);
        assert!(rows[2].keys[0].is_not_given());
    }
}
