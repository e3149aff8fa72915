//! Checking rows: text cells → typed, normalised columns, and for each row
//! the first rule it breaks.
//!
//! Each distinct text of a column is parsed once (the reader hands most
//! columns over as codes into a dictionary of their texts): what the rules
//! need of it (blank, parsed, its number, date, enum value or region) and
//! the typed value the checked frame keeps. The rules then run row by row
//! on those facts, looked up by the row's code, in the order of
//! [`Problem::RULES`]; the accepted rows' typed values are gathered by code
//! into Polars columns. (The first version ran every rule as a Polars
//! expression over whole columns; it is kept in `reference.rs` as the
//! reference the tests compare this checker with.)

use chrono::NaiveDate;
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;
use polars_arrow::bitmap::iterator::TrueIdxIter;

use super::parse;
use super::problem::Problem;
use super::reader::RawTable;
use super::schema::{ColumnSpec, ColumnType, HeaderMap, LogKind};
use crate::messages::{self, Message};
use crate::regions::{CountyMatch, Level, RegionTable};

#[cfg(test)]
mod reference;

/// The most workers one case or ticket involves: more than any workforce
/// in one labour dispute, and far fewer than a phone number typed there.
pub const MAX_WORKERS: i64 = 100_000;

/// The largest amount of one case, in yuan (10亿): above any single labour
/// dispute, and below any phone number typed there (1.3×10^10 and up).
pub const MAX_AMOUNT_YUAN: f64 = 1e9;

/// Names of the bookkeeping columns every checked frame carries.
pub const LINE: &str = "__line";

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

pub fn check_rows(
    raw: &RawTable,
    kind: LogKind,
    header: &HeaderMap,
    regions: &RegionTable,
) -> PolarsResult<CheckedRows> {
    let (accepted, rejected) = check_codes(raw, kind, header, regions)?;
    let specs = kind.columns();
    let rejects = rejected
        .into_iter()
        .map(|(row, code)| describe(raw, header, specs, row, code))
        .collect::<PolarsResult<_>>()?;
    Ok(CheckedRows { accepted, rejects })
}

/// The accepted rows, typed, and each rejected row with its reject code.
fn check_codes(
    raw: &RawTable,
    kind: LogKind,
    header: &HeaderMap,
    regions: &RegionTable,
) -> PolarsResult<(DataFrame, Vec<(usize, u16)>)> {
    let specs = kind.columns();
    let columns: Vec<SpecColumn> = specs
        .iter()
        .zip(&header.spec_cells)
        .map(|(spec, cell)| SpecColumn::read(raw, spec, *cell, regions))
        .collect::<PolarsResult<_>>()?;
    let rules = Rules::new(kind, specs);

    let mut accepted_rows: Vec<IdxSize> = Vec::with_capacity(raw.lines.len());
    let mut rejected: Vec<(usize, u16)> = Vec::new();
    // The first rule each row breaks: the columns' own rules, marked column
    // by column from the last (so that an earlier column's rule stays),
    // then for the rows none of those caught the rules relating columns.
    let mut first: Vec<Option<u16>> = vec![None; raw.lines.len()];
    for (j, column) in columns.iter().enumerate().rev() {
        column.mark_broken(j, &mut first);
    }
    for (row, code) in first.into_iter().enumerate() {
        match code.or_else(|| rules.relation_broken(&columns, row)) {
            None => accepted_rows.push(row as IdxSize),
            Some(code) => rejected.push((row, code)),
        }
    }

    let all_accepted = rejected.is_empty();
    let accepted_idx = IdxCa::from_vec("".into(), accepted_rows);
    let keep = |column: &Column| -> PolarsResult<Column> {
        match all_accepted {
            true => Ok(column.clone()),
            false => column.take(&accepted_idx),
        }
    };
    let lines: Vec<u32> = accepted_idx
        .cont_slice()
        .map_err(|e| polars_err!(ComputeError: "{e}"))?
        .iter()
        .map(|&r| raw.lines[r as usize])
        .collect();
    let mut outputs = vec![Column::new(LINE.into(), lines)];
    for column in columns {
        outputs.push(column.output(&accepted_idx, all_accepted, &keep)?);
    }
    for (i, name) in extra_column_names(header, specs) {
        let cells = raw.cells.column(&RawTable::cell_column_name(i))?;
        outputs.push(keep(cells)?.with_name(name.as_str().into()));
    }
    let accepted = DataFrame::new(accepted_idx.len(), outputs)?;
    Ok((accepted, rejected))
}

/// One spec column of a block, as the rules and the checked frame read it.
///
/// Each distinct text is a *key*: the reader's code, or for plain columns
/// the row's place among the non-empty cells (or the row itself). One key
/// more, the last, stands for an empty cell or a column not in the file, so
/// that every row has a key; its facts and typed value are null.
struct SpecColumn<'a> {
    spec: &'static ColumnSpec,
    /// Each row's key.
    keys: Vec<u32>,
    /// Per key: what the column's own rules say of its text.
    verdicts: Vec<Verdict>,
    facts: Facts,
    /// Per key: the typed value the checked frame keeps.
    typed: Column,
    /// Workbook date cells (ms since 1970), which win over the text read
    /// again: per row, for date columns of a workbook.
    cell_dates: Option<&'a [Option<i64>]>,
    /// Ids only.
    ids: Option<Ids>,
}

/// A text judged by its column's own rules (the rules relating columns
/// come after them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Empty, or spaces only.
    Missing,
    Unparseable,
    OutOfRange,
    Fine,
}

