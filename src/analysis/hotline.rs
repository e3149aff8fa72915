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

/// Hours from received_at to closed_at (null for open tickets).
fn hours_to_close() -> Expr {
    (col("closed_at").cast(DataType::Int64) - col("received_at").cast(DataType::Int64))
        .cast(DataType::Float64)
        / lit(3_600_000.0)
}

fn figures(sla_days: f64) -> Vec<Expr> {
    let closed = col("status").eq(lit("closed"));
    let hours = col("__hours");
    let satisfied = col("satisfaction")
        .eq(lit("satisfied"))
        .or(col("satisfaction").eq(lit("basically_satisfied")));
    let evaluated = satisfied
        .clone()
        .or(col("satisfaction").eq(lit("dissatisfied")));
    vec![
        len().alias("received"),
        closed.clone().sum().alias("closed"),
        hours
            .clone()
            .quantile(lit(0.5), QuantileMethod::Linear)
            .alias("median_hours_to_close"),
        hours
            .clone()
            .quantile(lit(0.9), QuantileMethod::Linear)
            .alias("p90_hours_to_close"),
        closed
            .and(hours.lt_eq(lit(24.0 * sla_days)))
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
    Ok(HotlineRow {
        keys,
        received,
        closed,
        closure_rate: ratio(closed, received),
        median_hours_to_close: groups::float_at(agg, "median_hours_to_close", i)?,
        p90_hours_to_close: groups::float_at(agg, "p90_hours_to_close", i)?,
        on_time_rate: ratio(n("on_time")?, closed),
        satisfaction_rate: ratio(n("satisfied")?, n("evaluated")?),
        referred,
        referral_rate: ratio(referred, received),
        outside_data: false,
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
        .with_column(hours_to_close().alias("__hours"));
    let agg = in_period
        .clone()
        .group_by(groups::key_columns(&opts.by))
        .agg(figures(opts.sla_days))
        .collect_streamed()?;
    let total_agg = in_period
        .select(figures(opts.sla_days))
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
    let total = row_at(&total_agg, Vec::new(), Some(0))?;
    Ok(HotlineFigures { rows, total })
}
