//! The headline figures of a period (the province's mediation and hotline
//! totals) and the same figures for the periods it is compared with: the
//! period before and the same period a year earlier.

use chrono::Datelike;
use polars::prelude::*;

use super::hotline::{self, HotlineOptions};
use super::rates::{self, Judgement, RateRow, RatesOptions};
use crate::ingest::Logs;
use crate::period::Period;
use crate::regions::RegionTable;

/// The headline figures of one period.
pub struct PeriodFigures {
    pub period: Period,
    /// The province's mediation figures (cases closed in the period).
    pub mediation: RateRow,
    /// Hotline tickets received in the period.
    pub received: u64,
    pub hotline_closed: u64,
    pub closure_rate: Option<f64>,
}

pub struct Headline {
    pub current: PeriodFigures,
    /// The period before, when the data reaches it (has closed cases there).
    pub previous: Option<PeriodFigures>,
    /// The same period a year earlier, when the data reaches it.
    pub year_ago: Option<PeriodFigures>,
}

fn period_figures(
    logs: &Logs,
    regions: &RegionTable,
    judgement: &Judgement,
    sla_days: f64,
    period: Period,
) -> PolarsResult<PeriodFigures> {
    let rates_opts = RatesOptions {
        by: Vec::new(),
        period: period.clone(),
        judgement: judgement.clone(),
    };
    let mediation = rates::compute(&logs.mediation, regions, &rates_opts)?.total;
    let hotline_opts = HotlineOptions {
        by: Vec::new(),
        period: period.clone(),
        sla_days,
    };
    let hl = hotline::compute(&logs.hotline, regions, &hotline_opts)?.total;
    Ok(PeriodFigures {
        period,
        mediation,
        received: hl.received,
        hotline_closed: hl.closed,
        closure_rate: hl.closure_rate,
    })
}

/// A comparison period's figures, or none when the data has no closed case
/// and no ticket there (the data does not reach it).
fn reached(figures: PeriodFigures) -> Option<PeriodFigures> {
    (figures.mediation.counts.closed() > 0 || figures.received > 0).then_some(figures)
}

/// The headline of `period` (whole months) with its comparisons.
pub fn compute(
    logs: &Logs,
    regions: &RegionTable,
    period: &Period,
    judgement: &Judgement,
    sla_days: f64,
) -> PolarsResult<Headline> {
    let months = period.month_count().unwrap_or(1);
    let comparison = |shift: i32| -> PolarsResult<Option<PeriodFigures>> {
        match period.shifted_by_months(shift) {
            Some(p) => Ok(reached(period_figures(
                logs, regions, judgement, sla_days, p,
            )?)),
            None => Ok(None),
        }
    };
    Ok(Headline {
        current: period_figures(logs, regions, judgement, sla_days, period.clone())?,
        previous: comparison(-months)?,
        // For a year report the previous period is the year before.
        year_ago: if months == 12 { None } else { comparison(-12)? },
    })
}

/// The last month with a closed case (the default report month), as YYYY-MM.
pub fn latest_month(logs: &Logs) -> PolarsResult<Option<String>> {
    let latest = logs
        .mediation
        .column("closed_on")?
        .as_materialized_series()
        .max_reduce()?;
    Ok(match latest.value() {
        AnyValue::Date(days) => chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163)
            .map(|d| format!("{:04}-{:02}", d.year(), d.month())),
        _ => None,
    })
}