/// An id column of a block: the ids folded to ASCII width and trimmed
/// (empty as null), and what the rules see in each.
struct Ids {
    ids: StringChunked,
    shape: Vec<IdShape>,
    /// Some ids are round and more of them are not: the round ones look
    /// re-saved (judged over the block's ids, a whole file but for the largest).
    resaved: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum IdShape {
    Missing,
    /// Excel's rendering of a long number ([`is_mangled_id`]).
    Mangled,
    /// A long number ending in zeros ([`is_round_id`]).
    Round,
    Other,
}

/// What the rules relating columns need to know of each key.
enum Facts {
    /// Ids, free text and phones: any text will do.
    Text,
    /// Counts and amounts.
    Number(Vec<Option<f64>>),
    /// Dates (days since 1970) and date-times (ms since 1970).
    Moment(Vec<Option<i64>>),
    /// Enum values, as their codes.
    Word(Vec<Option<&'static str>>),
    Prefecture(Vec<Option<u32>>),
    /// The match, and a county's prefecture.
    County(Vec<Option<(CountyMatch, Option<u32>)>>),
}

impl<'a> SpecColumn<'a> {
    fn read(
        raw: &'a RawTable,
        spec: &'static ColumnSpec,
        cell: Option<usize>,
        regions: &RegionTable,
    ) -> PolarsResult<SpecColumn<'a>> {
        let rows = raw.lines.len();
        let cells = match cell {
            Some(i) => raw.cells.column(&RawTable::cell_column_name(i))?.clone(),
            None => Column::full_null(spec.name.into(), rows, &DataType::String),
        };
        if spec.ty == ColumnType::Id {
            return Ok(SpecColumn {
                spec,
                keys: Vec::new(),
                verdicts: Vec::new(),
                facts: Facts::Text,
                typed: Column::new_empty(spec.name.into(), &DataType::String),
                cell_dates: None,
                ids: Some(checked_ids(cells.str()?)),
            });
        }
        let cell_dates = cell.and_then(|i| raw.dates.get(i)?.as_deref());
        let (keys, facts, typed, blank) =
            if spec.ty == ColumnType::Amount && cells.dtype() == &DataType::String {
                // Amounts, nearly a value per row: each parsed where it
                // stands, in one pass, as `parse_keys` would.
                let (keys, values, blank) = plain_amounts(cells.str()?);
                let typed = Column::new(spec.name.into(), &values);
                (keys, Facts::Number(values), typed, blank)
            } else {
                let (keys, texts) = keys_and_texts(raw, &cells, cell)?;
                let (facts, typed) = parse_keys(&texts, spec, regions)?;
                let blank = texts.iter().map(|t| is_blank_text(t)).collect();
                (keys, facts, typed, blank)
            };
        let mut column = SpecColumn {
            spec,
            keys,
            verdicts: Vec::new(),
            facts,
            typed,
            cell_dates,
            ids: None,
        };
        column.verdicts = blank
            .into_iter()
            .enumerate()
            .map(|(key, blank)| column.judge(key, blank))
            .chain([Verdict::Missing])
            .collect();
        Ok(column)
    }

    /// What the column's own rules say of a key's text.
    fn judge(&self, key: usize, blank: bool) -> Verdict {
        let parses = match &self.facts {
            Facts::Text => true,
            Facts::Number(v) => v[key].is_some(),
            Facts::Moment(v) => v[key].is_some(),
            Facts::Word(v) => v[key].is_some(),
            Facts::Prefecture(v) => v[key].is_some(),
            Facts::County(v) => v[key].is_some(),
        };
        let number = match &self.facts {
            Facts::Number(v) => v[key],
            _ => None,
        };
        let out_of_range = match self.spec.ty {
            ColumnType::Count => number.is_some_and(|v| v < 1.0 || v > MAX_WORKERS as f64),
            ColumnType::Amount => number.is_some_and(|v| !(0.0..=MAX_AMOUNT_YUAN).contains(&v)),
            _ => false,
        };
        match () {
            _ if blank => Verdict::Missing,
            _ if !parses => Verdict::Unparseable,
            _ if out_of_range => Verdict::OutOfRange,
            _ => Verdict::Fine,
        }
    }

    fn key(&self, row: usize) -> usize {
        self.keys[row] as usize
    }

    /// Whether the row has no value here (absent, empty or spaces).
    fn missing(&self, row: usize) -> bool {
        match &self.ids {
            Some(ids) => ids.shape[row] == IdShape::Missing,
            None => self.verdicts[self.key(row)] == Verdict::Missing,
        }
    }

    /// A workbook date cell's value, in the column's unit.
    fn cell_date(&self, row: usize) -> Option<i64> {
        let ms = self.cell_dates?.get(row).copied().flatten()?;
        Some(match self.spec.ty {
            ColumnType::Date => ms.div_euclid(86_400_000),
            _ => ms,
        })
    }

    fn moment(&self, row: usize) -> Option<i64> {
        match &self.facts {
            Facts::Moment(v) => self.cell_date(row).or(v[self.key(row)]),
            _ => None,
        }
    }

    fn word(&self, row: usize) -> Option<&'static str> {
        match &self.facts {
            Facts::Word(v) => v[self.key(row)],
            _ => None,
        }
    }

    fn prefecture(&self, row: usize) -> Option<u32> {
        match &self.facts {
            Facts::Prefecture(v) => v[self.key(row)],
            _ => None,
        }
    }

    fn county(&self, row: usize) -> Option<(CountyMatch, Option<u32>)> {
        match &self.facts {
            Facts::County(v) => v[self.key(row)],
            _ => None,
        }
    }

