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

/// The stack of the thread a query is planned and run on.
const QUERY_STACK_BYTES: usize = 256 << 20;

/// At most this many AND/OR terms and this deep a nesting of brackets.
const MAX_TERMS: usize = 2_000;
const MAX_DEPTH: usize = 200;

/// Why a statement is too large to plan, if it is.
fn too_large(sql: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for c in sql.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let terms = sql
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or"))
        .count();
    (terms > MAX_TERMS || deepest > MAX_DEPTH).then(|| {
        crate::messages::Message::QueryTooLarge {
            terms: MAX_TERMS,
            depth: MAX_DEPTH,
        }
        .to_string()
    })
}

/// The engine's table functions read files (`read_csv('/etc/passwd')`):
/// a statement that names one is refused, so SQL sees only our tables.
fn reads_files(sql: &str) -> Option<String> {
    let lower = sql.to_lowercase();
    [
        "read_csv",
        "read_parquet",
        "read_ipc",
        "read_json",
        "read_ndjson",
        "scan_",
    ]
    .iter()
    .any(|f| lower.contains(f))
    .then(|| crate::messages::Message::QueryReadsFiles.to_string())
}

/// The message of a panic inside the engine.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the SQL engine failed".to_string())
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

    /// Runs one SQL statement over the tables. Only these tables can be
    /// read (the engine is built without its file readers); a statement
    /// too large to plan is refused; a failure inside the engine is an
    /// error, never a crash.
    pub fn run(&self, sql: &str) -> Result<DataFrame, QueryError> {
        let fail = |message: String| QueryError {
            message,
            tables: self.listing(),
        };
        if let Some(why) = too_large(sql).or_else(|| reads_files(sql)) {
            return Err(fail(why));
        }
        let run = || {
            let mut ctx = SQLContext::new();
            for (name, df) in &self.tables {
                ctx.register(name, df.clone().lazy());
            }
            ctx.execute(sql).and_then(|lf| lf.collect())
        };
        // Deep expressions recurse: plan them on a thread with room to.
        let outcome = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(QUERY_STACK_BYTES)
                .spawn_scoped(scope, || {
                    let quiet = std::panic::take_hook();
                    std::panic::set_hook(Box::new(|_| {}));
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
                    std::panic::set_hook(quiet);
                    result
                })
                .map(|handle| handle.join())
        });
        match outcome {
            Ok(Ok(Ok(Ok(frame)))) => Ok(frame),
            Ok(Ok(Ok(Err(e)))) => Err(fail(e.to_string())),
            Ok(Ok(Err(panic))) | Ok(Err(panic)) => Err(fail(panic_text(panic.as_ref()))),
            Err(e) => Err(fail(e.to_string())),
        }
    }
}
