//! The tables `disputes query` and `disputes export` offer: the checked,
//! merged logs with region names and the derived columns staff ask about,
//! the region table, the rejected rows and the row accounting — as typed
//! Polars frames. The SQL engine ([`super::sql`]) takes them from here and
//! masks phone numbers on the way unless asked otherwise.
//!
//! Types, as documented in docs/query.md: dates are dates, date-times are
//! date-times, every integer (counts, codes, line numbers) is a 64-bit
//! integer, durations are numbers in named columns (`days_to_close`,
//! `hours_to_close`), enums are their English codes as text.

use polars::prelude::*;

use super::Streamed;
use crate::ingest::Logs;
use crate::ingest::schema::LogKind;
use crate::regions::{Level, RegionTable};

/// The table names, in the order `--schema` lists them.
pub const TABLES: [&str; 5] = ["mediation", "hotline", "regions", "rejects", "files"];

pub struct QueryTables {
    tables: Vec<(&'static str, DataFrame)>,
    /// Phone numbers kept in full (`--unmask`); otherwise every text is
    /// masked where the tables leave for the engine or a file
    /// ([`super::sql`]).
    pub unmask: bool,
}

/// Text columns with few distinct values over many rows are
/// dictionary-encoded: each text is made once and the rows point at it.
fn dictionary() -> DataType {
    DataType::from_categories(Categories::global())
}

/// Region names by code, as an expression on a code column.
fn region_names(code: &str, regions: &RegionTable) -> Expr {
    let (codes, names): (Vec<u32>, Vec<String>) =
        regions.all().map(|r| (r.code, r.name.clone())).unzip();
    col(code).replace_strict(
        lit(Series::new("".into(), codes)),
        lit(Series::new("".into(), names)),
        Some(lit(NULL).cast(DataType::String)),
        Some(dictionary()),
    )
}

/// The month (`2023-06`) of a date or date-time column: formatted once per
/// distinct day, not once per row.
fn month_of(frame: &DataFrame, column: &str) -> PolarsResult<Expr> {
    let days = frame
        .column(column)?
        .as_materialized_series()
        .cast(&DataType::Date)?
        .unique()?
        .drop_nulls();
    let months: Vec<String> = days
        .date()?
        .as_date_iter()
        .map(|d| d.map_or_else(String::new, |d| d.format("%Y-%m").to_string()))
        .collect();
    Ok(col(column).cast(DataType::Date).replace_strict(
        lit(days),
        lit(Series::new("".into(), months)),
        Some(lit(NULL).cast(DataType::String)),
        Some(dictionary()),
    ))
}

/// The bookkeeping columns, under names for people.
fn provenance(rows: LazyFrame, logs: &Logs, kind: LogKind) -> LazyFrame {
    let paths: Vec<String> = logs
        .files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.path.clone())
        .collect();
    let indexes: Vec<u32> = (0..paths.len() as u32).collect();
    rows.with_columns([
        col(crate::ingest::merge::FILE)
            .replace_strict(
                lit(Series::new("".into(), indexes)),
                lit(Series::new("".into(), paths)),
                Some(lit(NULL).cast(DataType::String)),
                Some(dictionary()),
            )
            .alias("source_file"),
        col(crate::ingest::validate::LINE).alias("source_line"),
    ])
    .drop(cols([
        crate::ingest::merge::FILE,
        crate::ingest::validate::LINE,
    ]))
}

/// Every integer as a 64-bit integer (codes and line numbers too, so SQL
/// arithmetic on them never wraps). Enums and free text stay
/// dictionary-encoded: the engine gets them as Arrow dictionaries (text to
/// SQL), each distinct text once.
fn plain_types(mut rows: LazyFrame) -> PolarsResult<LazyFrame> {
    let columns: Vec<Expr> = rows
        .collect_schema()?
        .iter()
        .map(|(name, dtype)| match dtype {
            t if t.is_integer() => col(name.clone()).cast(DataType::Int64),
            _ => col(name.clone()),
        })
        .collect();
    Ok(rows.select(columns))
}

/// The mediation table: one query, so that the rows are copied once.
fn mediation(logs: &Logs, regions: &RegionTable) -> PolarsResult<DataFrame> {
    let days = |c: &str| col(c).cast(DataType::Int32).cast(DataType::Int64);
    let rows = logs.mediation.clone().lazy().with_columns([
        region_names("prefecture_code", regions).alias("prefecture"),
        region_names("county_code", regions).alias("county"),
        month_of(&logs.mediation, "closed_on")?.alias("month"),
        (days("closed_on") - days("received_on")).alias("days_to_close"),
        col("outcome")
            .cast(DataType::String)
            .eq(lit("success"))
            .alias("is_success"),
        col("outcome")
            .cast(DataType::String)
            .is_in(
                lit(Series::new("".into(), ["success", "failure"])).implode(false),
                false,
            )
            .alias("is_decided"),
    ]);
    plain_types(provenance(rows, logs, LogKind::Mediation))?.collect_streamed()
}