    /// Marks, for every row that breaks one, the first rule of this
    /// column (the `j`-th of the spec) it breaks: missing when required,
    /// then (ids) mangled and re-saved, or (values) unparseable and out of
    /// range.
    fn mark_broken(&self, j: usize, first: &mut [Option<u16>]) {
        let missing = self
            .spec
            .required
            .then(|| reject_code(Problem::MissingRequired, j));
        if let Some(ids) = &self.ids {
            let mangled = Some(reject_code(Problem::MangledId, j));
            let resaved = ids.resaved.then(|| reject_code(Problem::ResavedId, j));
            for (code, shape) in first.iter_mut().zip(&ids.shape) {
                let broken = match shape {
                    IdShape::Missing => missing,
                    IdShape::Mangled => mangled,
                    IdShape::Round => resaved,
                    IdShape::Other => None,
                };
                if broken.is_some() {
                    *code = broken;
                }
            }
            return;
        }
        // The rule each key breaks, then each row's by its key.
        let unparseable = reject_code(Problem::Unparseable, j);
        let broken_by_key: Vec<Option<u16>> = self
            .verdicts
            .iter()
            .map(|v| match v {
                Verdict::Missing => missing,
                Verdict::Unparseable => Some(unparseable),
                Verdict::OutOfRange => Some(reject_code(Problem::OutOfRange, j)),
                Verdict::Fine => None,
            })
            .collect();
        // Nothing to mark when no key that a row has breaks a rule: the
        // last key (empty cells) is often the only one that does, and no
        // row may have it.
        let empty = broken_by_key.len() - 1;
        let marks = broken_by_key[..empty].iter().any(Option::is_some)
            || (broken_by_key[empty].is_some() && self.keys.contains(&(empty as u32)));
        if !marks {
            return;
        }
        for (row, (code, &key)) in first.iter_mut().zip(&self.keys).enumerate() {
            let broken = broken_by_key[key as usize];
            // A workbook date cell is a date, whatever its text.
            if broken.is_some() && !(broken == Some(unparseable) && self.cell_date(row).is_some()) {
                *code = broken;
            }
        }
    }

    /// The typed column the checked frame keeps, for the accepted rows:
    /// the column's last use, so that its keys become the gather's
    /// indices where they stand (accepted rows ascend, so each row's key
    /// moves down to its place among them).
    fn output(
        mut self,
        accepted: &IdxCa,
        all_accepted: bool,
        keep: &dyn Fn(&Column) -> PolarsResult<Column>,
    ) -> PolarsResult<Column> {
        let name = match self.spec.ty {
            ColumnType::Region(Level::Prefecture) => "prefecture_code",
            ColumnType::Region(Level::County) => "county_code",
            _ => self.spec.name,
        };
        if let Some(ids) = &self.ids {
            return Ok(keep(&ids.ids.clone().into_column())?.with_name(name.into()));
        }
        let mut keys: Vec<IdxSize> = std::mem::take(&mut self.keys);
        if !all_accepted {
            for (place, row) in accepted.into_no_null_iter().enumerate() {
                keys[place] = keys[row as usize];
            }
            keys.truncate(accepted.len());
        }
        let mut typed = gather_by_key(&self.typed, &IdxCa::from_vec("".into(), keys))?;
        if self.cell_dates.is_some() {
            typed = self.with_cell_dates(typed, accepted)?;
        }
        Ok(typed.with_name(name.into()))
    }

    /// Workbook date cells replace the value read from their text.
    fn with_cell_dates(&self, parsed: Column, accepted: &IdxCa) -> PolarsResult<Column> {
        let dates: Vec<Option<i64>> = accepted
            .into_no_null_iter()
            .map(|r| self.cell_date(r as usize))
            .collect();
        let cells = match self.spec.ty {
            ColumnType::Date => {
                let days: Vec<Option<i32>> = dates.iter().map(|d| d.map(|d| d as i32)).collect();
                Column::new("".into(), days).cast(&DataType::Date)?
            }
            _ => Column::new("".into(), dates)
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
        };
        let mask = cells.is_not_null();
        cells.zip_with(&mask, &parsed)
    }
}

/// `typed.take(keys)` for a per-key column. A number, date, date-time or
/// category column is gathered value by value from its physical values,
/// and its validity, only when some key taken is null, bit by bit from
/// the keys (Polars' own gather of a column with nulls goes through an
/// `Option` per row). Other columns: when none of the keys taken has a
/// null value, taken from a copy without nulls (each null key given
/// another key's value, which no row takes), so that Polars gathers plain
/// values instead of a value and a validity bit per row.
fn gather_by_key(typed: &Column, keys: &IdxCa) -> PolarsResult<Column> {
    let series = typed.as_materialized_series();
    let physical = series.to_physical_repr();
    let gathered = match physical.dtype() {
        DataType::Float64 => gather_values(physical.f64()?, keys)?.into_series(),
        DataType::Int64 => gather_values(physical.i64()?, keys)?.into_series(),
        DataType::Int32 => gather_values(physical.i32()?, keys)?.into_series(),
        DataType::UInt32 => gather_values(physical.u32()?, keys)?.into_series(),
        _ => return gather_other_by_key(typed, keys),
    };
    // SAFETY: the values are the column's own physical values (a
    // category's code into the same categories, a date's days), moved.
    let logical = unsafe { gathered.from_physical_unchecked(typed.dtype())? };
    Ok(logical.into_column())
}

