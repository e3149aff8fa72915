//! The span of dates the data covers, so that a period the data does not
//! reach reads 数据未覆盖 rather than 0, and a report of such a period is
//! refused.

use chrono::NaiveDate;
use polars::prelude::*;

use super::Streamed;
use crate::analysis::groups::{Dimension, KeyValue};
use crate::period::Period;

/// From the earliest to the latest date in the accepted rows of a kind:
/// received_on and closed_on for mediation, the days of received_at and
/// closed_at for the hotline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataRange {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

fn date_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days + 719_163)
}

/// The earliest and latest day of `dates` (Date expressions) in `frame`.
fn span(frame: &DataFrame, dates: &[Expr]) -> PolarsResult<Option<DataRange>> {
    if frame.height() == 0 {
        return Ok(None);
    }
    let mut first: Option<i32> = None;
    let mut last: Option<i32> = None;
    for d in dates {
        let out = frame
            .clone()
            .lazy()
            .select([
                d.clone().min().cast(DataType::Int32).alias("lo"),
                d.clone().max().cast(DataType::Int32).alias("hi"),
            ])
            .collect_streamed()?;
        if let Some(lo) = out.column("lo")?.i32()?.get(0) {
            first = Some(first.map_or(lo, |f| f.min(lo)));
        }
        if let Some(hi) = out.column("hi")?.i32()?.get(0) {
            last = Some(last.map_or(hi, |l| l.max(hi)));
        }
    }
    Ok(match (first.and_then(date_of), last.and_then(date_of)) {
        (Some(first), Some(last)) => Some(DataRange { first, last }),
        _ => None,
    })
}

impl DataRange {
    pub fn of_mediation(mediation: &DataFrame) -> PolarsResult<Option<DataRange>> {
        span(mediation, &[col("received_on"), col("closed_on")])
    }

    pub fn of_hotline(hotline: &DataFrame) -> PolarsResult<Option<DataRange>> {
        span(
            hotline,
            &[col("received_at").dt().date(), col("closed_at").dt().date()],
        )
    }

    /// The days of the hotline's calls alone (received_at): how far its
    /// figures are final ([`crate::analysis::hotline::immature`]).
    pub fn of_hotline_calls(hotline: &DataFrame) -> PolarsResult<Option<DataRange>> {
        span(hotline, &[col("received_at").dt().date()])
    }

    /// The span of both, when either has one.
    pub fn union(a: Option<DataRange>, b: Option<DataRange>) -> Option<DataRange> {
        match (a, b) {
            (Some(a), Some(b)) => Some(DataRange {
                first: a.first.min(b.first),
                last: a.last.max(b.last),
            }),
            (a, None) => a,
            (None, b) => b,
        }
    }

    /// Whether the period has at least one day inside the range (an open
    /// end reaches everything on its side).
    pub fn covers(&self, period: &Period) -> bool {
        period.from.is_none_or(|f| f <= self.last) && period.to.is_none_or(|t| t >= self.first)
    }
}

/// Whether the data reaches the period: a range that covers it. No data at
/// all reaches nothing.
pub fn reaches(range: Option<DataRange>, period: &Period) -> bool {
    range.is_some_and(|r| r.covers(period))
}

/// Whether a row of a table grouped `by` is a month the data does not
/// reach: such a row reads 数据未覆盖, never 0 (bulletin.md).
pub fn row_outside(range: Option<DataRange>, by: &[Dimension], keys: &[KeyValue]) -> bool {
    by.iter().zip(keys).any(|(dim, key)| {
        *dim == Dimension::Month
            && Period::month(&key.key).is_ok_and(|month| !reaches(range, &month))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_period_overlapping_the_range_in_part_is_covered() {
        let r = DataRange {
            first: d(2023, 1, 2),
            last: d(2023, 12, 30),
        };
        assert!(r.covers(&Period::month("2023-01").unwrap()));
        assert!(r.covers(&Period::month("2023-12").unwrap()));
        assert!(!r.covers(&Period::month("2022-12").unwrap()));
        assert!(!r.covers(&Period::month("2024-01").unwrap()));
        assert!(r.covers(&Period::all()));
        assert!(!reaches(None, &Period::all()));
    }

    #[test]
    fn only_months_outside_the_range_are_outside() {
        let r = Some(DataRange {
            first: d(2023, 3, 31),
            last: d(2023, 5, 1),
        });
        let month = |m: &str| KeyValue {
            key: m.to_string(),
            label: crate::analysis::groups::KeyLabel::Text(m.to_string()),
        };
        let by = [Dimension::Month];
        assert!(row_outside(r, &by, &[month("2023-02")]));
        assert!(!row_outside(r, &by, &[month("2023-03")]));
        assert!(!row_outside(r, &by, &[month("2023-05")]));
        assert!(row_outside(r, &by, &[month("2023-06")]));
        assert!(row_outside(None, &by, &[month("2023-03")]));
        // Not grouped by month: never outside.
        assert!(!row_outside(r, &[Dimension::Source], &[month("2023-06")]));
    }
}
