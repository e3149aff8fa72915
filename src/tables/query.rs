//! Tables of `disputes query`: the schema, and a query result as a table.

use chrono::{DateTime, NaiveDate};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{self as adt, DataType as ArrowType, TimeUnit};

use super::{Column, ColumnKind, Table, Value};
use crate::analysis::sql::{QueryResult, SqlEngine};
use crate::messages::pick;

/// The tables `query` offers and their columns, with SQL types.
pub fn schema_table(engine: &SqlEngine) -> Table {
    let rows = engine
        .schema()
        .iter()
        .flat_map(|(table, columns)| {
            columns.iter().map(move |(column, dtype)| {
                vec![
                    Value::text(*table),
                    Value::text(column.clone()),
                    Value::text(*dtype),
                ]
            })
        })
        .collect();
    Table {
        title: "disputes query: tables".to_string(),
        notes: vec![pick(
            "mediation、hotline 是合并后的有效行；枚举为英文代码（outcome：success、failure、withdrawn、pending）；rejects 是被剔除的行（文件、行、列、原因），files 是每个文件的行数核算",
            "mediation and hotline hold the accepted rows after merging; enums as English codes (outcome: success, failure, withdrawn, pending); rejects lists the rows set aside (file, line, column, reason), files the row accounting of each file",
        )
        .to_string()],
        columns: vec![
            Column::new("table", "表", "table", ColumnKind::Key),
            Column::new("column", "列", "column", ColumnKind::Text),
            Column::new("type", "类型", "type", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

/// How a column of a result reads: integers as counts, other numbers as
/// numbers, everything else by its value (dates, yes/no, text).
fn kind_of(t: &ArrowType) -> ColumnKind {
    match t {
        ArrowType::Dictionary(_, value) => kind_of(value),
        t if t.is_integer() => ColumnKind::Count,
        ArrowType::Decimal128(_, 0) | ArrowType::Decimal256(_, 0) => ColumnKind::Count,
        t if t.is_floating()
            || matches!(t, ArrowType::Decimal128(..) | ArrowType::Decimal256(..)) =>
        {
            ColumnKind::Number
        }
        _ => ColumnKind::Text,
    }
}

/// Row `row` of an array as a cell.
fn cell(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    let other = || {
        let options = datafusion::arrow::util::display::FormatOptions::default();
        datafusion::arrow::util::display::ArrayFormatter::try_new(array, &options)
            .map(|f| Value::text(f.value(row).to_string()))
            .unwrap_or(Value::Null)
    };
    match array.data_type() {
        ArrowType::Boolean => Value::Bool(array.as_boolean().value(row)),
        ArrowType::Int8 => Value::Int(array.as_primitive::<adt::Int8Type>().value(row).into()),
        ArrowType::Int16 => Value::Int(array.as_primitive::<adt::Int16Type>().value(row).into()),
        ArrowType::Int32 => Value::Int(array.as_primitive::<adt::Int32Type>().value(row).into()),
        ArrowType::Int64 => Value::Int(array.as_primitive::<adt::Int64Type>().value(row)),
        ArrowType::UInt8 => Value::Int(array.as_primitive::<adt::UInt8Type>().value(row).into()),
        ArrowType::UInt16 => Value::Int(array.as_primitive::<adt::UInt16Type>().value(row).into()),
        ArrowType::UInt32 => Value::Int(array.as_primitive::<adt::UInt32Type>().value(row).into()),
        ArrowType::UInt64 => {
            let v = array.as_primitive::<adt::UInt64Type>().value(row);
            i64::try_from(v).map_or(Value::Float(v as f64), Value::Int)
        }
        ArrowType::Float32 => {
            Value::Float(array.as_primitive::<adt::Float32Type>().value(row).into())
        }
        ArrowType::Float64 => Value::Float(array.as_primitive::<adt::Float64Type>().value(row)),
        ArrowType::Decimal128(_, scale) => {
            let v = array.as_primitive::<adt::Decimal128Type>().value(row);
            match (*scale, i64::try_from(v)) {
                (0, Ok(i)) => Value::Int(i),
                (s, _) => Value::Float(v as f64 / 10f64.powi(i32::from(s))),
            }
        }
        ArrowType::Utf8 => Value::text(array.as_string::<i32>().value(row)),
        ArrowType::LargeUtf8 => Value::text(array.as_string::<i64>().value(row)),
        ArrowType::Utf8View => Value::text(array.as_string_view().value(row)),
        ArrowType::Date32 => {
            let days = array.as_primitive::<adt::Date32Type>().value(row);
            NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|e| e.checked_add_signed(chrono::TimeDelta::days(days.into())))
                .map_or_else(other, Value::Date)
        }
        ArrowType::Timestamp(unit, None) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<adt::TimestampSecondType>().value(row),
                TimeUnit::Millisecond => array
                    .as_primitive::<adt::TimestampMillisecondType>()
                    .value(row),
                TimeUnit::Microsecond => array
                    .as_primitive::<adt::TimestampMicrosecondType>()
                    .value(row),
                TimeUnit::Nanosecond => array
                    .as_primitive::<adt::TimestampNanosecondType>()
                    .value(row),
            };
            let micros = match unit {
                TimeUnit::Second => v.checked_mul(1_000_000),
                TimeUnit::Millisecond => v.checked_mul(1_000),
                TimeUnit::Microsecond => Some(v),
                TimeUnit::Nanosecond => Some(v / 1_000),
            };
            micros
                .and_then(DateTime::from_timestamp_micros)
                .map_or_else(other, |t| Value::DateTime(t.naive_utc()))
        }
        _ => other(),
    }
}

/// Where a result is shown, for the note on how to see rows left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    CommandLine,
    Prompt,
}