/// [`gather_by_key`] of physical values.
fn gather_values<T: PolarsNumericType>(
    ca: &ChunkedArray<T>,
    keys: &IdxCa,
) -> PolarsResult<ChunkedArray<T>> {
    let ca = ca.rechunk();
    let taken = keys
        .cont_slice()
        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let Some(arr) = ca.downcast_iter().next() else {
        // No values: only an empty gather is possible.
        polars_ensure!(taken.is_empty(), OutOfBounds: "gather from an empty column");
        return Ok(ChunkedArray::from_vec(ca.name().clone(), Vec::new()));
    };
    let values = arr.values().as_slice();
    let past_end = taken.iter().copied().max().unwrap_or(0) as usize;
    polars_ensure!(
        taken.is_empty() || past_end < values.len(),
        OutOfBounds: "key {past_end} past {} values", values.len()
    );
    let out: Vec<T::Native> = taken.iter().map(|&k| values[k as usize]).collect();
    // The null keys: most columns have one, the empty cells' key.
    let null_keys: Vec<IdxSize> = match arr.validity() {
        Some(valid) if valid.unset_bits() > 0 => {
            let nulls = !valid;
            TrueIdxIter::new(nulls.len(), Some(&nulls))
                .map(|k| k as IdxSize)
                .collect()
        }
        _ => Vec::new(),
    };
    let validity = match null_keys.as_slice() {
        [] => None,
        &[null] if !taken.contains(&null) => None,
        &[null] => Some(pack_bits(taken, |k| k != null)?),
        _ => {
            let mut valid_at = vec![true; values.len()];
            for &k in &null_keys {
                valid_at[k as usize] = false;
            }
            match taken.iter().all(|&k| valid_at[k as usize]) {
                true => None,
                false => Some(pack_bits(taken, |k| valid_at[k as usize])?),
            }
        }
    };
    Ok(ChunkedArray::from_vec_validity(
        ca.name().clone(),
        out,
        validity,
    ))
}

/// A validity bitmap of `valid(k)` for each key taken.
fn pack_bits(taken: &[IdxSize], valid: impl Fn(IdxSize) -> bool) -> PolarsResult<Bitmap> {
    let bytes: Vec<u8> = taken
        .chunks(8)
        .map(|eight| {
            eight
                .iter()
                .enumerate()
                .fold(0u8, |byte, (i, &k)| byte | u8::from(valid(k)) << i)
        })
        .collect();
    Bitmap::try_new(bytes, taken.len())
}

/// [`gather_by_key`] of a column of another type (texts, phones).
fn gather_other_by_key(typed: &Column, keys: &IdxCa) -> PolarsResult<Column> {
    if typed.null_count() == 0 {
        return typed.take(keys);
    }
    let null_at: Vec<bool> = typed.is_null().iter().map(|n| n == Some(true)).collect();
    let Some(stand_in) = null_at.iter().position(|&null| !null) else {
        return typed.take(keys);
    };
    let taken = keys
        .cont_slice()
        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    if taken
        .iter()
        .any(|&k| null_at.get(k as usize).is_none_or(|&null| null))
    {
        return typed.take(keys);
    }
    let filled: Vec<IdxSize> = null_at
        .iter()
        .enumerate()
        .map(|(k, &null)| if null { stand_in } else { k } as IdxSize)
        .collect();
    typed.take(&IdxCa::from_vec("".into(), filled))?.take(keys)
}

/// Each row's key and the keys' texts, for a column that is not an id; an
/// empty cell's key is the one after the texts'.
fn keys_and_texts<'r>(
    raw: &'r RawTable,
    cells: &'r Column,
    cell: Option<usize>,
) -> PolarsResult<(Vec<u32>, Vec<&'r str>)> {
    Ok(match cell.and_then(|i| raw.dictionary(i)) {
        // Coded by the reader: the row's code is its key.
        Some(dictionary) => {
            let none = dictionary.len() as u32;
            // A code past the dictionary (a reader's mistake) reads as an
            // empty cell, as a null gather would have it, rather than panic.
            let mut keys = Vec::with_capacity(cells.len());
            for codes in cells.u32()?.downcast_iter() {
                let start = keys.len();
                keys.extend(codes.values().iter().map(|&c| c.min(none)));
                // Empty cells afterwards, found a word of the validity at
                // a time (a bit at a time costs more than the copy).
                if let Some(valid) = codes.validity().filter(|v| v.unset_bits() > 0) {
                    let empty = !valid;
                    for row in TrueIdxIter::new(empty.len(), Some(&empty)) {
                        keys[start + row] = none;
                    }
                }
            }
            (keys, dictionary.iter().map(String::as_str).collect())
        }
        // Plain text (amounts in other forms) is nearly a value per row:
        // the k-th non-empty cell is key k.
        None => {
            let none = (cells.len() - cells.null_count()) as u32;
            let mut texts = Vec::with_capacity(none as usize);
            let keys = cells
                .str()?
                .iter()
                .map(|v| match v {
                    Some(v) => {
                        texts.push(v);
                        texts.len() as u32 - 1
                    }
                    None => none,
                })
                .collect();
            (keys, texts)
        }
    })
}

/// A plain-text amount column's keys (the k-th non-empty cell is key k,
/// an empty one the key after them), each key's amount (one more, null, for
/// empty cells) and whether its text is blank: [`keys_and_texts`] and
/// [`parse_keys`] in one pass, without a list of the texts.
fn plain_amounts(cells: &StringChunked) -> (Vec<u32>, Vec<Option<f64>>, Vec<bool>) {
    let none = (cells.len() - cells.null_count()) as u32;
    let mut keys = Vec::with_capacity(cells.len());
    let mut values = Vec::with_capacity(none as usize + 1);
    let mut blank = Vec::with_capacity(none as usize);
    for cell in cells.iter() {
        match cell {
            Some(text) => {
                keys.push(values.len() as u32);
                values.push(parse::parse_decimal(text));
                blank.push(is_blank_text(text));
            }
            None => keys.push(none),
        }
    }
    values.push(None);
    (keys, values, blank)
}

/// A cell of spaces only is as empty as an empty one.
fn is_blank_text(text: &str) -> bool {
    match text.as_bytes().first() {
        // The usual case, told by its first byte: a character that is not a space.
        Some(&b) if b.is_ascii() && !(b as char).is_whitespace() => false,
        _ => text.trim().is_empty(),
    }
}

