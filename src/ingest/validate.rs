//! Checking rows: text cells → typed, normalised columns, and for each row
//! the first rule it breaks.
//!
//! Everything runs as Polars expressions over whole columns. Values that
//! need real parsing (dates, regions, enums, numbers, free text to trim)
//! are parsed once per distinct spelling in Rust: the reader hands those
//! columns over dictionary-encoded, so each parsed value is looked up by the
//! row's code, and a column of a million dates costs a few hundred parses.

use chrono::NaiveDate;
use polars::prelude::*;

use super::parse;
use super::problem::Problem;
use super::reader::RawTable;
use super::schema::{ColumnSpec, ColumnType, HeaderMap, LogKind};
use crate::messages::{self, Message};
use crate::regions::{CountyMatch, Level, RegionTable};

/// Excel's rendering of a long number: `4.20106E+17`.
const MANGLED_ID_PATTERN: &str = r"^[0-9]*\.?[0-9]+[eE][+-]?[0-9]+$";

/// A number of 12 or more digits ending in 5 zeros: what Excel leaves of an
/// id it showed as `1.23512E+11` once the file is saved again.
const RESAVED_ID_PATTERN: &str = r"^[0-9]{7,}0{5}$";

/// The most workers one case or ticket involves: more than any workforce
/// in one labour dispute, and far fewer than a phone number typed there.
pub const MAX_WORKERS: i64 = 100_000;

/// The largest amount of one case, in yuan (10亿): above any single labour
/// dispute, and below any phone number typed there (1.3×10^10 and up).
pub const MAX_AMOUNT_YUAN: f64 = 1e9;

/// Names of the bookkeeping columns every checked frame carries.
pub const LINE: &str = "__line";
const ROW: &str = "__row";
const REJECT: &str = "__reject";

/// A row's reject code: the rule broken ([`Problem::RULES`], tried in
/// that order) and the spec column it is about.
fn reject_code(rule: Problem, column: usize) -> u16 {
    rule as u16 * 100 + column as u16
}

fn rule_of(code: u16) -> Problem {
    Problem::RULES[(code / 100 - 1) as usize]
}

/// A row that breaks a rule, located in its file.
#[derive(Debug, Clone)]
pub struct RowReject {
    pub line: u32,
    /// The rule broken.
    pub problem: Problem,
    /// 1-based column in the file; none when the column is not in the file.
    pub column: Option<usize>,
    /// The column's header as written in the file (or the spec name).
    pub column_name: Option<String>,
    pub reason: String,
    /// The record as it stands in the file.
    pub raw: String,
}

pub struct CheckedRows {
    /// Typed rows that passed every rule, with their line in [`LINE`].
    pub accepted: DataFrame,
    pub rejects: Vec<RowReject>,
}

fn value_col(name: &str) -> String {
    format!("{name}__v")
}

fn kind_col(name: &str) -> String {
    format!("{name}__kind")
}

fn parent_col(name: &str) -> String {
    format!("{name}__parent")
}

fn blank_col(name: &str) -> String {
    format!("{name}__blank")
}

/// Whether the row has no value in this column (absent, empty or spaces).
fn missing(spec: &ColumnSpec) -> Expr {
    match spec.ty {
        ColumnType::Id => col(spec.name).is_null(),
        _ => col(spec.name)
            .is_null()
            .or(col(blank_col(spec.name)).fill_null(lit(true))),
    }
}

fn present(spec: &ColumnSpec) -> Expr {
    missing(spec).not()
}

/// Trimmed text, empty as null.
fn trimmed(e: Expr) -> Expr {
    let s = e.str().strip_chars(lit(NULL));
    when(s.clone().eq(lit("")))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(s)
}

