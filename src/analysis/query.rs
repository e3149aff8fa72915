//! The tables `disputes query` and `disputes export` offer: the checked,
//! merged logs with region names and the derived columns staff ask about,
//! the region table, the rejected rows and the row accounting — as typed
//! Polars frames, phone numbers masked unless asked otherwise. The SQL
//! engine ([`super::sql`]) takes them from here.
//!
//! Types, as documented in docs/query.md: dates are dates, date-times are
//! date-times, every integer (counts, codes, line numbers) is a 64-bit
//! integer, durations are numbers in named columns (`days_to_close`,
//! `hours_to_close`), enums are their English codes as text.

use polars::prelude::*;

use crate::ingest::Logs;
use crate::ingest::parse::mask_phone;
use crate::ingest::schema::LogKind;
use crate::regions::{Level, RegionTable};

/// The table names, in the order `--schema` lists them.
pub const TABLES: [&str; 5] = ["mediation", "hotline", "regions", "rejects", "files"];

pub struct QueryTables {
    tables: Vec<(&'static str, DataFrame)>,
}

/// Region names by code, as an expression on a code column.
fn region_names(code: &str, regions: &RegionTable) -> Expr {
    let (codes, names): (Vec<u32>, Vec<String>) =
        regions.all().map(|r| (r.code, r.name.clone())).unzip();
    col(code).replace_strict(
        lit(Series::new("".into(), codes)),
        lit(Series::new("".into(), names)),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    )
}

/// The bookkeeping columns, under names for people.
fn provenance(df: DataFrame, logs: &Logs, kind: LogKind) -> PolarsResult<DataFrame> {
    let paths: Vec<String> = logs
        .files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.path.clone())
        .collect();
    let indexes: Vec<u32> = (0..paths.len() as u32).collect();
    df.lazy()
        .with_columns([
            col(crate::ingest::merge::FILE)
                .replace_strict(
                    lit(Series::new("".into(), indexes)),
                    lit(Series::new("".into(), paths)),
                    Some(lit(NULL).cast(DataType::String)),
                    Some(DataType::String),
                )
                .alias("source_file"),
            col(crate::ingest::validate::LINE).alias("source_line"),
        ])
        .collect()
        .map(|df| df.drop_many([crate::ingest::merge::FILE, crate::ingest::validate::LINE]))
}

/// One type per kind of value: enums and free text as text, every integer
/// as a 64-bit integer (codes and line numbers too, so SQL arithmetic on
/// them never wraps).
fn plain_types(frame: DataFrame) -> PolarsResult<DataFrame> {
    let columns: Vec<Expr> = frame
        .schema()
        .iter()
        .map(|(name, dtype)| match dtype {
            DataType::Categorical(..) | DataType::Enum(..) => {
                col(name.clone()).cast(DataType::String)
            }
            t if t.is_integer() => col(name.clone()).cast(DataType::Int64),
            _ => col(name.clone()),
        })
        .collect();
    frame.lazy().select(columns).collect()
}

/// Every text column with its phone numbers masked: `caller_phone` holds
/// one number per cell (138****1234); anywhere else a number typed into
/// free text is masked where it stands.
fn mask_text(frame: &mut DataFrame) -> PolarsResult<()> {
    let names: Vec<PlSmallStr> = frame
        .schema()
        .iter()
        .filter(|(_, t)| **t == DataType::String)
        .map(|(n, _)| n.clone())
        .collect();
    for name in names {
        let text = frame.column(&name)?.str()?;
        let masked: StringChunked = if name == "caller_phone" {
            text.iter().map(|p| p.map(mask_phone)).collect()
        } else {
            // Most free-text columns hold no phone at all: leave them be.
            let needs = |v: &str| matches!(crate::render::masked(v), std::borrow::Cow::Owned(_));
            if !text.iter().flatten().any(needs) {
                continue;
            }
            text.iter()
                .map(|v| v.map(|v| crate::render::masked(v).into_owned()))
                .collect()
        };
        frame.with_column(masked.into_series().with_name(name).into_column())?;
    }
    Ok(())
}

fn mediation(logs: &Logs, regions: &RegionTable) -> PolarsResult<DataFrame> {
    let days = |c: &str| col(c).cast(DataType::Int32).cast(DataType::Int64);
    let frame = logs
        .mediation
        .clone()
        .lazy()
        .with_columns([
            region_names("prefecture_code", regions).alias("prefecture"),
            region_names("county_code", regions).alias("county"),
            col("closed_on").dt().strftime("%Y-%m").alias("month"),
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
        ])
        .collect()?;
    plain_types(provenance(frame, logs, LogKind::Mediation)?)
}

fn hotline(logs: &Logs, regions: &RegionTable) -> PolarsResult<DataFrame> {
    let frame = logs
        .hotline
        .clone()
        .lazy()
        .with_columns([
            region_names("prefecture_code", regions).alias("prefecture"),
            region_names("county_code", regions).alias("county"),
            col("received_at").dt().strftime("%Y-%m").alias("month"),
            (col("closed_at").cast(DataType::Int64) - col("received_at").cast(DataType::Int64))
                .alias("hours_to_close"),
            col("status")
                .cast(DataType::String)
                .eq(lit("closed"))
                .alias("is_closed"),
        ])
        .collect()?;
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
    plain_types(provenance(frame, logs, LogKind::Hotline)?)
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
        let mut tables = vec![
            ("mediation", mediation(logs, regions)?),
            ("hotline", hotline(logs, regions)?),
            ("regions", region_frame(regions)?),
            ("rejects", reject_frame(logs)?),
            ("files", file_frame(logs)?),
        ];
        if !unmask {
            for (_, frame) in &mut tables {
                mask_text(frame)?;
            }
        }
        Ok(QueryTables { tables })
    }

    /// Each table by name, in [`TABLES`] order.
    pub fn frames(&self) -> &[(&'static str, DataFrame)] {
        &self.tables
    }
}