/// An id column as the rules and the checked frame read it.
fn checked_ids(cells: &StringChunked) -> Ids {
    // Ids are compared after width folding (`TJ-FW-１２` is `TJ-FW-12`)
    // and trimming; most need neither and are kept as they are, their
    // shapes told in the same pass.
    let mut shape = Vec::with_capacity(cells.len());
    let mut plain = true;
    for id in cells.iter() {
        match id {
            None => shape.push(IdShape::Missing),
            Some(id) if needs_folding(id) => {
                plain = false;
                break;
            }
            Some(id) => shape.push(id_shape(id.as_bytes())),
        }
    }
    let ids = if plain {
        cells.clone()
    } else {
        let mut folded = StringChunkedBuilder::new(cells.name().clone(), cells.len());
        for id in cells.iter() {
            match id {
                Some(id) if needs_folding(id) => {
                    let id: String = id.chars().map(crate::regions::fold_full_width).collect();
                    let id = id.trim();
                    folded.append_option((!id.is_empty()).then_some(id));
                }
                id => folded.append_option(id),
            }
        }
        let folded = folded.finish();
        shape.clear();
        shape.extend(
            folded
                .iter()
                .map(|id| id.map_or(IdShape::Missing, |id| id_shape(id.as_bytes()))),
        );
        folded
    };
    let (mut round, mut other) = (0, 0);
    for s in &shape {
        match s {
            IdShape::Round => round += 1,
            // Mangled ids are not round, so they count among the others.
            IdShape::Other | IdShape::Mangled => other += 1,
            IdShape::Missing => {}
        }
    }
    Ids {
        ids,
        shape,
        resaved: round > 0 && other > round,
    }
}

/// Whether an id needs width folding or trimming (or is empty) before it
/// is compared: an ASCII id is told by its ends, as `trim` tells it.
fn needs_folding(id: &str) -> bool {
    let is_space = |b: Option<&u8>| b.is_none_or(|&b| (b as char).is_whitespace());
    !id.is_ascii() || is_space(id.as_bytes().first()) || is_space(id.as_bytes().last())
}

fn id_shape(id: &[u8]) -> IdShape {
    if is_mangled_id(id) {
        IdShape::Mangled
    } else if is_round_id(id) {
        IdShape::Round
    } else {
        IdShape::Other
    }
}

/// Excel's rendering of a long number, `4.20106E+17`: the whole id is
/// `[0-9]*\.?[0-9]+[eE][+-]?[0-9]+`.
fn is_mangled_id(id: &[u8]) -> bool {
    // Most ids start with a letter: not a number at all.
    if !id.first().is_some_and(|&b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let Some(e) = id.iter().position(|&b| b == b'e' || b == b'E') else {
        return false;
    };
    let (mantissa, exponent) = (&id[..e], &id[e + 1..]);
    let mantissa_ok = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => {
            let (whole, fraction) = (&mantissa[..dot], &mantissa[dot + 1..]);
            (whole.is_empty() || digits(whole)) && digits(fraction)
        }
        None => digits(mantissa),
    };
    let exponent = exponent
        .strip_prefix(b"+")
        .or_else(|| exponent.strip_prefix(b"-"))
        .unwrap_or(exponent);
    mantissa_ok && digits(exponent)
}

/// A number of 12 or more digits ending in 5 zeros: what Excel leaves of an
/// id it showed as `1.23512E+11` once the file is saved again.
fn is_round_id(id: &[u8]) -> bool {
    id.len() >= 12 && id.iter().all(u8::is_ascii_digit) && id.ends_with(b"00000")
}

/// Where the rules that relate columns find them.
struct Rules {
    kind: LogKind,
    prefecture: usize,
    county: usize,
    received: usize,
    closed: usize,
    /// The column saying whether a row is closed (status, outcome).
    state: usize,
    settled: Option<usize>,
}

impl Rules {
    fn new(kind: LogKind, specs: &[ColumnSpec]) -> Rules {
        let at = |name| spec_index(specs, name);
        let (received, closed, state) = match kind {
            LogKind::Hotline => ("received_at", "closed_at", "status"),
            LogKind::Mediation => ("received_on", "closed_on", "outcome"),
        };
        Rules {
            kind,
            prefecture: at("prefecture"),
            county: at("county"),
            received: at(received),
            closed: at(closed),
            state: at(state),
            settled: (kind == LogKind::Mediation).then(|| at("settled_yuan")),
        }
    }

