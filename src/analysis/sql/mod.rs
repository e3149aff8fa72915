//! The SQL engine of `disputes query`, and the Parquet export: Apache
//! DataFusion, embedded (pure Rust; DuckDB's bundled C++ was measured and
//! does not build within CI's time on these machines: docs/BENCHMARKS.md).
//!
//! Polars loads and checks the logs; the typed tables of
//! [`super::query::QueryTables`] reach the engine as Arrow record batches
//! (no text round trip), a column at a time as statements read them. The
//! engine is read-only: statements may only query (`SELECT`, `WITH`,
//! `EXPLAIN`); creating tables, writing, `COPY`, `SET` and every file
//! reader are refused, and no table but ours exists, so
//! `read_csv('/etc/passwd')` names a function that is not there.

mod date_diff;

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, DictionaryArray, Int32Array, PrimitiveArray, StringArray,
};
use datafusion::arrow::buffer::{NullBuffer, ScalarBuffer};
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, Date32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType,
};
use datafusion::arrow::datatypes::{DataType as ArrowType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::catalog::memory::MemorySourceConfig;
use datafusion::catalog::{Session, TableProvider};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::context::SQLOptions;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use polars::prelude::{
    ChunkedArray, DataFrame, DataType, PolarsNumericType, TimeUnit as PlTimeUnit,
};
use rayon::prelude::*;

use super::query::QueryTables;
use crate::messages::Message;

/// Rows per record batch handed to the engine.
const BATCH_ROWS: usize = 122_880;

/// At most this many terms joined by operators (AND, OR, UNION, INTERSECT,
/// EXCEPT, `+ - * / % ||`) and this deep a nesting of brackets. The engine
/// plans a chain of them in time that grows faster than its length (2,000
/// `+`: 4 s; 6,000: 32 s), and recursing through 3,000 UNIONs overflowed an
/// 8 MiB stack.
const MAX_TERMS: usize = 2_000;
/// The stack a statement is planned and run on: deep expressions within the
/// limits recurse far (a thread's stack is only reserved, not used, until
/// touched).
const STATEMENT_STACK: usize = 512 << 20;
const MAX_DEPTH: usize = 200;
/// The parser's recursion levels a bracket may cost (an expression's one,
/// a subquery's a few): a statement within [`MAX_DEPTH`] brackets parses.
const PARSER_LEVELS_PER_BRACKET: usize = 4;
/// At most this many subqueries inside one another: planning doubles in
/// time with each further `IN (SELECT …)` (20 deep: 2.6 s; 25: minutes).
const MAX_SUBQUERIES: usize = 16;

/// What a statement failed on: the engine's message on one line and, when it
/// names something unknown, the tables and columns that do exist.
#[derive(Debug)]
pub struct QueryError {
    pub message: String,
    pub tables: Option<String>,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = Message::QueryFailed {
            detail: self.message.clone(),
            tables: self.tables.clone(),
        };
        write!(f, "{message}")
    }
}

impl std::error::Error for QueryError {}

impl QueryError {
    /// A failure that names nothing in the tables.
    fn plain(message: impl std::fmt::Display) -> QueryError {
        QueryError {
            message: message.to_string(),
            tables: None,
        }
    }
}

/// A statement's answer: its columns and every row, or the first rows and
/// how many there were in all.
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    /// Rows of the whole answer (more than `batches` hold when limited).
    pub total_rows: usize,
}

impl QueryResult {
    pub fn kept_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// The SQL type a column of the query tables has.
fn sql_type(dtype: &DataType) -> &'static str {
    match dtype {
        DataType::Boolean => "BOOLEAN",
        t if t.is_integer() => "BIGINT",
        t if t.is_float() => "DOUBLE",
        DataType::Date => "DATE",
        DataType::Datetime(..) => "TIMESTAMP",
        _ => "VARCHAR",
    }
}

fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A text as it may leave the tool: `caller_phone` holds one number per
/// cell (138****1234); anywhere else a number typed into free text is
/// masked where it stands. With `unmask`, as it is.
fn shown<'a>(text: &'a str, column: &str, unmask: bool) -> std::borrow::Cow<'a, str> {
    if unmask {
        std::borrow::Cow::Borrowed(text)
    } else if column == "caller_phone" {
        std::borrow::Cow::Owned(crate::ingest::parse::mask_phone(text))
    } else {
        crate::render::masked(text)
    }
}