pub fn check_rows(
    raw: &RawTable,
    kind: LogKind,
    header: &HeaderMap,
    regions: &RegionTable,
) -> PolarsResult<CheckedRows> {
    let specs = kind.columns();
    let cells = fold_ids(&raw.cells, header, specs)?;
    let resaved = resaved_id_columns(&cells, header, specs)?;

    // 1. Per spec column: ids trimmed (empty as null); other columns as
    //    written, parsed in step 2. Extra columns as they are, and each
    //    row's line.
    let mut exprs: Vec<Expr> = Vec::new();
    for (spec, cell) in specs.iter().zip(&header.spec_cells) {
        let e = match (cell, spec.ty) {
            (Some(i), ColumnType::Id) => trimmed(col(RawTable::cell_column_name(*i))),
            (Some(i), _) => col(RawTable::cell_column_name(*i)),
            (None, _) => lit(NULL).cast(DataType::String),
        };
        exprs.push(e.alias(spec.name));
    }
    for (i, name) in extra_column_names(header, specs) {
        exprs.push(col(RawTable::cell_column_name(i)).alias(name));
    }
    let lines = Column::new(LINE.into(), &raw.lines);
    let mut lf = cells
        .lazy()
        .select(exprs)
        .with_column(lit(lines.as_materialized_series().clone()).alias(LINE))
        .with_row_index(ROW, None);

    // 2. Parse each distinct value once and look every row's value up.
    let mut indexes: Vec<Expr> = Vec::new();
    let mut parsed: Vec<Expr> = Vec::new();
    for (spec, cell) in specs.iter().zip(&header.spec_cells) {
        if spec.ty == ColumnType::Id {
            continue;
        }
        let cells = match cell {
            Some(i) => raw.cells.column(&RawTable::cell_column_name(*i))?.clone(),
            None => Column::new_empty(spec.name.into(), &DataType::String),
        };
        if spec.ty == ColumnType::Amount
            && let Some(whole) = whole_numbers(&cells)?
        {
            // Every amount a plain whole number: no parsing, no look-up.
            parsed.push(lit(false).alias(blank_col(spec.name)));
            parsed.push(lit(whole).alias(value_col(spec.name)));
            continue;
        }
        let dictionary = cell.and_then(|i| raw.dictionary(i));
        let (mapping, index) = if let Some(dictionary) = dictionary {
            // Coded by the reader: the row's code is its index.
            (parse_distinct(dictionary, spec, regions)?, col(spec.name))
        } else {
            // Plain text (amounts in other forms) is nearly a value per row:
            // each row's text is parsed where it stands, the k-th non-empty
            // cell being key k, rather than looked up among distinct texts.
            let texts = cells.str()?;
            let mut keys: Vec<&str> = Vec::with_capacity(texts.len() - texts.null_count());
            let positions: UInt32Chunked = texts
                .iter()
                .map(|v| {
                    v.map(|v| {
                        keys.push(v);
                        (keys.len() - 1) as u32
                    })
                })
                .collect();
            (
                parse_distinct(&keys, spec, regions)?,
                lit(positions.into_series()),
            )
        };
        if mapping.height() == 0 {
            // No value in the whole block: every output is null, typed.
            for output in mapping.columns() {
                parsed.push(
                    lit(NULL)
                        .cast(output.dtype().clone())
                        .alias(output.name().clone()),
                );
            }
            continue;
        }
        let index_name = format!("{}__index", spec.name);
        indexes.push(index.alias(index_name.as_str()));
        for output in mapping.columns() {
            parsed.push(
                lit(output.as_materialized_series().clone())
                    .gather(col(index_name.as_str()), true)
                    .alias(output.name().clone()),
            );
        }
    }
    lf = lf
        .with_columns(indexes)
        .with_columns(parsed)
        .with_columns(typed_dates(raw, header, specs)?);

    // 3. The first rule each row breaks.
    let rules = rule_conditions(kind, specs, &resaved);
    let mut reject = lit(NULL).cast(DataType::Int32);
    for (condition, code) in rules.into_iter().rev() {
        reject = when(condition).then(lit(code as i32)).otherwise(reject);
    }

    let mut outputs: Vec<Expr> = vec![col(ROW), col(LINE), reject.alias(REJECT)];
    outputs.extend(specs.iter().map(typed_output));
    outputs.extend(
        extra_column_names(header, specs)
            .into_iter()
            .map(|(_, name)| col(name)),
    );
    let checked = lf.select(outputs).collect()?;

    let rejected_mask = checked.column(REJECT)?.is_not_null();
    let rejected = checked.filter(&rejected_mask)?;
    // Most files have few or no bad rows: only filter when there are some.
    let accepted = if rejected.height() == 0 {
        checked.drop_many([ROW, REJECT])
    } else {
        checked.filter(&!rejected_mask)?.drop_many([ROW, REJECT])
    };

    let rows = rejected.column(ROW)?.idx()?.clone();
    let codes = rejected.column(REJECT)?.i32()?.clone();
    let mut rejects = Vec::with_capacity(rows.len());
    for (row, code) in rows.into_no_null_iter().zip(codes.into_no_null_iter()) {
        rejects.push(describe(raw, header, specs, row as usize, code as u16)?);
    }
    Ok(CheckedRows { accepted, rejects })
}

