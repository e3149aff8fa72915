//! `date_diff(part, start, end)` (also `datediff`), as DuckDB and
//! PostgreSQL-style tools spell it and as staff ask "how many days between
//! received and closed": the number of `part` boundaries from start to end.
//! DataFusion has no such function; this is it, with DuckDB's meaning
//! (`date_diff('month', DATE '2023-01-31', DATE '2023-02-01')` is 1).

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};
use datafusion::arrow::array::{Array, AsArray, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

pub fn register(context: &SessionContext) {
    context.register_udf(ScalarUDF::from(DateDiff::new()));
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct DateDiff {
    signature: Signature,
    aliases: Vec<String>,
}

impl DateDiff {
    fn new() -> DateDiff {
        DateDiff {
            signature: Signature::any(3, Volatility::Immutable),
            aliases: vec!["datediff".to_string()],
        }
    }
}

/// The parts `date_diff` counts, as DuckDB names them.
#[derive(Clone, Copy)]
enum Part {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

fn part_of(name: &str) -> Option<Part> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "year" | "years" | "y" | "yr" | "yrs" | "yy" | "yyyy" => Part::Year,
        "quarter" | "quarters" | "q" => Part::Quarter,
        "month" | "months" | "mon" | "mons" | "mm" => Part::Month,
        "week" | "weeks" | "w" | "wk" => Part::Week,
        "day" | "days" | "d" | "dd" => Part::Day,
        "hour" | "hours" | "h" | "hr" | "hrs" => Part::Hour,
        "minute" | "minutes" | "min" | "mins" | "m" => Part::Minute,
        "second" | "seconds" | "s" | "sec" | "secs" => Part::Second,
        _ => return None,
    })
}

/// How many `part` boundaries lie between `a` and `b` (negative when `b`
/// is earlier).
fn between(part: Part, a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    let months = |t: NaiveDateTime| i64::from(t.year()) * 12 + i64::from(t.month0());
    let days = |t: NaiveDateTime| i64::from(t.date().num_days_from_ce());
    let seconds = |t: NaiveDateTime| days(t) * 86_400 + i64::from(t.num_seconds_from_midnight());
    match part {
        Part::Year => i64::from(b.year()) - i64::from(a.year()),
        Part::Quarter => months(b).div_euclid(3) - months(a).div_euclid(3),
        Part::Month => months(b) - months(a),
        // DuckDB counts whole weeks elapsed here, not Monday boundaries.
        Part::Week => (days(b) - days(a)) / 7,
        Part::Day => days(b) - days(a),
        Part::Hour => seconds(b).div_euclid(3_600) - seconds(a).div_euclid(3_600),
        Part::Minute => seconds(b).div_euclid(60) - seconds(a).div_euclid(60),
        Part::Second => seconds(b) - seconds(a),
    }
}

impl ScalarUDFImpl for DateDiff {
    fn name(&self) -> &str {
        "date_diff"
    }

    fn aliases(&self) -> &[String] {
        &self.aliases
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let when = |t: &DataType| {
            matches!(
                t,
                DataType::Date32
                    | DataType::Date64
                    | DataType::Timestamp(..)
                    | DataType::Utf8
                    | DataType::LargeUtf8
                    | DataType::Utf8View
                    | DataType::Null
            )
        };
        match arg_types {
            [_, a, b] if when(a) && when(b) => Ok(DataType::Int64),
            _ => plan_err!(
                "date_diff(part, start, end) takes a part ('day', 'month', …) and two dates or date-times"
            ),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let parts = cast(&arrays[0], &DataType::Utf8)?;
        let parts = parts.as_string::<i32>();
        let stamp = DataType::Timestamp(TimeUnit::Microsecond, None);
        let starts = cast(&arrays[1], &stamp)?;
        let ends = cast(&arrays[2], &stamp)?;
        let starts = starts.as_primitive::<TimestampMicrosecondType>();
        let ends = ends.as_primitive::<TimestampMicrosecondType>();
        let at = |micros: i64| DateTime::from_timestamp_micros(micros).map(|t| t.naive_utc());
        let mut out = Vec::with_capacity(args.number_rows);
        for row in 0..args.number_rows {
            if parts.is_null(row) || starts.is_null(row) || ends.is_null(row) {
                out.push(None);
                continue;
            }
            let Some(part) = part_of(parts.value(row)) else {
                return exec_err!(
                    "date_diff: unknown part '{}' (year, quarter, month, week, day, hour, minute, second)",
                    parts.value(row)
                );
            };
            match (at(starts.value(row)), at(ends.value(row))) {
                (Some(a), Some(b)) => out.push(Some(between(part, a, b))),
                _ => out.push(None),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(Int64Array::from(out))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn boundaries_crossed_as_duckdb_counts_them() {
        // Reference: DuckDB 2.0.1 (Python package), SELECT date_diff(part, a, b).
        assert_eq!(
            between(Part::Month, t(2023, 1, 31, 0, 0), t(2023, 2, 1, 0, 0)),
            1
        );
        assert_eq!(
            between(Part::Year, t(2022, 12, 31, 0, 0), t(2023, 1, 1, 0, 0)),
            1
        );
        assert_eq!(
            between(Part::Day, t(2023, 3, 1, 23, 0), t(2023, 3, 2, 1, 0)),
            1
        );
        assert_eq!(
            between(Part::Day, t(2023, 6, 1, 0, 0), t(2023, 5, 1, 0, 0)),
            -31
        );
        assert_eq!(
            between(Part::Hour, t(2023, 3, 1, 9, 59), t(2023, 3, 1, 10, 0)),
            1
        );
        assert_eq!(
            between(Part::Quarter, t(2023, 3, 31, 0, 0), t(2023, 4, 1, 0, 0)),
            1
        );
        assert_eq!(
            between(Part::Week, t(2023, 3, 5, 0, 0), t(2023, 3, 6, 0, 0)),
            0
        );
        assert_eq!(
            between(Part::Week, t(2023, 3, 1, 0, 0), t(2023, 3, 15, 0, 0)),
            2
        );
        assert_eq!(
            between(Part::Month, t(2023, 5, 15, 0, 0), t(2023, 3, 20, 0, 0)),
            -2
        );
        assert_eq!(
            between(Part::Minute, t(2023, 3, 1, 9, 0), t(2023, 3, 1, 10, 30)),
            90
        );
    }
}