/// One column of a frame as an Arrow array of the type [`arrow_type`]
/// says, phone numbers masked unless `unmask`.
fn arrow_column(
    column: &polars::prelude::Column,
    unmask: bool,
) -> polars::prelude::PolarsResult<ArrayRef> {
    let s = column.as_materialized_series();
    let name = s.name().as_str();
    Ok(match s.dtype() {
        DataType::Boolean => Arc::new(s.bool()?.iter().collect::<BooleanArray>()),
        t if t.is_integer() => {
            let s = s.cast(&DataType::Int64)?;
            Arc::new(primitive::<_, Int64Type>(s.i64()?))
        }
        t if t.is_float() => {
            let s = s.cast(&DataType::Float64)?;
            Arc::new(primitive::<_, Float64Type>(s.f64()?))
        }
        DataType::Date => Arc::new(primitive::<_, Date32Type>(s.date()?.physical())),
        DataType::Datetime(..) => {
            let s = s.cast(&DataType::Datetime(PlTimeUnit::Microseconds, None))?;
            Arc::new(primitive::<_, TimestampMicrosecondType>(
                s.datetime()?.physical(),
            ))
        }
        DataType::Categorical(_, mapping) | DataType::Enum(_, mapping) => {
            // Polars' codes index a dictionary shared by many columns: this
            // column's own, dense dictionary, each text masked once.
            let codes = s.to_physical_repr().cast(&DataType::UInt32)?;
            let codes = codes.u32()?;
            // Polars code → this dictionary's index (-1: not seen yet).
            let top = codes.iter().flatten().max().map_or(0, |m| m as usize + 1);
            let mut local = vec![-1i32; top];
            let mut values: Vec<Option<String>> = Vec::new();
            let keys: Int32Array = codes
                .iter()
                .map(|code| {
                    code.map(|code| {
                        let slot = &mut local[code as usize];
                        if *slot < 0 {
                            let text = mapping
                                .cat_to_str(code)
                                .map(|t| shown(t, name, unmask).into_owned());
                            values.push(text);
                            *slot = (values.len() - 1) as i32;
                        }
                        *slot
                    })
                })
                .collect();
            let values = StringArray::from(values);
            Arc::new(
                DictionaryArray::<Int32Type>::try_new(keys, Arc::new(values)).map_err(|e| {
                    polars::prelude::PolarsError::ComputeError(e.to_string().into())
                })?,
            )
        }
        // Text, and anything else as its text.
        dtype => {
            let text = match dtype {
                DataType::String => s.clone(),
                _ => s.cast(&DataType::String)?,
            };
            Arc::new(
                text.str()?
                    .iter()
                    .map(|v| v.map(|v| shown(v, name, unmask)))
                    .collect::<StringArray>(),
            )
        }
    })
}

/// A Polars number column as an Arrow array of the same numbers: values
/// copied chunk by chunk and the missing ones as a null buffer (going
/// through an `Option` per row was a fifth of the hand-off).
fn primitive<P, A>(column: &ChunkedArray<P>) -> PrimitiveArray<A>
where
    P: PolarsNumericType,
    A: ArrowPrimitiveType<Native = P::Native>,
    P::Native: datafusion::arrow::datatypes::ArrowNativeType,
{
    let mut values: Vec<A::Native> = Vec::with_capacity(column.len());
    let mut valid = (column.null_count() > 0).then(|| Vec::with_capacity(column.len()));
    for chunk in column.downcast_iter() {
        values.extend_from_slice(chunk.values());
        if let Some(valid) = &mut valid {
            match chunk.validity() {
                Some(bits) => valid.extend(bits.iter()),
                None => valid.extend(std::iter::repeat_n(true, chunk.len())),
            }
        }
    }
    PrimitiveArray::new(ScalarBuffer::from(values), valid.map(NullBuffer::from))
}

fn arrow_type(dtype: &DataType) -> ArrowType {
    if matches!(dtype, DataType::Categorical(..) | DataType::Enum(..)) {
        return ArrowType::Dictionary(Box::new(ArrowType::Int32), Box::new(ArrowType::Utf8));
    }
    match sql_type(dtype) {
        "BOOLEAN" => ArrowType::Boolean,
        "BIGINT" => ArrowType::Int64,
        "DOUBLE" => ArrowType::Float64,
        "DATE" => ArrowType::Date32,
        "TIMESTAMP" => ArrowType::Timestamp(TimeUnit::Microsecond, None),
        _ => ArrowType::Utf8,
    }
}