/// Ids are compared after width folding: `TJ-FW-１２` is `TJ-FW-12`.
fn fold_ids(
    cells: &DataFrame,
    header: &HeaderMap,
    specs: &[ColumnSpec],
) -> PolarsResult<DataFrame> {
    let mut cells = cells.clone();
    for (spec, cell) in specs.iter().zip(&header.spec_cells) {
        let Some(i) = cell else { continue };
        if spec.ty != ColumnType::Id {
            continue;
        }
        let name = RawTable::cell_column_name(*i);
        let ids = cells.column(&name)?.str()?.clone();
        if ids.iter().flatten().all(|v| v.is_ascii()) {
            continue;
        }
        let folded: Vec<Option<String>> = ids
            .iter()
            .map(|v| v.map(|v| v.chars().map(crate::regions::fold_full_width).collect()))
            .collect();
        cells.replace(&name, Column::new(name.as_str().into(), folded))?;
    }
    Ok(cells)
}

/// The id columns whose round ids (see [`RESAVED_ID_PATTERN`]) look
/// re-saved: some ids of the column are round and more of them are not.
/// Judged over the block's ids (a whole file but for the largest).
fn resaved_id_columns(
    cells: &DataFrame,
    header: &HeaderMap,
    specs: &[ColumnSpec],
) -> PolarsResult<Vec<&'static str>> {
    let mut out = Vec::new();
    for (spec, cell) in specs.iter().zip(&header.spec_cells) {
        let Some(i) = cell else { continue };
        if spec.ty != ColumnType::Id {
            continue;
        }
        let ids = cells
            .column(&RawTable::cell_column_name(*i))?
            .str()?
            .clone();
        let (mut round, mut other) = (0usize, 0usize);
        for id in ids.iter().flatten() {
            let id = id.trim();
            if id.is_empty() {
                continue;
            }
            let b = id.as_bytes();
            if b.len() >= 12 && b.iter().all(u8::is_ascii_digit) && b.ends_with(b"00000") {
                round += 1;
            } else {
                other += 1;
            }
        }
        if round > 0 && other > round {
            out.push(spec.name);
        }
    }
    Ok(out)
}

/// Workbook date cells are their values, never their text read again:
/// where a cell was typed as a date, its value replaces the parsed one.
fn typed_dates(
    raw: &RawTable,
    header: &HeaderMap,
    specs: &[ColumnSpec],
) -> PolarsResult<Vec<Expr>> {
    let mut overrides = Vec::new();
    for (spec, cell) in specs.iter().zip(&header.spec_cells) {
        let Some(dates) = cell.and_then(|i| raw.dates.get(i)?.as_ref()) else {
            continue;
        };
        let typed = match spec.ty {
            ColumnType::Date => {
                let days: Vec<Option<i32>> = dates
                    .iter()
                    .map(|ms| ms.map(|ms| ms.div_euclid(86_400_000) as i32))
                    .collect();
                Series::new("".into(), days).cast(&DataType::Date)?
            }
            ColumnType::DateTime => Series::new("".into(), dates)
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
            _ => continue,
        };
        let v = value_col(spec.name);
        let typed = lit(typed);
        overrides.push(
            when(typed.clone().is_not_null())
                .then(typed)
                .otherwise(col(v.as_str()))
                .alias(v),
        );
    }
    Ok(overrides)
}