fn hotline(logs: &Logs, regions: &RegionTable) -> PolarsResult<DataFrame> {
    let frame = logs
        .hotline
        .clone()
        .lazy()
        .with_columns([
            region_names("prefecture_code", regions).alias("prefecture"),
            region_names("county_code", regions).alias("county"),
            month_of(&logs.hotline, "received_at")?.alias("month"),
            (col("closed_at").cast(DataType::Int64) - col("received_at").cast(DataType::Int64))
                .alias("hours_to_close"),
            col("status")
                .cast(DataType::String)
                .eq(lit("closed"))
                .alias("is_closed"),
        ])
        .collect_streamed()?;
    // Milliseconds to hours by true division here: Polars multiplies by the
    // reciprocal, which gives 4 h as 3.9999999999999996.
    let mut frame = frame;
    let hours: Float64Chunked = frame
        .column("hours_to_close")?
        .i64()?
        .iter()
        .map(|ms| ms.map(|ms| ms as f64 / 3_600_000.0))
        .collect();
    frame.with_column(
        hours
            .into_series()
            .with_name("hours_to_close".into())
            .into_column(),
    )?;
    plain_types(provenance(frame.lazy(), logs, LogKind::Hotline))?.collect_streamed()
}

fn region_frame(regions: &RegionTable) -> PolarsResult<DataFrame> {
    df!(
        "code" => regions.all().map(|r| i64::from(r.code)).collect::<Vec<_>>(),
        "name" => regions.all().map(|r| r.name.clone()).collect::<Vec<_>>(),
        "short_name" => regions.all().map(|r| r.short_name.clone()).collect::<Vec<_>>(),
        "level" => regions.all().map(|r| match r.level {
            Level::Prefecture => "prefecture",
            Level::County => "county",
        }).collect::<Vec<_>>(),
        "parent_code" => regions.all().map(|r| r.parent_code.map(i64::from)).collect::<Vec<_>>(),
        "parent_name" => regions.all().map(|r| r.parent_code.map(|p| regions.name_of(p).to_string())).collect::<Vec<_>>(),
    )
}

/// The rejected rows: where each one is and why (the reason as `validate`
/// gives it, phones masked) — never the raw record.
fn reject_frame(logs: &Logs) -> PolarsResult<DataFrame> {
    let r = &logs.rejects;
    df!(
        "file" => r.iter().map(|x| x.path.clone()).collect::<Vec<_>>(),
        "kind" => r.iter().map(|x| x.kind.name()).collect::<Vec<_>>(),
        "line" => r.iter().map(|x| i64::from(x.line)).collect::<Vec<_>>(),
        "column" => r.iter().map(|x| x.column.map(|c| c as i64)).collect::<Vec<_>>(),
        "column_name" => r.iter().map(|x| x.column_name.clone()).collect::<Vec<_>>(),
        "problem" => r.iter().map(|x| x.problem.code()).collect::<Vec<_>>(),
        "reason" => r.iter().map(|x| x.reason.clone()).collect::<Vec<_>>(),
    )
}

/// The row accounting of every file read: read = accepted + duplicates +
/// superseded + rejected.
fn file_frame(logs: &Logs) -> PolarsResult<DataFrame> {
    let f = &logs.files;
    let count = |get: fn(&crate::ingest::FileAccount) -> usize| {
        f.iter().map(|x| get(x) as i64).collect::<Vec<_>>()
    };
    df!(
        "file" => f.iter().map(|x| x.path.clone()).collect::<Vec<_>>(),
        "kind" => f.iter().map(|x| x.kind.name()).collect::<Vec<_>>(),
        "format" => f.iter().map(|x| x.encoding.code()).collect::<Vec<_>>(),
        "read" => count(|x| x.read),
        "accepted" => count(|x| x.accepted),
        "duplicates" => count(|x| x.duplicates),
        "superseded" => count(|x| x.superseded),
        "rejected" => count(|x| x.rejected),
    )
}

impl QueryTables {
    pub fn new(logs: &Logs, regions: &RegionTable, unmask: bool) -> PolarsResult<QueryTables> {
        let tables = vec![
            ("mediation", mediation(logs, regions)?),
            ("hotline", hotline(logs, regions)?),
            ("regions", region_frame(regions)?),
            ("rejects", reject_frame(logs)?),
            ("files", file_frame(logs)?),
        ];
        Ok(QueryTables { tables, unmask })
    }

    /// Each table by name, in [`TABLES`] order.
    pub fn frames(&self) -> &[(&'static str, DataFrame)] {
        &self.tables
    }
}
