//! The twelve months up to a period's end, each judged alone: the
//! province's rate per month and the prefectures below the baseline that
//! month, as a monthly `rates` table would judge them.

use chrono::Datelike;
use polars::prelude::*;

use super::coverage::{self, DataRange};
use super::groups::Dimension;
use super::rates::{self, Judgement, RateRow, Rates, RatesOptions, Verdict};
use crate::period::Period;
use crate::regions::RegionTable;

/// One month of the trend.
pub struct TrendMonth {
    pub month: String,
    /// Whether the data reaches the month (else it reads 数据未覆盖).
    pub covered: bool,
    /// The month as a period (first to last day).
    pub province_period: Period,
    pub province: RateRow,
    pub prefectures: Rates,
}

impl TrendMonth {
    /// Names of the prefectures judged below the baseline that month.
    pub fn below(&self) -> Vec<String> {
        self.prefectures
            .rows
            .iter()
            .filter(|r| r.verdict == Verdict::Below)
            .map(|r| r.keys.first().map_or("", |k| k.region_name()).to_string())
            .collect()
    }
}

/// The twelve months up to the end of `period`, oldest first.
pub fn compute(
    mediation: &DataFrame,
    regions: &RegionTable,
    period: &Period,
    judgement: &Judgement,
    range: Option<DataRange>,
) -> PolarsResult<Vec<TrendMonth>> {
    let Some(to) = period.to else {
        return Ok(Vec::new());
    };
    let last = Period::month(&format!("{:04}-{:02}", to.year(), to.month()))
        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let mut months = Vec::new();
    for shift in (0..12).rev() {
        let Some(month) = last.shifted_by_months(-shift) else {
            continue;
        };
        let opts = RatesOptions {
            by: vec![Dimension::Prefecture],
            period: month.clone(),
            judgement: judgement.clone(),
        };
        let prefectures = rates::compute(mediation, regions, &opts)?;
        let Some(from) = month.from else { continue };
        months.push(TrendMonth {
            month: format!("{:04}-{:02}", from.year(), from.month()),
            covered: coverage::reaches(range, &month),
            province_period: month.clone(),
            province: prefectures.total.clone(),
            prefectures,
        });
    }
    Ok(months)
}