/// Unknown columns keep their header (made unique) so `query` can use them.
/// Linear in the number of columns, however often a name repeats.
fn extra_column_names(header: &HeaderMap, specs: &[ColumnSpec]) -> Vec<(usize, String)> {
    let mut taken: std::collections::HashSet<String> =
        specs.iter().map(|s| s.name.to_string()).collect();
    // The next suffix to try for each name.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (i, name) in &header.extra_cells {
        let base = if name.is_empty() || name.starts_with("__") {
            format!("column_{}", i + 1)
        } else {
            name.clone()
        };
        let mut unique = base.clone();
        let n = next.entry(base.clone()).or_insert(2);
        while taken.contains(&unique) {
            unique = format!("{base}_{n}");
            *n += 1;
        }
        taken.insert(unique.clone());
        out.push((*i, unique));
    }
    out
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// The amounts of a plain-text column as numbers, when every value is a
/// plain whole number (`104855`, `-5`): what the Int64 cast accepts is a
/// subset of what [`parse::parse_decimal`] accepts, with the same value.
/// `None` when any value needs the full parser.
fn whole_numbers(cells: &Column) -> PolarsResult<Option<Series>> {
    if cells.dtype() != &DataType::String || cells.is_empty() {
        return Ok(None);
    }
    let whole = cells.cast(&DataType::Int64)?;
    // The cast gives null for what it cannot read, so equal null counts
    // mean every value was read.
    if whole.null_count() != cells.null_count() {
        return Ok(None);
    }
    Ok(Some(
        whole
            .cast(&DataType::Float64)?
            .as_materialized_series()
            .clone(),
    ))
}

/// Free text and enum values are kept dictionary-encoded: each distinct
/// value once, in one dictionary shared by every block and file.
fn text_dtype() -> DataType {
    DataType::from_categories(Categories::global())
}

/// For a column whose values need parsing, given its distinct texts in
/// code order: a frame with a row per code holding whether the text is
/// blank and its parsed value(s) (null when it does not parse).
fn parse_distinct<K: AsRef<str>>(
    keys: &[K],
    spec: &ColumnSpec,
    regions: &RegionTable,
) -> PolarsResult<DataFrame> {
    let name = spec.name;
    // A cell of spaces only is as empty as an empty one.
    let blank: Vec<bool> = keys.iter().map(|k| k.as_ref().trim().is_empty()).collect();
    let blank_col = Column::new(blank_col(name).into(), blank);
    let value_name = value_col(name);
    let value: Column = match spec.ty {
        ColumnType::Id => polars_bail!(ComputeError: "ids are not parsed"),
        ColumnType::Text => {
            let v: Vec<Option<&str>> = keys
                .iter()
                .map(|k| Some(k.as_ref().trim()).filter(|t| !t.is_empty()))
                .collect();
            Column::new(value_name.into(), v).cast(&text_dtype())?
        }
        ColumnType::Enum(e) => {
            let v: Vec<Option<&str>> = keys.iter().map(|k| e.parse(k.as_ref())).collect();
            Column::new(value_name.into(), v).cast(&text_dtype())?
        }
        ColumnType::Date => {
            let v: Vec<Option<i32>> = keys
                .iter()
                .map(|k| parse::parse_date(k.as_ref()).map(|d| (d - epoch()).num_days() as i32))
                .collect();
            Column::new(value_name.into(), v).cast(&DataType::Date)?
        }
        ColumnType::DateTime => {
            let v: Vec<Option<i64>> = keys
                .iter()
                .map(|k| parse::parse_datetime(k.as_ref()).map(|d| d.and_utc().timestamp_millis()))
                .collect();
            Column::new(value_name.into(), v)
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
        }
        ColumnType::Count => {
            let v: Vec<Option<i64>> = keys
                .iter()
                .map(|k| parse::parse_integer(k.as_ref()))
                .collect();
            Column::new(value_name.into(), v)
        }
        ColumnType::Amount => {
            let v: Vec<Option<f64>> = keys
                .iter()
                .map(|k| parse::parse_decimal(k.as_ref()))
                .collect();
            Column::new(value_name.into(), v)
        }
        ColumnType::Phone => {
            let v: Vec<Option<String>> = keys
                .iter()
                .map(|k| Some(parse::phone_digits(k.as_ref())).filter(|d| !d.is_empty()))
                .collect();
            Column::new(value_name.into(), v)
        }
        ColumnType::Region(Level::Prefecture) => {
            let v: Vec<Option<u32>> = keys
                .iter()
                .map(|k| regions.lookup_prefecture(k.as_ref()))
                .collect();
            Column::new(value_name.into(), v)
        }
        ColumnType::Region(Level::County) => {
            // kind: 0 a county, 1 a prefecture-level unit, 2 "no county"; null unknown.
            let matches: Vec<Option<CountyMatch>> = keys
                .iter()
                .map(|k| regions.lookup_county(k.as_ref()))
                .collect();
            let code: Vec<Option<u32>> = matches
                .iter()
                .map(|m| match *m {
                    Some(CountyMatch::County(c) | CountyMatch::Prefecture(c)) => Some(c),
                    _ => None,
                })
                .collect();
            let kind: Vec<Option<u8>> = matches
                .iter()
                .map(|m| match m {
                    Some(CountyMatch::County(_)) => Some(0),
                    Some(CountyMatch::Prefecture(_)) => Some(1),
                    Some(CountyMatch::NoCounty) => Some(2),
                    None => None,
                })
                .collect();
            let parent: Vec<Option<u32>> = code
                .iter()
                .map(|c| c.and_then(|c| regions.get(c)).and_then(|r| r.parent_code))
                .collect();
            let kind = Column::new(kind_col(name).into(), kind);
            let parent = Column::new(parent_col(name).into(), parent);
            let code = Column::new(value_name.into(), code);
            return DataFrame::new(keys.len(), vec![blank_col, code, kind, parent]);
        }
    };
    DataFrame::new(keys.len(), vec![blank_col, value])
}

