//! The row rules as they were first written: Polars expressions over whole
//! columns (one `when/then` per rule, each distinct text parsed into a
//! frame that rows gather from). Kept only for tests, as the independent
//! reference the row-by-row checker of [`super`] is compared with
//! (`the_row_checker_agrees_with_the_expression_reference`).

use polars::prelude::*;

use super::super::parse;
use super::super::problem::Problem;
use super::super::reader::RawTable;
use super::super::schema::{ColumnSpec, ColumnType, HeaderMap, LogKind};
use super::{
    LINE, MAX_AMOUNT_YUAN, MAX_WORKERS, epoch, extra_column_names, reject_code, spec_index,
    text_dtype,
};
use crate::regions::{CountyMatch, Level, RegionTable};

/// Excel's rendering of a long number: `4.20106E+17`.
pub const MANGLED_ID_PATTERN: &str = r"^[0-9]*\.?[0-9]+[eE][+-]?[0-9]+$";

/// A number of 12 or more digits ending in 5 zeros.
pub const RESAVED_ID_PATTERN: &str = r"^[0-9]{7,}0{5}$";

const ROW: &str = "__row";
const REJECT: &str = "__reject";

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

/// The checked frame of a block, and each rejected row with its code.
pub fn check_rows(
    raw: &RawTable,
    kind: LogKind,
    header: &HeaderMap,
    regions: &RegionTable,
) -> PolarsResult<(DataFrame, Vec<(usize, u16)>)> {
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
    let accepted = checked.filter(&!rejected_mask)?.drop_many([ROW, REJECT]);
    let rows = rejected.column(ROW)?.idx()?.clone();
    let codes = rejected.column(REJECT)?.i32()?.clone();
    let rejects = rows
        .into_no_null_iter()
        .zip(codes.into_no_null_iter())
        .map(|(row, code)| (row as usize, code as u16))
        .collect();
    Ok((accepted, rejects))
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

/// The amounts of a plain-text column as numbers, when every value is a
/// plain whole number (`104855`, `-5`): what the Int64 cast accepts is a
/// subset of what [`parse::parse_decimal`] accepts, with the same value.
/// `None` when any value needs the full parser.
fn whole_numbers(cells: &Column) -> PolarsResult<Option<Series>> {
    if cells.dtype() != &DataType::String || cells.is_empty() {
        return Ok(None);
    }
    // A block with decimals shows one among its first amounts: then the
    // cast over the whole column would be wasted (declining is always safe).
    let plain_whole = |v: &str| {
        v.bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
    };
    if !cells.str()?.iter().flatten().take(256).all(plain_whole) {
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