/// What the engine said, as one line: its message without the list of
/// valid fields it sometimes adds (we list the tables ourselves) and
/// without its catalog's name for our tables (`datafusion.public.`).
fn one_line(text: &str) -> String {
    let text = text.replace("datafusion.public.", "");
    let head = text.split("Valid fields are").next().unwrap_or(&text);
    head.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn engine_failed(e: datafusion::error::DataFusionError) -> QueryError {
    QueryError::plain(one_line(&e.to_string()))
}

/// The message of a panic inside the engine.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the SQL engine failed".to_string())
}

/// The words that join terms: AND, OR and the set operations.
fn joining_words(sql: &str) -> usize {
    sql.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| {
            ["and", "or", "union", "intersect", "except"]
                .iter()
                .any(|j| w.eq_ignore_ascii_case(j))
        })
        .count()
}

/// The arithmetic and concatenation operators outside quotes (`'2023-06-01'`
/// holds none).
fn operators(sql: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut count = 0;
    let mut previous = ' ';
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '+' | '-' | '*' | '/' | '%' => count += 1,
                // `||` once, not twice.
                '|' if previous != '|' => count += 1,
                _ => {}
            },
        }
        previous = if quote.is_some() { ' ' } else { c };
    }
    count
}

/// Why a statement is too large to plan, if it is.
fn too_large(sql: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    // Whether each open bracket opens a subquery (`(SELECT`, `(WITH`).
    let mut opened: Vec<bool> = Vec::new();
    let mut subqueries = 0usize;
    let mut most_subqueries = 0usize;
    for (i, c) in sql.char_indices() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
                let after = sql[i + 1..].trim_start();
                let subquery = after
                    .get(..6)
                    .is_some_and(|w| w.eq_ignore_ascii_case("select"))
                    || after
                        .get(..4)
                        .is_some_and(|w| w.eq_ignore_ascii_case("with"));
                subqueries += usize::from(subquery);
                most_subqueries = most_subqueries.max(subqueries);
                opened.push(subquery);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                if opened.pop() == Some(true) {
                    subqueries -= 1;
                }
            }
            _ => {}
        }
    }
    let terms = joining_words(sql) + operators(sql);
    (terms > MAX_TERMS || deepest > MAX_DEPTH || most_subqueries > MAX_SUBQUERIES).then(|| {
        Message::QueryTooLarge {
            terms: MAX_TERMS,
            depth: MAX_DEPTH,
            subqueries: MAX_SUBQUERIES,
        }
        .to_string()
    })
}

/// The statements of a text, split at semicolons outside quotes and
/// comments; empty statements dropped.
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                current.push(c);
                for d in chars.by_ref() {
                    current.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
                current.push(' ');
            }
            ';' => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether a text typed at the prompt is a whole statement yet: it ends
/// with a semicolon outside quotes and comments.
pub fn is_complete(sql: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut last = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '-' if chars.peek() == Some(&'-') => {
                    for d in chars.by_ref() {
                        if d == '\n' {
                            break;
                        }
                    }
                }
                c if c.is_whitespace() => {}
                c => last = Some(c),
            },
        }
    }
    quote.is_none() && last == Some(';')
}

/// A query table handed to the engine a column at a time, as statements
/// read them: a column becomes Arrow arrays (its texts masked) the first
/// time one asks for it, and is kept for the next. Most statements read a
/// few columns; masking every id of a 5M-row table for a count by
/// prefecture was a fifth of that query's time.
struct QueryTable {
    /// Unmasked: only [`arrow_column`] reads it.
    frame: DataFrame,
    schema: SchemaRef,
    unmask: bool,
    /// Rows per batch ([`BATCH_ROWS`]; tests take fewer).
    batch_rows: usize,
    /// Partitions scanned side by side (one per core).
    partitions: usize,
    /// Per column, its arrays of `batch_rows` rows each, once made.
    made: std::sync::Mutex<Vec<Option<Arc<Vec<ArrayRef>>>>>,
}