/// Whether the row's text in this column failed to parse.
fn unparseable(spec: &ColumnSpec) -> Option<Expr> {
    let present = present(spec);
    match spec.ty {
        ColumnType::Text | ColumnType::Phone => None,
        ColumnType::Id => None,
        ColumnType::Region(Level::County) => Some(present.and(col(kind_col(spec.name)).is_null())),
        _ => Some(present.and(col(value_col(spec.name)).is_null())),
    }
}

fn spec_index(specs: &[ColumnSpec], name: &str) -> usize {
    specs
        .iter()
        .position(|s| s.name == name)
        .unwrap_or_else(|| panic!("column {name} is in the spec"))
}

/// (condition, reject code) in the order rules are tried: each column in
/// spec order (missing, unparseable, out of range), then the rules that
/// relate columns.
fn rule_conditions(kind: LogKind, specs: &[ColumnSpec], resaved: &[&str]) -> Vec<(Expr, u16)> {
    let mut rules = Vec::new();
    for (j, spec) in specs.iter().enumerate() {
        if spec.required {
            rules.push((missing(spec), reject_code(Problem::MissingRequired, j)));
        }
        if spec.ty == ColumnType::Id {
            let mangled = col(spec.name).str().contains(lit(MANGLED_ID_PATTERN), true);
            rules.push((mangled, reject_code(Problem::MangledId, j)));
            if resaved.contains(&spec.name) {
                let round = col(spec.name).str().contains(lit(RESAVED_ID_PATTERN), true);
                rules.push((round, reject_code(Problem::ResavedId, j)));
            }
        }
        if let Some(bad) = unparseable(spec) {
            rules.push((bad, reject_code(Problem::Unparseable, j)));
        }
        let v = col(value_col(spec.name));
        match spec.ty {
            ColumnType::Count => rules.push((
                v.clone().lt(lit(1)).or(v.gt(lit(MAX_WORKERS))),
                reject_code(Problem::OutOfRange, j),
            )),
            ColumnType::Amount => rules.push((
                v.clone().lt(lit(0.0)).or(v.gt(lit(MAX_AMOUNT_YUAN))),
                reject_code(Problem::OutOfRange, j),
            )),
            _ => {}
        }
    }

    // A county must lie in the row's prefecture; a prefecture-level unit in
    // the county column must repeat the row's own.
    let county = spec_index(specs, "county");
    let county_kind = col(kind_col("county"));
    let county_code = col(value_col("county"));
    let prefecture = col(value_col("prefecture"));
    let county_parent = col(parent_col("county"));
    let wrong_county = (county_kind
        .clone()
        .eq(lit(0u8))
        .and(county_parent.neq(prefecture.clone())))
    .or(county_kind.eq(lit(1u8)).and(county_code.neq(prefecture)));
    rules.push((
        wrong_county,
        reject_code(Problem::CountyNotInPrefecture, county),
    ));

    let (received, closed, closed_state) = match kind {
        LogKind::Hotline => (
            "received_at",
            "closed_at",
            col(value_col("status")).eq(lit("closed")),
        ),
        LogKind::Mediation => (
            "received_on",
            "closed_on",
            col(value_col("outcome")).neq(lit("pending")),
        ),
    };
    let closed_j = spec_index(specs, closed);
    let closed_v = col(value_col(closed));
    rules.push((
        closed_state.clone().and(missing(&specs[closed_j])),
        reject_code(Problem::ClosingDateMissing, closed_j),
    ));
    rules.push((
        closed_state.not().and(present(&specs[closed_j])),
        reject_code(Problem::ClosingDateNotAllowed, closed_j),
    ));
    rules.push((
        closed_v.lt(col(value_col(received))),
        reject_code(Problem::ClosedBeforeReceived, closed_j),
    ));
    if kind == LogKind::Mediation {
        let settled = spec_index(specs, "settled_yuan");
        rules.push((
            present(&specs[settled]).and(col(value_col("outcome")).neq(lit("success"))),
            reject_code(Problem::SettledWithoutSuccess, settled),
        ));
    }
    rules
}