/// A query result as a table. With `unmask` (asked for by name), phone
/// numbers show in full; without it every column masks them. A result cut
/// to its first rows says how many were left out and how to get them.
pub fn result_table(result: &QueryResult, title: &str, unmask: bool, shown: Shown) -> Table {
    let columns: Vec<Column> = result
        .schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f.name().as_str();
            // In a narrow terminal the columns go from the right: the asker
            // put the ones that matter first. The first always stays.
            let importance = if i == 0 { 255 } else { 254 - i.min(253) as u8 };
            let mut column =
                Column::new(name, name, name, kind_of(f.data_type())).with_importance(importance);
            column.shows_phones = unmask;
            column
        })
        .collect();
    let mut rows = Vec::with_capacity(result.kept_rows());
    for batch in &result.batches {
        // Dictionary-encoded text (the logs' enums and free text) as text.
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|a| match a.data_type() {
                ArrowType::Dictionary(_, value) => {
                    datafusion::arrow::compute::cast(a, value).unwrap_or_else(|_| a.clone())
                }
                _ => a.clone(),
            })
            .collect();
        for row in 0..batch.num_rows() {
            rows.push(columns.iter().map(|a| cell(a.as_ref(), row)).collect());
        }
    }
    let mut notes = Vec::new();
    let hidden = result.total_rows - rows.len();
    if hidden > 0 {
        let (kept, all) = (rows.len(), result.total_rows);
        notes.push(
            crate::messages::Message::QueryRowsHidden {
                kept,
                hidden,
                all,
                at_prompt: shown == Shown::Prompt,
            }
            .to_string(),
        );
    }
    Table {
        title: title.to_string(),
        notes,
        columns,
        rows,
        total: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Date32Array, Decimal128Array, TimestampMicrosecondArray};

    #[test]
    fn arrow_cells_become_typed_values() {
        let d = Date32Array::from(vec![Some(19_430), None]);
        assert_eq!(
            cell(&d, 0),
            Value::Date(NaiveDate::from_ymd_opt(2023, 3, 14).unwrap())
        );
        assert_eq!(cell(&d, 1), Value::Null);
        // 2023-03-14 13:21:00 in microseconds since 1970.
        let t = TimestampMicrosecondArray::from(vec![1_678_800_060_000_000]);
        assert_eq!(
            cell(&t, 0),
            Value::DateTime(
                NaiveDate::from_ymd_opt(2023, 3, 14)
                    .unwrap()
                    .and_hms_opt(13, 21, 0)
                    .unwrap()
            )
        );
        // HUGEINT sums arrive as DECIMAL(38,0); DECIMAL(10,2) as a number.
        let big = Decimal128Array::from(vec![12_345_i128])
            .with_precision_and_scale(38, 0)
            .unwrap();
        assert_eq!(cell(&big, 0), Value::Int(12_345));
        let money = Decimal128Array::from(vec![12_345_i128])
            .with_precision_and_scale(10, 2)
            .unwrap();
        assert_eq!(cell(&money, 0), Value::Float(123.45));
    }
}