/// The engine asks for `Debug`; only the schema is shown, never the frame
/// (its texts are unmasked).
impl std::fmt::Debug for QueryTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryTable")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl QueryTable {
    fn new(frame: &DataFrame, unmask: bool, partitions: usize) -> QueryTable {
        let schema: SchemaRef = Arc::new(Schema::new(
            frame
                .schema()
                .iter()
                .map(|(c, t)| Field::new(c.as_str(), arrow_type(t), true))
                .collect::<Vec<_>>(),
        ));
        QueryTable {
            frame: frame.clone(),
            made: std::sync::Mutex::new(vec![None; schema.fields().len()]),
            schema,
            unmask,
            batch_rows: BATCH_ROWS,
            partitions,
        }
    }

    /// The first row of each batch.
    fn batch_offsets(&self) -> Vec<usize> {
        (0..self.frame.height()).step_by(self.batch_rows).collect()
    }

    /// The table's `columns` as record batches of `batch_rows` rows.
    fn batches(&self, columns: &[usize]) -> DfResult<(SchemaRef, Vec<RecordBatch>)> {
        let schema = Arc::new(self.schema.project(columns)?);
        let arrays = columns
            .iter()
            .map(|&i| self.column_arrays(i))
            .collect::<DfResult<Vec<_>>>()?;
        let batches = self
            .batch_offsets()
            .into_iter()
            .enumerate()
            .map(|(b, offset)| {
                let rows = self.batch_rows.min(self.frame.height() - offset);
                // No column asked (`count(*)`): batches still say their rows.
                let options = RecordBatchOptions::new().with_row_count(Some(rows));
                RecordBatch::try_new_with_options(
                    schema.clone(),
                    arrays.iter().map(|a| a[b].clone()).collect(),
                    &options,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((schema, batches))
    }

    /// Column `i` as arrays, one per batch (made on all cores the first time).
    fn column_arrays(&self, i: usize) -> DfResult<Arc<Vec<ArrayRef>>> {
        let unlocked = || DataFusionError::Internal("a query table was left half made".into());
        if let Some(done) = &self.made.lock().map_err(|_| unlocked())?[i] {
            return Ok(done.clone());
        }
        let column = &self.frame.columns()[i];
        let arrays = self
            .batch_offsets()
            .into_par_iter()
            .map(|offset| arrow_column(&column.slice(offset as i64, self.batch_rows), self.unmask))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| DataFusionError::External(Box::new(e)))?;
        let arrays = Arc::new(arrays);
        self.made.lock().map_err(|_| unlocked())?[i] = Some(arrays.clone());
        Ok(arrays)
    }
}

#[async_trait::async_trait]
impl TableProvider for QueryTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let columns: Vec<usize> = match projection {
            Some(p) => p.clone(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let (schema, batches) = self.batches(&columns)?;
        let mut partitions: Vec<Vec<RecordBatch>> = vec![Vec::new(); self.partitions.max(1)];
        let count = partitions.len();
        for (b, batch) in batches.into_iter().enumerate() {
            partitions[b % count].push(batch);
        }
        Ok(MemorySourceConfig::try_new_exec(&partitions, schema, None)?)
    }
}

/// The query tables in an embedded engine that reads nothing else.
pub struct SqlEngine {
    context: SessionContext,
    runtime: tokio::runtime::Runtime,
    schema: Vec<(&'static str, Vec<(String, &'static str)>)>,
}

/// What a statement may do: only read.
fn read_only() -> SQLOptions {
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
}