/// The typed column a checked frame keeps for a spec column.
fn typed_output(spec: &ColumnSpec) -> Expr {
    let v = col(value_col(spec.name));
    match spec.ty {
        ColumnType::Id => col(spec.name),
        ColumnType::Region(Level::Prefecture) => v.alias("prefecture_code"),
        ColumnType::Region(Level::County) => when(col(kind_col(spec.name)).eq(lit(0u8)))
            .then(v)
            .otherwise(lit(NULL).cast(DataType::UInt32))
            .alias("county_code"),
        _ => v.alias(spec.name),
    }
}

/// A rejected row's message, in words a clerk can act on.
fn describe(
    raw: &RawTable,
    header: &HeaderMap,
    specs: &[ColumnSpec],
    row: usize,
    code: u16,
) -> PolarsResult<RowReject> {
    let rule = rule_of(code);
    let j = (code % 100) as usize;
    let spec = &specs[j];
    let cell_of = |name: &str| -> PolarsResult<(Option<usize>, String)> {
        let k = spec_index(specs, name);
        match header.spec_cells[k] {
            Some(i) => Ok((Some(i), raw.cell_text(row, i)?.unwrap_or_default())),
            None => Ok((None, String::new())),
        }
    };
    let (cell, value) = cell_of(spec.name)?;
    let quoted = |name: &str| -> PolarsResult<String> { Ok(messages::quote(&cell_of(name)?.1)) };
    let shown = |name: &str| -> String {
        let k = spec_index(specs, name);
        match header.spec_cells[k] {
            // An English header: Chinese readers get the column's Chinese name too.
            Some(i) if normalize_eq(&raw.header[i], name) => {
                let chinese = specs[k].aliases.first().copied().unwrap_or(name);
                match messages::language() {
                    crate::Lang::Zh => format!("{name}（{chinese}）"),
                    crate::Lang::En => name.to_string(),
                }
            }
            Some(i) => messages::column_label(raw.header[i].trim(), name),
            None => name.to_string(),
        }
    };
    let column = shown(spec.name);
    let raw_value = value;
    let value = messages::quote(&raw_value);
    // A date cell as Excel's serial number reads with its date beside it.
    let quoted_date = |name: &str| -> PolarsResult<String> {
        let text = cell_of(name)?.1;
        let date = super::parse::parse_date(&text).filter(|_| super::parse::is_excel_serial(&text));
        Ok(match date {
            Some(d) => format!(
                "{}{}",
                messages::quote(&text),
                messages::pick(&format!("（即 {d}）"), &format!(" (= {d})"))
            ),
            None => messages::quote(&text),
        })
    };
    let ticket = spec.name == "closed_at";
    let state = if ticket { "status" } else { "outcome" };
    let message = match rule {
        Problem::MissingRequired => Message::RequiredEmpty { column },
        Problem::MangledId => Message::MangledId { column, value },
        Problem::Unparseable => unparseable_message(spec, column, value, &raw_value),
        Problem::OutOfRange => match spec.ty {
            ColumnType::Count
                if cell_of(spec.name)?
                    .1
                    .as_str()
                    .parse::<f64>()
                    .ok()
                    .map(|n| n as i64)
                    .is_some_and(|n| n > MAX_WORKERS) =>
            {
                Message::CountTooLarge {
                    column,
                    value,
                    max: MAX_WORKERS,
                }
            }
            ColumnType::Count => Message::CountTooSmall { column, value },
            _ if cell_of(spec.name)?
                .1
                .as_str()
                .trim()
                .parse::<f64>()
                .ok()
                .or_else(|| parse::parse_decimal(&cell_of(spec.name).ok()?.1))
                .is_some_and(|a| a > MAX_AMOUNT_YUAN) =>
            {
                Message::AmountTooLarge {
                    column,
                    value,
                    max: "1000000000".to_string(),
                }
            }
            _ => Message::Negative { column, value },
        },
        Problem::ResavedId => Message::ResavedId { column, value },
        Problem::CountyNotInPrefecture => Message::CountyNotInPrefecture {
            column,
            value,
            prefecture_column: shown("prefecture"),
            prefecture: quoted("prefecture")?,
        },
        Problem::ClosingDateMissing => Message::ClosingDateMissing {
            column,
            state_column: shown(state),
            state: quoted(state)?,
            ticket,
        },
        Problem::ClosingDateNotAllowed => Message::ClosingDateNotAllowed {
            column,
            value,
            state_column: shown(state),
            state: quoted(state)?,
            ticket,
        },
        Problem::ClosedBeforeReceived => {
            let received = if ticket { "received_at" } else { "received_on" };
            Message::ClosedBeforeReceived {
                column,
                value: quoted_date(spec.name)?,
                received_column: shown(received),
                received: quoted_date(received)?,
            }
        }
        Problem::SettledWithoutSuccess => Message::SettledWithoutSuccess {
            column,
            value,
            outcome_column: shown("outcome"),
            outcome: quoted("outcome")?,
        },
        // Not row rules: found by the reader, never by a rule code.
        Problem::TotalRow
        | Problem::Ragged
        | Problem::UnclosedQuote
        | Problem::Undecodable
        | Problem::StrayQuote
        | Problem::ErrorCell => Message::CannotRead { column, value },
    };
    Ok(RowReject {
        problem: rule,
        // Reasons quote cell values; a phone typed in the wrong column stays masked.
        reason: parse::mask_phones_in(&message.to_string()),
        line: raw.lines[row],
        column: cell.map(|i| i + 1),
        column_name: Some(cell.map_or(spec.name.to_string(), |i| raw.header[i].trim().to_string())),
        raw: raw.raw_record(row).to_string(),
    })
}