    /// The reject code of the first rule relating columns that a row
    /// breaks, for a row that breaks no rule of a column of its own. A rule
    /// about a value that is not there is not broken (the value's own rule
    /// speaks first).
    fn relation_broken(&self, columns: &[SpecColumn], row: usize) -> Option<u16> {
        // A county must lie in the row's prefecture; a prefecture-level
        // unit in the county column must repeat the row's own.
        let prefecture = columns[self.prefecture].prefecture(row);
        let wrong_county = match columns[self.county].county(row) {
            Some((CountyMatch::County(_), Some(parent))) => prefecture.is_some_and(|p| p != parent),
            Some((CountyMatch::Prefecture(code), _)) => prefecture.is_some_and(|p| p != code),
            _ => false,
        };
        if wrong_county {
            return Some(reject_code(Problem::CountyNotInPrefecture, self.county));
        }
        let state = columns[self.state].word(row);
        let is_closed = match self.kind {
            LogKind::Hotline => state.map(|s| s == "closed"),
            LogKind::Mediation => state.map(|s| s != "pending"),
        };
        let closed = &columns[self.closed];
        if is_closed == Some(true) && closed.missing(row) {
            return Some(reject_code(Problem::ClosingDateMissing, self.closed));
        }
        if is_closed == Some(false) && !closed.missing(row) {
            return Some(reject_code(Problem::ClosingDateNotAllowed, self.closed));
        }
        if let (Some(closed_on), Some(received_on)) =
            (closed.moment(row), columns[self.received].moment(row))
            && closed_on < received_on
        {
            return Some(reject_code(Problem::ClosedBeforeReceived, self.closed));
        }
        if let Some(settled) = self.settled
            && !columns[settled].missing(row)
            && state.is_some_and(|s| s != "success")
        {
            return Some(reject_code(Problem::SettledWithoutSuccess, settled));
        }
        None
    }
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

/// Free text and enum values are kept dictionary-encoded: each distinct
/// value once, in one dictionary shared by every block and file.
fn text_dtype() -> DataType {
    DataType::from_categories(Categories::global())
}

/// For a column whose values need parsing, given its distinct texts in
/// key order: what the rules need to know of each, and its typed value
/// (null when it does not parse); and one key more, null, for empty cells.
fn parse_keys(
    keys: &[&str],
    spec: &ColumnSpec,
    regions: &RegionTable,
) -> PolarsResult<(Facts, Column)> {
    let name: PlSmallStr = spec.name.into();
    Ok(match spec.ty {
        ColumnType::Id => polars_bail!(ComputeError: "ids are not parsed"),
        ColumnType::Text => {
            let v: Vec<Option<&str>> = keys
                .iter()
                .map(|k| Some(k.trim()).filter(|t| !t.is_empty()))
                .chain([None])
                .collect();
            (Facts::Text, Column::new(name, v).cast(&text_dtype())?)
        }
        ColumnType::Enum(e) => {
            let v: Vec<Option<&'static str>> =
                keys.iter().map(|k| e.parse(k)).chain([None]).collect();
            let typed = Column::new(name, &v).cast(&text_dtype())?;
            (Facts::Word(v), typed)
        }
        ColumnType::Date => {
            let v: Vec<Option<i32>> = keys
                .iter()
                .map(|k| parse::parse_date(k).map(|d| (d - epoch()).num_days() as i32))
                .chain([None])
                .collect();
            let facts = Facts::Moment(v.iter().map(|d| d.map(i64::from)).collect());
            (facts, Column::new(name, v).cast(&DataType::Date)?)
        }
        ColumnType::DateTime => {
            let v: Vec<Option<i64>> = keys
                .iter()
                .map(|k| parse::parse_datetime(k).map(|d| d.and_utc().timestamp_millis()))
                .chain([None])
                .collect();
            let typed =
                Column::new(name, &v).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
            (Facts::Moment(v), typed)
        }
        ColumnType::Count => {
            let v: Vec<Option<i64>> = keys
                .iter()
                .map(|k| parse::parse_integer(k))
                .chain([None])
                .collect();
            let facts = Facts::Number(v.iter().map(|n| n.map(|n| n as f64)).collect());
            (facts, Column::new(name, v))
        }
        ColumnType::Amount => {
            let v: Vec<Option<f64>> = keys
                .iter()
                .map(|k| parse::parse_decimal(k))
                .chain([None])
                .collect();
            let typed = Column::new(name, &v);
            (Facts::Number(v), typed)
        }
        ColumnType::Phone => {
            let v: Vec<Option<String>> = keys
                .iter()
                .map(|k| Some(parse::phone_digits(k)).filter(|d| !d.is_empty()))
                .chain([None])
                .collect();
            (Facts::Text, Column::new(name, v))
        }
        ColumnType::Region(Level::Prefecture) => {
            let v: Vec<Option<u32>> = keys
                .iter()
                .map(|k| regions.lookup_prefecture(k))
                .chain([None])
                .collect();
            let typed = Column::new(name, &v);
            (Facts::Prefecture(v), typed)
        }
        ColumnType::Region(Level::County) => {
            let matches: Vec<Option<(CountyMatch, Option<u32>)>> = keys
                .iter()
                .map(|k| {
                    let m = regions.lookup_county(k)?;
                    let parent = match m {
                        CountyMatch::County(c) | CountyMatch::Prefecture(c) => {
                            regions.get(c).and_then(|r| r.parent_code)
                        }
                        CountyMatch::NoCounty => None,
                    };
                    Some((m, parent))
                })
                .chain([None])
                .collect();
            // Only a county is kept as the row's county.
            let code: Vec<Option<u32>> = matches
                .iter()
                .map(|m| match m {
                    Some((CountyMatch::County(c), _)) => Some(*c),
                    _ => None,
                })
                .collect();
            (Facts::County(matches), Column::new(name, code))
        }
    })
}

fn spec_index(specs: &[ColumnSpec], name: &str) -> usize {
    specs
        .iter()
        .position(|s| s.name == name)
        .unwrap_or_else(|| panic!("column {name} is in the spec"))
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
    // A cell as a reason quotes it: its phones masked before it is cut to
    // length (a number cut in two would not be seen as one afterwards).
    let quote = |text: &str| messages::quote(&parse::mask_phones_of(text));
    let quoted = |name: &str| -> PolarsResult<String> { Ok(quote(&cell_of(name)?.1)) };
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
    let value = quote(&raw_value);
    // A date cell as Excel's serial number reads with its date beside it.
    let quoted_date = |name: &str| -> PolarsResult<String> {
        let text = cell_of(name)?.1;
        let date = super::parse::parse_date(&text).filter(|_| super::parse::is_excel_serial(&text));
        Ok(match date {
            Some(d) => format!(
                "{}{}",
                quote(&text),
                messages::pick(&format!("（即 {d}）"), &format!(" (= {d})"))
            ),
            None => quote(&text),
        })
    };
    let ticket = spec.name == "closed_at";
    let state = if ticket { "status" } else { "outcome" };
    let message = match rule {
        Problem::MissingRequired => Message::RequiredEmpty { column },
        Problem::MangledId => Message::MangledId { column, value },
        Problem::Unparseable => unparseable_message(spec, column, value, &raw_value),
        Problem::OutOfRange => {
            // Above the bound or below it: the number as the rule read it
            // (full-width digits, separators and all).
            let read = parse::parse_decimal(&raw_value);
            match spec.ty {
                ColumnType::Count if read.is_some_and(|n| n > MAX_WORKERS as f64) => {
                    Message::CountTooLarge {
                        column,
                        value,
                        max: MAX_WORKERS,
                    }
                }
                ColumnType::Count => Message::CountTooSmall { column, value },
                _ if read.is_some_and(|a| a > MAX_AMOUNT_YUAN) => Message::AmountTooLarge {
                    column,
                    value,
                    max: "1000000000".to_string(),
                },
                _ => Message::Negative { column, value },
            }
        }
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
    fn whole_number_amounts_are_read_with_the_parsers_values() {
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
        // The reference's whole-number path relies on this: whatever
        // Polars' String → Int64 cast reads, parse_decimal reads too, to
        // the same number.
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

    /// The row checker and the expression reference on one block: the same
    /// rejects (row and code) and the same checked frame, typed alike.
    fn assert_same_as_reference(raw: &RawTable, kind: LogKind, what: &str) {
        let header = match_header(kind, &raw.header).unwrap();
        let regions = RegionTable::hubei();
        let (accepted, rejected) = check_codes(raw, kind, &header, &regions).unwrap();
        let (expected, expected_rejected) =
            reference::check_rows(raw, kind, &header, &regions).unwrap();
        assert_eq!(rejected, expected_rejected, "{what}");
        assert_eq!(
            format!("{:?}", accepted.schema()),
            format!("{:?}", expected.schema()),
            "{what}"
        );
        assert!(accepted.equals_missing(&expected), "{what}");
    }

    fn sample(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_data")
            .join(name);
        // Some samples are GBK, as exports often are.
        crate::ingest::encoding::decode_owned(std::fs::read(path).unwrap(), None).0
    }

    const SAMPLES: [(&str, LogKind); 4] = [
        ("mediation_2023-01_2023-07.csv", LogKind::Mediation),
        ("mediation_2023-06_2023-12.csv", LogKind::Mediation),
        ("hotline_2023-01_2023-07.csv", LogKind::Hotline),
        ("hotline_2023-06_2023-12.csv", LogKind::Hotline),
    ];

    #[test]
    fn the_row_checker_agrees_with_the_expression_reference_on_the_samples() {
        for (name, kind) in SAMPLES {
            let raw = crate::ingest::csv_reader::read_text(name, &sample(name), kind);
            assert_same_as_reference(&raw, kind, name);
        }
        // A workbook: date cells typed as dates, numbers typed as numbers.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_data/襄阳市调解案件台账_2023下半年.xlsx");
        let find = |rows: &[Vec<String>]| crate::ingest::schema::find_header(rows, None);
        let book = crate::ingest::workbook::open(&path, &[], &find).unwrap();
        for (sheet, mut source) in book.sheets {
            use crate::ingest::reader::Source;
            let Some(kind) = source.kind() else { continue };
            while let Some(raw) = source.next_block().unwrap() {
                assert_same_as_reference(&raw, kind, &sheet);
            }
        }
    }

    /// Cells that break, or nearly break, one rule or another.
    const TRICKY: &[&str] = &[
        "",
        " ",
        "\u{3000}",
        "4.20106E+17",
        "1.2e5",
        ".5E3",
        "1.E5",
        "e5",
        "123456789000000",
        "420100000000",
        "４２０１０００００００００",
        "TJ-１２",
        " TJ-9 ",
        "２０２３-０１-０２",
        "2023-02-30",
        "2023-02-29",
        "2024-02-29",
        "2023/6/1",
        "45078",
        "45078.5",
        "60",
        "2023年6月1日",
        "20230601",
        "2023-06-01 08:30",
        "2023-06-01 25:00",
        "2023-06-01T08:30:00",
        "-5",
        "0",
        "1",
        "100000",
        "100001",
        "3.0",
        "3.5",
        "1,234.5元",
        "1,2,3",
        "¥20",
        "1e3",
        "999999999",
        "1000000000",
        "1000000001",
        "13812345678",
        "138-1234-5678",
        "abc",
        "合同",
        "调解成功",
        "调解不成功",
        "调解中",
        "撤回",
        "success",
        "pending",
        "failure",
        "已办结",
        "办结",
        "closed",
        "open",
        "武汉市",
        "武汉",
        "黄石市",
        "江岸区",
        "黄石港区",
        "市本级",
        "仙桃市",
        "神农架林区",
        "襄阳市",
        "襄城区",
        "法院+工会",
        "人社＋工会",
        "劳动报酬",
        "2022-12-31",
        "2024-01-01",
        "2023-12-31",
        "满意",
        "不满意",
    ];

    /// Each row of `text` after its header with some cells replaced: by a
    /// tricky value, a cell from another row of the same column, or a cell
    /// from another column. A small splitmix64 keeps every run the same.
    fn mutate(text: &str, seed: u64, rows: usize) -> String {
        let mut state = seed;
        let mut next = move |n: usize| -> usize {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        };
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        let table: Vec<Vec<String>> = lines.map(|l| crate::csv_line::split(l, b',')).collect();
        let start = next(table.len().saturating_sub(rows).max(1));
        let mut out = format!("{header}\n");
        for row in table.iter().skip(start).take(rows) {
            let mut row = row.clone();
            for _ in 0..next(4) {
                let j = next(row.len());
                row[j] = match next(3) {
                    0 => TRICKY[next(TRICKY.len())].replace("\\u{3000}", "\u{3000}"),
                    1 => table[next(table.len())].get(j).cloned().unwrap_or_default(),
                    _ => row[next(row.len())].clone(),
                };
            }
            let cells: Vec<_> = row.iter().map(|c| crate::csv_line::quote(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_row_checker_agrees_with_the_expression_reference_on_seeded_mutations() {
        let texts: Vec<(String, LogKind)> = SAMPLES
            .iter()
            .map(|(name, kind)| (sample(name), *kind))
            .collect();
        let mut broken = std::collections::BTreeSet::new();
        for round in 0..400u64 {
            let (text, kind) = &texts[round as usize % texts.len()];
            let mutated = mutate(text, round, 300);
            let raw = crate::ingest::csv_reader::read_text("m.csv", &mutated, *kind);
            assert_same_as_reference(&raw, *kind, &format!("round {round}"));
            let header = match_header(*kind, &raw.header).unwrap();
            let (_, rejected) = check_codes(&raw, *kind, &header, &RegionTable::hubei()).unwrap();
            broken.extend(rejected.iter().map(|&(_, code)| rule_of(code) as u8));
        }
        // The mutations reach every rule, so each was compared.
        let every: std::collections::BTreeSet<u8> =
            Problem::RULES.iter().map(|&p| p as u8).collect();
        assert_eq!(broken, every);
    }

    #[test]
    fn blank_texts_are_told_as_trimming_tells_them() {
        for text in [
            "",
            " ",
            "\t",
            "\u{b}",
            "\u{3000}",
            "\u{3000}x",
            " x",
            "x",
            "x ",
            "中",
            "\u{a0}",
            "0",
        ] {
            assert_eq!(is_blank_text(text), text.trim().is_empty(), "{text:?}");
        }
    }

    #[test]
    fn a_gather_by_key_is_polars_take_whichever_keys_are_taken() {
        let dates = Column::new("d".into(), [None, Some(19_000), Some(19_001), None])
            .cast(&DataType::Date)
            .unwrap();
        let words = Column::new("w".into(), [Some("a"), None, Some("b"), None])
            .cast(&text_dtype())
            .unwrap();
        let plain = Column::new("p".into(), [1.5, 2.5, 3.5, 4.5]);
        let nulls = Column::new("n".into(), [None::<i64>, None]);
        let amounts = Column::new("a".into(), [Some(1.5), None, Some(3.5), None]);
        let counts = Column::new("c".into(), [Some(1i64), Some(2), None, Some(4)]);
        let codes = Column::new("k".into(), [Some(7u32), None, Some(9), Some(7)]);
        let moments = Column::new("m".into(), [Some(1i64), None, Some(3), None])
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        let phones = Column::new("t".into(), [Some("138"), None, Some("139"), None]);
        let mut chunked = Column::new("x".into(), [Some(1.0), None]);
        chunked
            .append(&Column::new("x".into(), [Some(3.0), Some(4.0)]))
            .unwrap();
        let empty = Column::new_empty("e".into(), &DataType::Float64);
        for typed in [
            &dates, &words, &plain, &nulls, &amounts, &counts, &codes, &moments, &phones, &chunked,
            &empty,
        ] {
            for keys in [
                vec![],
                vec![0],
                vec![1, 2, 1],
                vec![2, 0, 2],
                vec![3, 3],
                vec![1, 1, 1],
            ] {
                let keys: Vec<IdxSize> = keys
                    .into_iter()
                    .filter(|&k| (k as usize) < typed.len())
                    .collect();
                let keys = IdxCa::from_vec("".into(), keys);
                let fast = gather_by_key(typed, &keys).unwrap();
                let slow = typed.take(&keys).unwrap();
                assert_eq!(fast.len(), keys.len());
                assert_eq!(fast.null_count(), slow.null_count());
                assert_eq!(fast.dtype(), slow.dtype());
                assert!(
                    fast.as_materialized_series()
                        .equals_missing(slow.as_materialized_series()),
                    "{fast:?} {slow:?}"
                );
            }
        }
    }

    #[test]
    fn ids_need_folding_when_trimming_or_width_would_change_them() {
        // Every ASCII byte at either end or alone, and some wider texts.
        let mut ids: Vec<String> = vec![String::new(), "TJ-１２".into(), "\u{3000}TJ".into()];
        for b in 0u8..128 {
            let c = b as char;
            ids.extend([format!("{c}"), format!("{c}TJ-12"), format!("TJ-12{c}")]);
        }
        for id in &ids {
            // The rule as it was written before it was told by the ends.
            let by_trimming = !id.is_ascii() || id.trim().len() != id.len() || id.is_empty();
            assert_eq!(needs_folding(id), by_trimming, "{id:?}");
        }
    }

    #[test]
    fn mangled_and_round_ids_are_told_as_the_patterns_say() {
        let alphabet = b"0123456789.eE+-x";
        // Every id of up to 5 characters from the alphabet, and long ones.
        let mut ids: Vec<String> = vec![String::new()];
        let mut frontier = ids.clone();
        for _ in 0..5 {
            frontier = frontier
                .iter()
                .flat_map(|p| alphabet.iter().map(move |&c| format!("{p}{}", c as char)))
                .collect();
            ids.extend(frontier.iter().cloned());
        }
        for long in [
            "123456700000",
            "12345600000",
            "1234567000000",
            "123456700001",
        ] {
            ids.push(long.to_string());
        }
        // The patterns as regular expressions, matched by Polars.
        let column = StringChunked::from_iter_values("id".into(), ids.iter().map(String::as_str));
        let mangled = column
            .contains(reference::MANGLED_ID_PATTERN, true)
            .unwrap();
        let round = column
            .contains(reference::RESAVED_ID_PATTERN, true)
            .unwrap();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                is_mangled_id(id.as_bytes()),
                mangled.get(i).unwrap(),
                "{id:?}"
            );
            assert_eq!(is_round_id(id.as_bytes()), round.get(i).unwrap(), "{id:?}");
        }
    }
}
