//! Tables of `disputes query`: the schema, and a query result as a table.

use polars::prelude::*;

use super::{Column, ColumnKind, Table, Value};
use crate::analysis::query::QueryTables;

/// The tables `query` offers and their columns.
pub fn schema_table(tables: &QueryTables) -> Table {
    let rows = tables
        .schema()
        .into_iter()
        .flat_map(|(table, columns)| {
            columns.into_iter().map(move |(column, dtype)| {
                vec![Value::text(table), Value::text(column), Value::text(dtype)]
            })
        })
        .collect();
    Table {
        title: "disputes query: tables".to_string(),
        notes: vec![
            "mediation and hotline hold the accepted rows after merging; enums as English codes (outcome: success, failure, withdrawn, pending)".to_string(),
        ],
        columns: vec![
            Column::new("table", "表", "table", ColumnKind::Key),
            Column::new("column", "列", "column", ColumnKind::Text),
            Column::new("type", "类型", "type", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

/// A query result as a table: integers as counts, floats as plain numbers,
/// everything else (dates included) as text.
/// With `unmask` (asked for by name), phone numbers show in full; without
/// it every column masks them.
pub fn frame_table(frame: &DataFrame, sql: &str, unmask: bool) -> PolarsResult<Table> {
    let mut columns = Vec::new();
    let mut cells: Vec<Vec<Value>> = vec![Vec::new(); frame.height()];
    for column in frame.columns() {
        let name = column.name().as_str();
        let dtype = column.dtype();
        let kind = if dtype.is_integer() {
            ColumnKind::Count
        } else if dtype.is_float() {
            ColumnKind::Number
        } else {
            ColumnKind::Text
        };
        let mut shown = Column::new(name, name, name, kind);
        shown.shows_phones = unmask;
        columns.push(shown);
        let series = column.as_materialized_series();
        match kind {
            ColumnKind::Count => {
                let ints = series.cast(&DataType::Int64)?;
                for (row, v) in ints.i64()?.iter().enumerate() {
                    cells[row].push(v.map_or(Value::Null, Value::Int));
                }
            }
            ColumnKind::Number => {
                let floats = series.cast(&DataType::Float64)?;
                for (row, v) in floats.f64()?.iter().enumerate() {
                    cells[row].push(Value::opt_float(v));
                }
            }
            _ => match series.cast(&DataType::String) {
                Ok(text) => {
                    for (row, v) in text.str()?.iter().enumerate() {
                        cells[row].push(v.map_or(Value::Null, Value::text));
                    }
                }
                // Lists and structs do not cast; print them as Polars does.
                Err(_) => {
                    for (row, cell) in cells.iter_mut().enumerate() {
                        cell.push(Value::text(series.get(row)?.to_string()));
                    }
                }
            },
        }
    }
    Ok(Table {
        title: sql.to_string(),
        notes: Vec::new(),
        columns,
        rows: cells,
        total: None,
    })
}
