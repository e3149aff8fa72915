//! The headline figures of a period (the province's mediation and hotline
//! totals) and the same figures for the periods it is compared with: the
//! period before and the same period a year earlier.

use chrono::Datelike;
use polars::prelude::*;

use super::coverage::{self, DataRange};
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

/// The headline of `period` with its comparisons: the period before and
/// the same period a year earlier (`named`: a calendar month, quarter, half
/// or year; else a span of days), each only where the data (`range`)
/// reaches it.
pub fn compute(
    logs: &Logs,
    regions: &RegionTable,
    period: &Period,
    named: bool,
    judgement: &Judgement,
    sla_days: f64,
    range: Option<DataRange>,
) -> PolarsResult<Headline> {
    let figures_of = |p: Option<Period>| -> PolarsResult<Option<PeriodFigures>> {
        match p {
            Some(p) if coverage::reaches(range, &p) => {
                Ok(Some(period_figures(logs, regions, judgement, sla_days, p)?))
            }
            _ => Ok(None),
        }
    };
    // For a calendar year the period before is the year before.
    let is_year = named && period.month_count() == Some(12);
    Ok(Headline {
        current: period_figures(logs, regions, judgement, sla_days, period.clone())?,
        previous: figures_of(period.previous(named))?,
        year_ago: if is_year {
            None
        } else {
            figures_of(period.year_earlier(named))?
        },
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