impl SqlEngine {
    pub fn new(tables: &QueryTables) -> Result<SqlEngine, QueryError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_stack_size(64 << 20)
            .build()
            .map_err(QueryError::plain)?;
        let config = SessionConfig::new()
            .with_target_partitions(threads)
            .with_information_schema(false)
            // The parser's own limit (50 by default) was below ours: a
            // statement within `MAX_DEPTH` brackets runs rather than failing
            // in the parser's words. Deep parsing grows its stack.
            .set_usize(
                "datafusion.sql_parser.recursion_limit",
                PARSER_LEVELS_PER_BRACKET * MAX_DEPTH + 50,
            );
        let context = SessionContext::new_with_config(config);
        date_diff::register(&context);
        for (name, frame) in tables.frames() {
            // One partition per core, so scans run on both.
            let table = QueryTable::new(frame, tables.unmask, threads);
            context
                .register_table(*name, Arc::new(table))
                .map_err(engine_failed)?;
        }
        let schema = tables
            .frames()
            .iter()
            .map(|(name, frame)| {
                let columns = frame
                    .schema()
                    .iter()
                    .map(|(c, t)| (c.to_string(), sql_type(t)))
                    .collect();
                (*name, columns)
            })
            .collect();
        Ok(SqlEngine {
            context,
            runtime,
            schema,
        })
    }

    /// Each table with its columns and their SQL types.
    pub fn schema(&self) -> &[(&'static str, Vec<(String, &'static str)>)] {
        &self.schema
    }

    fn listing(&self) -> String {
        self.schema
            .iter()
            .map(|(name, columns)| {
                let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
                format!("  {name}: {}", names.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Runs the statements of `sql` in order and answers with the last
    /// one's result, keeping at most `max_rows` rows of it (all with None).
    /// A statement too large to plan is refused; an engine failure is an
    /// error, never a crash.
    pub fn run(&self, sql: &str, max_rows: Option<usize>) -> Result<QueryResult, QueryError> {
        if let Some(why) = too_large(sql) {
            return Err(QueryError::plain(why));
        }
        let parts = statements(sql);
        if parts.is_empty() {
            return Err(QueryError::plain(Message::QueryEmpty));
        }
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut last = None;
            for part in &parts {
                last = Some(self.on_a_deep_stack(part, max_rows)?);
            }
            last.ok_or_else(|| QueryError::plain(Message::QueryEmpty))
        }));
        std::panic::set_hook(quiet);
        let result =
            outcome.unwrap_or_else(|panic| Err(QueryError::plain(panic_text(panic.as_ref()))));
        result.map_err(|mut e| {
            if names_unknown(&e.message) {
                e.tables = Some(self.listing());
            }
            if writes_or_reads_files(&e.message) {
                e.message = format!("{}（{}）", Message::QueryReadsFiles, e.message);
            }
            e
        })
    }

    /// One statement planned and run on a thread of [`STATEMENT_STACK`]
    /// (the caller's may be the main thread's 8 MiB): a panic there is the
    /// caller's to catch.
    fn on_a_deep_stack(
        &self,
        sql: &str,
        max_rows: Option<usize>,
    ) -> Result<QueryResult, QueryError> {
        std::thread::scope(|scope| {
            let thread = std::thread::Builder::new()
                .stack_size(STATEMENT_STACK)
                .spawn_scoped(scope, || self.runtime.block_on(self.one(sql, max_rows)))
                .map_err(QueryError::plain)?;
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    async fn one(&self, sql: &str, max_rows: Option<usize>) -> Result<QueryResult, QueryError> {
        use futures::StreamExt;
        let frame = self
            .context
            .sql_with_options(sql, read_only())
            .await
            .map_err(engine_failed)?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let mut stream = frame.execute_stream().await.map_err(engine_failed)?;
        let mut batches = Vec::new();
        let mut kept = 0usize;
        let mut total_rows = 0usize;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(engine_failed)?;
            total_rows += batch.num_rows();
            let room = max_rows.map_or(usize::MAX, |m| m.saturating_sub(kept));
            if room == 0 {
                continue;
            }
            let batch = if batch.num_rows() > room {
                batch.slice(0, room)
            } else {
                batch
            };
            kept += batch.num_rows();
            batches.push(batch);
        }
        Ok(QueryResult {
            schema,
            batches,
            total_rows,
        })
    }
}

/// Whether the engine's message is about a name it does not know.
fn names_unknown(message: &str) -> bool {
    !writes_or_reads_files(message)
        && (message.contains("No field named")
            || (message.contains("table '") && message.contains("not found"))
            || message.contains("Invalid function"))
}

/// Whether a statement was refused for trying to change or reach outside
/// the tables (a file reader, COPY, CREATE, SET, …).
fn writes_or_reads_files(message: &str) -> bool {
    message.contains("not supported: ")
        || (message.contains("table function") && message.contains("not found"))
        || message.contains("DDL not supported")
        || message.contains("DML not supported")
        || message.contains("Statement not supported")
}

/// The tables as Parquet files in `dir` (one per table, typed as
/// `--schema` lists them), and `duckdb.sql`, which builds a DuckDB database
/// file of them. Each file is written beside its final name and renamed
/// into place, so a failed export leaves no half-written file.
pub fn export_parquet(tables: &QueryTables, dir: &Path) -> Result<Vec<String>, QueryError> {
    use datafusion::parquet::arrow::ArrowWriter;
    use datafusion::parquet::basic::{Compression, ZstdLevel};
    use datafusion::parquet::file::properties::WriterProperties;
    std::fs::create_dir_all(dir).map_err(QueryError::plain)?;
    let mut written = Vec::new();
    let mut script = String::from(DUCKDB_SCRIPT_HEAD);
    for (name, frame) in tables.frames() {
        let table = QueryTable::new(frame, tables.unmask, 1);
        let every_column: Vec<usize> = (0..frame.width()).collect();
        let (schema, batches) = table.batches(&every_column).map_err(engine_failed)?;
        let path = dir.join(format!("{name}.parquet"));
        let part = dir.join(format!(".{name}.parquet.part"));
        let file = std::fs::File::create(&part).map_err(QueryError::plain)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let mut writer =
            ArrowWriter::try_new(file, schema, Some(props)).map_err(QueryError::plain)?;
        for batch in &batches {
            writer.write(batch).map_err(QueryError::plain)?;
        }
        writer.close().map_err(QueryError::plain)?;
        std::fs::rename(&part, &path).map_err(QueryError::plain)?;
        written.push(path.display().to_string());
        script.push_str(&format!(
            "CREATE OR REPLACE TABLE {} AS SELECT * FROM read_parquet('{name}.parquet');\n",
            quote_name(name)
        ));
    }
    let script_path = dir.join("duckdb.sql");
    crate::render::write_atomic(&script_path, script.as_bytes()).map_err(QueryError::plain)?;
    written.push(script_path.display().to_string());
    Ok(written)
}

/// How to turn the export into a DuckDB database file.
const DUCKDB_SCRIPT_HEAD: &str = "\
-- disputes export: the checked tables into a DuckDB database file.
-- 在导出文件夹里运行 / run inside the export folder:
--   duckdb disputes.duckdb -f duckdb.sql
-- or in Python: duckdb.connect('disputes.duckdb').execute(open('duckdb.sql').read())
";

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::AsArray;

    #[test]
    fn a_table_in_small_batches_gives_every_row_once_and_keeps_its_columns() {
        let frame = polars::df!(
            "note" => ["a", "call 13912345678", "b", "c", "d", "e", "f"],
            "n" => [1i64, 2, 3, 4, 5, 6, 7],
        )
        .unwrap();
        let mut table = QueryTable::new(&frame, false, 2);
        table.batch_rows = 3;
        let (schema, batches) = table.batches(&[1, 0]).unwrap();
        assert_eq!(schema.field(0).name(), "n");
        let rows: Vec<usize> = batches.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(rows, [3, 3, 1]);
        let numbers: Vec<i64> = batches
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
            .collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
        let second = batches[0].column(1).as_string::<i32>().value(1).to_string();
        assert_eq!(second, "call 139****5678");
        // Asked again, the same arrays: made once.
        let (_, again) = table.batches(&[0]).unwrap();
        assert!(Arc::ptr_eq(again[2].column(0), batches[2].column(1)));
        // No column asked (count(*)): the batches still count the rows.
        let (_, counted) = table.batches(&[]).unwrap();
        let rows: Vec<usize> = counted.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(rows, [3, 3, 1]);
        // No rows: no batches.
        let empty = QueryTable::new(&frame.head(Some(0)), false, 2);
        assert!(empty.batches(&[0, 1]).unwrap().1.is_empty());
        // Debug shows the schema, never the frame's unmasked texts.
        assert!(!format!("{table:?}").contains("13912345678"));
    }

    #[test]
    fn engine_messages_are_one_line_without_the_field_list() {
        assert_eq!(
            one_line(
                "Schema error: No field named nonsense.\nValid fields are mediation.case_id, mediation.channel."
            ),
            "Schema error: No field named nonsense."
        );
        assert_eq!(
            one_line("Error during planning: table 'datafusion.public.cases' not found"),
            "Error during planning: table 'cases' not found"
        );
    }

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        assert_eq!(
            statements("SELECT 'a;b'; -- c;d\nSELECT \"x;y\" /* ; */ FROM t;;"),
            vec!["SELECT 'a;b'", "SELECT \"x;y\"   FROM t"]
        );
        assert!(statements("  ;  ").is_empty());
    }

    #[test]
    fn a_statement_is_complete_at_its_semicolon() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SELECT 1; -- done"));
        assert!(!is_complete("SELECT ';"));
        assert!(!is_complete("SELECT 1"));
        assert!(!is_complete("SELECT 1 -- ;"));
    }
}
