//! The tables `disputes query` answers SQL over: the checked, merged logs
//! with region names and the derived columns staff ask about, and the
//! region table. Caller phone numbers are masked unless asked otherwise.

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::ingest::Logs;
use crate::ingest::parse::mask_phone;
use crate::regions::{Level, RegionTable};

/// What a query failed on, with the tables and columns that do exist.
#[derive(Debug)]
pub struct QueryError {
    pub message: String,
    pub tables: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = crate::messages::Message::QueryFailed {
            detail: self.message.clone(),
            tables: self.tables.clone(),
        };
        write!(f, "{message}")
    }
}

impl std::error::Error for QueryError {}

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
fn provenance(
    df: DataFrame,
    logs: &Logs,
    kind: crate::ingest::schema::LogKind,
) -> PolarsResult<DataFrame> {
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

/// The logs keep enum and free-text columns dictionary-encoded; SQL users
/// see them as the text they are.
fn plain_text(frame: &DataFrame) -> LazyFrame {
    let columns: Vec<Expr> = frame
        .schema()
        .iter()
        .map(|(name, dtype)| match dtype {
            DataType::Categorical(..) => col(name.clone()).cast(DataType::String),
            _ => col(name.clone()),
        })
        .collect();
    frame.clone().lazy().select(columns)
}

impl QueryTables {
    pub fn new(logs: &Logs, regions: &RegionTable, unmask: bool) -> PolarsResult<QueryTables> {
        use crate::ingest::schema::LogKind;
        let mediation = plain_text(&logs.mediation)
            .lazy()
            .with_columns([
                region_names("prefecture_code", regions).alias("prefecture"),
                region_names("county_code", regions).alias("county"),
                col("closed_on").dt().strftime("%Y-%m").alias("month"),
                col("outcome").eq(lit("success")).alias("is_success"),
                col("outcome")
                    .is_in(
                        lit(Series::new("".into(), ["success", "failure"])).implode(false),
                        false,
                    )
                    .alias("is_decided"),
            ])
            .collect()?;
        let mut hotline = plain_text(&logs.hotline)
            .lazy()
            .with_columns([
                region_names("prefecture_code", regions).alias("prefecture"),
                region_names("county_code", regions).alias("county"),
                col("received_at").dt().strftime("%Y-%m").alias("month"),
                ((col("closed_at").cast(DataType::Int64)
                    - col("received_at").cast(DataType::Int64))
                .cast(DataType::Float64)
                    / lit(3_600_000.0))
                .alias("hours_to_close"),
                col("status").eq(lit("closed")).alias("is_closed"),
            ])
            .collect()?;
        if !unmask
            && hotline
                .get_column_names()
                .iter()
                .any(|c| c.as_str() == "caller_phone")
        {
            let masked: StringChunked = hotline
                .column("caller_phone")?
                .str()?
                .iter()
                .map(|p| p.map(mask_phone))
                .collect();
            hotline.with_column(masked.into_series().with_name("caller_phone".into()).into())?;
        }
        let regions_frame = df!(
            "code" => regions.all().map(|r| r.code).collect::<Vec<_>>(),
            "name" => regions.all().map(|r| r.name.clone()).collect::<Vec<_>>(),
            "short_name" => regions.all().map(|r| r.short_name.clone()).collect::<Vec<_>>(),
            "level" => regions.all().map(|r| match r.level {
                Level::Prefecture => "prefecture",
                Level::County => "county",
            }).collect::<Vec<_>>(),
            "parent_code" => regions.all().map(|r| r.parent_code).collect::<Vec<_>>(),
            "parent_name" => regions.all().map(|r| r.parent_code.map(|p| regions.name_of(p).to_string())).collect::<Vec<_>>(),
        )?;
        Ok(QueryTables {
            tables: vec![
                (
                    "mediation",
                    provenance(mediation, logs, LogKind::Mediation)?,
                ),
                ("hotline", provenance(hotline, logs, LogKind::Hotline)?),
                ("regions", regions_frame),
            ],
        })
    }

    /// Each table with its columns and their types.
    pub fn schema(&self) -> Vec<(&'static str, Vec<(String, String)>)> {
        self.tables
            .iter()
            .map(|(name, df)| {
                let columns = df
                    .schema()
                    .iter()
                    .map(|(c, t)| (c.to_string(), t.to_string()))
                    .collect();
                (*name, columns)
            })
            .collect()
    }

    fn listing(&self) -> String {
        self.schema()
            .iter()
            .map(|(name, columns)| {
                let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
                format!("  {name}: {}", names.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Runs one SQL statement over the tables.
    pub fn run(&self, sql: &str) -> Result<DataFrame, QueryError> {
        let mut ctx = SQLContext::new();
        for (name, df) in &self.tables {
            ctx.register(name, df.clone().lazy());
        }
        ctx.execute(sql)
            .and_then(|lf| lf.collect())
            .map_err(|e| QueryError {
                message: e.to_string(),
                tables: self.listing(),
            })
    }
}
