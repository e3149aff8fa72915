//! `disputes query`: Polars SQL over the checked data (tables `mediation`,
//! `hotline`, `regions`), one statement from the command line or an
//! interactive prompt that keeps the data loaded between queries.

use std::process::ExitCode;

use anyhow::Result;
use polars::prelude::*;

use crate::analysis::query::QueryTables;
use crate::cli::QueryArgs;
use crate::render::{self, Column, ColumnKind, Format, RenderOptions, Table, Value};

pub fn run(args: &QueryArgs) -> Result<ExitCode> {
    let (logs, regions) = super::load(&args.input)?;
    let tables = QueryTables::new(&logs, &regions, args.unmask)?;
    if args.schema {
        super::emit(&schema_table(&tables), &args.output, &[])?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.sql {
        Some(sql) => {
            let frame = tables.run(sql)?;
            super::emit(&frame_table(&frame, sql)?, &args.output, &[])?;
            Ok(ExitCode::SUCCESS)
        }
        None => prompt(&tables, args),
    }
}

/// The interactive prompt: one statement per line; `.schema` lists the
/// tables, `.quit` (or Ctrl-D) leaves. Errors are shown and the prompt goes on.
fn prompt(tables: &QueryTables, args: &QueryArgs) -> Result<ExitCode> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    let opts = RenderOptions {
        lang: args.output.lang,
        colour: false,
    };
    eprintln!(
        "disputes query: SQL over mediation, hotline, regions; .schema lists columns, .quit leaves"
    );
    loop {
        match editor.readline("disputes> ") {
            Ok(line) => {
                let sql = line.trim().trim_end_matches(';').trim();
                if sql.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                match sql {
                    ".quit" | ".exit" | "\\q" => break,
                    ".schema" => print!(
                        "{}",
                        render::render(&schema_table(tables), Format::Table, &opts)
                    ),
                    _ => match tables
                        .run(sql)
                        .map_err(anyhow::Error::from)
                        .and_then(|f| Ok(frame_table(&f, sql)?))
                    {
                        Ok(table) => print!("{}", render::render(&table, Format::Table, &opts)),
                        Err(e) => eprintln!("{e:#}"),
                    },
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn schema_table(tables: &QueryTables) -> Table {
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
fn frame_table(frame: &DataFrame, sql: &str) -> PolarsResult<Table> {
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
        columns.push(Column::new(name, name, name, kind));
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