fn normalize_eq(header: &str, name: &str) -> bool {
    super::schema::normalize_header(header) == super::schema::normalize_header(name)
}

/// What a column's values must look like, for a value that does not parse.
fn unparseable_message(
    spec: &ColumnSpec,
    column: String,
    value: String,
    raw_value: &str,
) -> Message {
    use super::parse::no_such_day;
    match spec.ty {
        ColumnType::Date | ColumnType::DateTime if no_such_day(raw_value).is_some() => {
            let (year, month, _) = no_such_day(raw_value).unwrap_or_default();
            Message::NoSuchDay {
                column,
                value,
                year,
                month,
                days: super::parse::days_in_month(year, month),
            }
        }
        ColumnType::Date => Message::NotADate { column, value },
        ColumnType::DateTime => Message::NotADateTime { column, value },
        ColumnType::Enum(e) => Message::NotAnEnumValue {
            column,
            value,
            accepted: e.describe(),
        },
        ColumnType::Region(Level::Prefecture) => Message::NotAPrefecture { column, value },
        ColumnType::Region(Level::County) => Message::NotACounty { column, value },
        ColumnType::Count => Message::NotAWholeNumber { column, value },
        ColumnType::Amount => Message::NotANumber { column, value },
        ColumnType::Id | ColumnType::Text | ColumnType::Phone => {
            Message::CannotRead { column, value }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::schema::match_header;

    const HEADER: &str = "case_id,channel,prefecture,county,source,hotline_ticket_id,dispute_type,\
                          mediator_org,received_on,closed_on,outcome,workers_involved,amount_yuan,\
                          settled_yuan";

    /// Checks mediation rows that differ only in their amount.
    fn check_amounts(amounts: &[&str]) -> CheckedRows {
        let mut text = format!("{HEADER}\n");
        for (i, amount) in amounts.iter().enumerate() {
            text.push_str(&format!(
                "TJ-{i},法院+工会,武汉市,江岸区,法院委派,,劳动报酬,江岸区总工会,2023-01-02,\
                 2023-01-09,调解不成功,1,\"{amount}\",\n"
            ));
        }
        let kind = LogKind::Mediation;
        let raw = crate::ingest::csv_reader::read_text("t.csv", &text, kind);
        let header = match_header(kind, &raw.header).unwrap();
        check_rows(&raw, kind, &header, &RegionTable::hubei()).unwrap()
    }

    fn amounts(checked: &CheckedRows) -> Vec<Option<f64>> {
        let column = checked.accepted.column("amount_yuan").unwrap();
        column.f64().unwrap().iter().collect()
    }

    #[test]
    fn whole_number_amounts_take_the_fast_path_with_the_parsers_values() {
        let checked = check_amounts(&["104855", "0", "+7", "-5"]);
        // -5 parses but is out of range, as the full parser would have it.
        assert_eq!(checked.rejects.len(), 1);
        assert_eq!(checked.rejects[0].problem, Problem::OutOfRange);
        assert_eq!(amounts(&checked), [Some(104855.0), Some(0.0), Some(7.0)]);
    }

    #[test]
    fn amounts_in_other_forms_go_through_the_full_parser() {
        let checked = check_amounts(&["100", "1,234.5元", "¥20", " 30 ", "1e3", "abc"]);
        assert_eq!(
            amounts(&checked),
            [Some(100.0), Some(1234.5), Some(20.0), Some(30.0)]
        );
        let problems: Vec<_> = checked.rejects.iter().map(|r| r.problem).collect();
        assert_eq!(problems, [Problem::Unparseable; 2]);
    }

    #[test]
    fn the_integer_cast_reads_only_what_the_parser_reads_alike() {
        // The fast path relies on this: whatever Polars' String → Int64 cast
        // reads, parse_decimal reads too, to the same number.
        let samples = [
            "0",
            "7",
            "+7",
            "-7",
            "007",
            " 7",
            "7 ",
            "7.0",
            "7.",
            ".7",
            "1e3",
            "1E3",
            "0x10",
            "1_000",
            "1,000",
            "７",
            "9223372036854775807",
            "9223372036854775808",
            "--7",
            "+-7",
            "inf",
            "NaN",
            "",
            " ",
        ];
        let text = Column::new("x".into(), samples);
        let cast = text.cast(&DataType::Int64).unwrap();
        for (raw, whole) in samples.iter().zip(cast.i64().unwrap().iter()) {
            if let Some(v) = whole {
                assert_eq!(parse::parse_decimal(raw), Some(v as f64), "{raw:?}");
            }
        }
    }
}
