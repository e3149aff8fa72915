//! How the 12351 hotline served callers, per group.
//!
//! Over tickets received in the period (by received_at, whole days):
//! received; closed (status 已办结); closure_rate = closed / received;
//! hours_to_close = closed_at − received_at over closed tickets, as median
//! and p90 with linear interpolation (numpy's default); on_time_rate =
//! closed tickets with hours_to_close ≤ 24 × sla_days / closed;
//! satisfaction_rate = (满意 + 基本满意) / tickets evaluated (满意, 基本满意 or
//! 不满意); referred = tickets handled 转调解; referral_rate = referred / received.

use polars::prelude::*;

use super::Streamed;
use super::coverage::{self, DataRange};
use super::groups::{self, Dimension, KeyValue};
use crate::period::Period;
use crate::regions::RegionTable;
use crate::stats;

#[derive(Debug, Clone)]
pub struct HotlineOptions {
    pub by: Vec<Dimension>,
    pub period: Period,
    pub sla_days: f64,
}

#[derive(Debug, Clone)]
pub struct HotlineRow {
    pub keys: Vec<KeyValue>,
    pub received: u64,
    pub closed: u64,
    pub closure_rate: Option<f64>,
    pub median_hours_to_close: Option<f64>,
    pub p90_hours_to_close: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub referred: u64,
    pub referral_rate: Option<f64>,
    /// A month the data does not reach (grouped by month): 数据未覆盖, not 0.
    pub outside_data: bool,
}

impl groups::Grouped for HotlineRow {
    fn keys(&self) -> &[KeyValue] {
        &self.keys
    }
}

pub struct HotlineFigures {
    pub rows: Vec<HotlineRow>,
    /// The whole province, quantiles over all its tickets.
    pub total: HotlineRow,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Milliseconds from received_at to closed_at (null for open tickets).
/// Hours are made from them by true division in Rust ([`hours`]): Polars
/// divides by a literal as a multiplication by its reciprocal, which made
/// one hour 0.9999999999999999.
fn milliseconds_to_close() -> Expr {
    col("closed_at").cast(DataType::Int64) - col("received_at").cast(DataType::Int64)
}

/// Milliseconds as hours, as numpy divides a timedelta by one hour.
fn hours(milliseconds: i64) -> f64 {
    milliseconds as f64 / 3_600_000.0
}

fn figures(sla_days: f64) -> Vec<Expr> {
    let closed = col("status").eq(lit("closed"));
    let milliseconds = col("__milliseconds");
    let satisfied = col("satisfaction")
        .eq(lit("satisfied"))
        .or(col("satisfaction").eq(lit("basically_satisfied")));
    let evaluated = satisfied
        .clone()
        .or(col("satisfaction").eq(lit("dissatisfied")));
    vec![
        len().alias("received"),
        closed.clone().sum().alias("closed"),
        // Each group's times, sorted: their quantiles are numpy's
        // (stats::quantile_linear_sorted), taken in `row_at`.
        milliseconds
            .clone()
            .drop_nulls()
            .sort(SortOptions::default())
            .alias("__sorted_milliseconds"),
        // Within 24 × sla_days hours, compared in milliseconds (no division).
        closed
            .and(
                milliseconds
                    .cast(DataType::Float64)
                    .lt_eq(lit(sla_days * 86_400_000.0)),
            )
            .sum()
            .alias("on_time"),
        evaluated.sum().alias("evaluated"),
        satisfied.sum().alias("satisfied"),
        col("handling").eq(lit("referred")).sum().alias("referred"),
    ]
}

fn row_at(agg: &DataFrame, keys: Vec<KeyValue>, i: Option<usize>) -> PolarsResult<HotlineRow> {
    let n = |name: &str| groups::count_at(agg, name, i);
    let received = n("received")?;
    let closed = n("closed")?;
    let referred = n("referred")?;
    let hours: Vec<f64> = match i {
        Some(i) => agg
            .column("__sorted_milliseconds")?
            .list()?
            .get_as_series(i)
            .map(|s| s.i64().map(|v| v.into_no_null_iter().map(hours).collect()))
            .transpose()?
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(HotlineRow {
        keys,
        received,
        closed,
        closure_rate: ratio(closed, received),
        median_hours_to_close: stats::quantile_linear_sorted(&hours, 0.5),
        p90_hours_to_close: stats::quantile_linear_sorted(&hours, 0.9),
        on_time_rate: ratio(n("on_time")?, closed),
        satisfaction_rate: ratio(n("satisfied")?, n("evaluated")?),
        referred,
        referral_rate: ratio(referred, received),
        outside_data: false,
    })
}

/// Whether a period's hotline figures are not final yet (bulletin.md): its
/// end + `sla_days` is after the latest received_at in the data, so tickets
/// of its last days may still close on time.
pub fn immature(hotline: &DataFrame, period: &Period, sla_days: f64) -> PolarsResult<bool> {
    let calls = DataRange::of_hotline_calls(hotline)?;
    Ok(match (period.to, calls) {
        (Some(end), Some(r)) => end + chrono::Duration::days(sla_days.ceil() as i64) > r.last,
        _ => false,
    })
}

pub fn compute(
    hotline: &DataFrame,
    regions: &RegionTable,
    opts: &HotlineOptions,
) -> PolarsResult<HotlineFigures> {
    let day = col("received_at").dt().date();
    let key_exprs: Vec<Expr> = opts
        .by
        .iter()
        .map(|&d| groups::key_expr(d, regions, day.clone()))
        .collect();
    let in_period = hotline
        .clone()
        .lazy()
        .filter(opts.period.contains(day.clone()))
        .with_columns(key_exprs)
        .with_column(milliseconds_to_close().alias("__milliseconds"));
    let agg = in_period
        .clone()
        .group_by(groups::key_columns(&opts.by))
        .agg(figures(opts.sla_days))
        .collect_streamed()?;
    // The total as one group, so that its hours are a list like a row's.
    let total_agg = in_period
        .with_column(lit(0u32).alias("__all"))
        .group_by([col("__all")])
        .agg(figures(opts.sla_days))
        .collect_streamed()?;

    let range = if opts.by.contains(&Dimension::Month) {
        DataRange::of_hotline(hotline)?
    } else {
        None
    };
    let rows = groups::full_table(&agg, &opts.by, regions, &opts.period)?
        .into_iter()
        .map(|(keys, i)| {
            let mut row = row_at(&agg, keys, i)?;
            row.outside_data = coverage::row_outside(range, &opts.by, &row.keys);
            Ok(row)
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    // No ticket in the period: no group, every figure zero or empty.
    let total = row_at(
        &total_agg,
        Vec::new(),
        (total_agg.height() > 0).then_some(0),
    )?;
    Ok(HotlineFigures { rows, total })
}
