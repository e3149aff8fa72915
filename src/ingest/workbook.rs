//! Reading Excel, WPS and OpenDocument workbooks (.xlsx, .xlsm, .xlsb,
//! .xls, .ods, through calamine): each sheet that holds a log is a
//! [`Source`] of the reader interface, named `FILE[SHEET]`, its line
//! numbers the sheet's row numbers as Excel shows them.
//!
//! Typed cells become what the spec says, by the role of their column:
//! a date cell in a date column is that date (never re-read from text), in
//! a text column its ISO text; a whole-number cell in a text column is its
//! digits, unless it has more than 15 significant digits (Excel has dropped
//! some: the row is rejected with the re-export advice); a number in a date
//! column is an Excel serial, read as in CSV; a formula cell is its cached
//! value; an error cell (`#N/A`) rejects its row. A workbook is only read.

use std::path::Path;

use calamine::{Data, Reader, SheetType};
use polars::prelude::{PlHashMap, UInt32Chunked};

use super::reader::{
    CellColumn, CellRole, FindHeader, HEADER_ROWS, RawTable, ReadError, Records, Source,
    SourceFormat, StructuralProblem, StructuralReject, WorkbookFormat, is_total_row,
};
use super::schema::LogKind;
use crate::messages::{Message, quote};

/// Numbers at or above this have lost digits in Excel (15 significant).
const EXACT_DIGITS_LIMIT: f64 = 1e15;

/// A sheet with a header, its rows converted at once.
pub struct SheetSource {
    name: String,
    format: SourceFormat,
    header: Vec<String>,
    kind: Option<LogKind>,
    block: Option<RawTable>,
}

impl Source for SheetSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn format(&self) -> SourceFormat {
        self.format
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn kind(&self) -> Option<LogKind> {
        self.kind
    }

    fn next_block(&mut self) -> Result<Option<RawTable>, ReadError> {
        Ok(self.block.take())
    }
}

/// A workbook opened: the sheets that hold a header, and the others.
pub struct Workbook {
    /// Every sheet's name, in workbook order.
    pub sheet_names: Vec<String>,
    /// The sheets with a header, in workbook order, with their names.
    pub sheets: Vec<(String, SheetSource)>,
    /// Sheets without any row of content, or without a header.
    pub without_header: Vec<String>,
}

/// The 8 bytes an OLE compound file starts with: an .xls, or an encrypted
/// .xlsx (Office wraps those in one).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens a workbook and finds each sheet's header; `only` restricts the
/// sheets read (`--sheet`; empty for all).
pub fn open(path: &Path, only: &[String], find_header: FindHeader) -> Result<Workbook, ReadError> {
    let format = WorkbookFormat::of(path).unwrap_or(WorkbookFormat::Xlsx);
    let mut magic = [0u8; 8];
    {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let _ = file.read(&mut magic)?;
    }
    let zipped = matches!(
        format,
        WorkbookFormat::Xlsx | WorkbookFormat::Xlsm | WorkbookFormat::Xlsb
    );
    if zipped && magic == OLE_MAGIC {
        return Err(ReadError::Workbook(Message::WorkbookEncrypted));
    }
    let mut book = calamine::open_workbook_auto(path).map_err(unreadable)?;
    let listed: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ == SheetType::WorkSheet))
        .collect();
    let sheet_names: Vec<String> = listed.iter().map(|(n, _)| n.clone()).collect();
    for wanted in only {
        if !sheet_names.iter().any(|n| n == wanted) {
            return Err(ReadError::Workbook(Message::SheetNotFound {
                sheet: quote(wanted),
                sheets: sheet_names.join("、"),
            }));
        }
    }
    let mut sheets = Vec::new();
    let mut without_header = Vec::new();
    for (name, is_worksheet) in listed {
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        if !is_worksheet {
            without_header.push(name);
            continue;
        }
        let range = book.worksheet_range(&name).map_err(unreadable)?;
        let source_name = format!("{}[{name}]", path.display());
        match sheet_source(source_name, format, &range, find_header)? {
            Some(source) => sheets.push((name, source)),
            None => without_header.push(name),
        }
    }
    Ok(Workbook {
        sheet_names,
        sheets,
        without_header,
    })
}

fn unreadable(e: calamine::Error) -> ReadError {
    let detail = e.to_string();
    if detail.contains("password") {
        ReadError::Workbook(Message::WorkbookEncrypted)
    } else {
        ReadError::Workbook(Message::WorkbookUnreadable { detail })
    }
}

fn has_content(row: &[Data]) -> bool {
    row.iter().any(|c| match c {
        Data::Empty => false,
        Data::String(s) => !s.trim().is_empty(),
        _ => true,
    })
}

/// A cell as plain text, whatever its column (headers, total rows).
fn plain_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map_or_else(|| number_text(dt.as_f64()), |d| iso_text(d, false)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as its digits when whole, else in its shortest exact form.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < EXACT_DIGITS_LIMIT {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn iso_text(d: chrono::NaiveDateTime, date_only: bool) -> String {
    if date_only || d.time() == chrono::NaiveTime::MIN {
        d.date().to_string()
    } else {
        d.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// What one cell of a data row becomes in its column.
enum CellValue {
    Empty,
    Text(String),
    /// A date cell in a date column: the value, and its text for messages.
    Date(i64, String),
    Problem(StructuralProblem),
}

/// A date cell's moment, rounded to the second; none on Excel's phantom
/// 1900-02-29 (serial 60).
fn date_cell(dt: &calamine::ExcelDateTime) -> Option<chrono::NaiveDateTime> {
    let serial = dt.as_f64();
    if (60.0..61.0).contains(&serial) {
        return None;
    }
    let d = dt.as_datetime()?;
    let seconds = (d.and_utc().timestamp_millis() as f64 / 1000.0).round() as i64;
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
}

fn cell_value(cell: &Data, role: CellRole, column: usize) -> CellValue {
    let date_role = matches!(role, CellRole::Date | CellRole::DateTime);
    match cell {
        Data::Empty => CellValue::Empty,
        Data::String(s) if s.is_empty() => CellValue::Empty,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Problem(StructuralProblem::ErrorCell {
            column,
            value: e.to_string(),
        }),
        Data::Float(f) if role.is_text() && f.fract() == 0.0 && f.abs() >= EXACT_DIGITS_LIMIT => {
            CellValue::Problem(StructuralProblem::LongNumberCell {
                column,
                value: format!("{f:E}"),
            })
        }
        Data::DateTime(dt) if dt.is_datetime() => match date_cell(dt) {
            None => CellValue::Problem(StructuralProblem::PhantomDate { column }),
            // A time without a date (serial below 1, Excel's day 0): its
            // time as text, which no date rule takes for 1899-12-31.
            Some(d) if date_role && dt.as_f64() < 1.0 => {
                CellValue::Text(d.time().format("%H:%M:%S").to_string())
            }
            Some(d) if date_role => {
                let date_only = role == CellRole::Date;
                let d = if date_only {
                    d.date().and_time(chrono::NaiveTime::MIN)
                } else {
                    d
                };
                CellValue::Date(d.and_utc().timestamp_millis(), iso_text(d, date_only))
            }
            Some(d) => CellValue::Text(iso_text(d, false)),
        },
        Data::DateTimeIso(s) if date_role => match parse_iso(s) {
            Some(d) => {
                let date_only = role == CellRole::Date;
                let d = if date_only {
                    d.date().and_time(chrono::NaiveTime::MIN)
                } else {
                    d
                };
                CellValue::Date(d.and_utc().timestamp_millis(), iso_text(d, date_only))
            }
            None => CellValue::Text(s.clone()),
        },
        other => CellValue::Text(plain_text(other)),
    }
}

/// An OpenDocument date or datetime value (`2023-06-01`, `2023-06-01T09:15:00`).
fn parse_iso(s: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
}

/// A sheet's source, or none when no row of it has content.
fn sheet_source(
    name: String,
    format: WorkbookFormat,
    range: &calamine::Range<Data>,
    find_header: FindHeader,
) -> Result<Option<SheetSource>, ReadError> {
    let first_row = range.start().map_or(0, |(r, _)| r);
    let width = range.width();
    // Rows with content, with their row number as Excel shows it.
    let rows: Vec<(u32, &[Data])> = range
        .rows()
        .enumerate()
        .filter(|(_, r)| has_content(r))
        .map(|(i, r)| (first_row + i as u32 + 1, r))
        .collect();
    let top: Vec<Vec<String>> = rows
        .iter()
        .take(HEADER_ROWS)
        .map(|(_, r)| r.iter().map(plain_text).collect())
        .collect();
    if top.is_empty() {
        return Ok(None);
    }
    let Some(found) = find_header(&top) else {
        return Ok(None);
    };
    if !found.qualified {
        return Ok(None);
    }
    let header = top[found.row].clone();
    let roles = found.roles.clone();
    let format = SourceFormat::Workbook(format);

    let mut lines = Vec::new();
    let mut records = Vec::new();
    let mut structural_rejects = Vec::new();
    let mut texts: Vec<Vec<Option<String>>> = vec![Vec::new(); width];
    let mut dates: Vec<Vec<Option<i64>>> = vec![Vec::new(); width];
    let mut any_date = vec![false; width];
    for &(line, row) in &rows[found.row + 1..] {
        let raw = raw_line(row);
        let cells: Vec<String> = row.iter().map(plain_text).collect();
        if is_total_row(cells.iter().map(String::as_str)) {
            structural_rejects.push(StructuralReject {
                line,
                problem: StructuralProblem::TotalRow,
                raw,
            });
            continue;
        }
        let values: Vec<CellValue> = (0..width)
            .map(|j| {
                let role = roles.get(j).copied().unwrap_or(CellRole::Extra);
                row.get(j)
                    .map_or(CellValue::Empty, |c| cell_value(c, role, j + 1))
            })
            .collect();
        if let Some(problem) = values.iter().find_map(|v| match v {
            CellValue::Problem(p) => Some(p.clone()),
            _ => None,
        }) {
            structural_rejects.push(StructuralReject { line, problem, raw });
            continue;
        }
        for (j, v) in values.into_iter().enumerate() {
            let (text, date) = match v {
                CellValue::Empty | CellValue::Problem(_) => (None, None),
                CellValue::Text(t) => (Some(t), None),
                CellValue::Date(ms, t) => {
                    any_date[j] = true;
                    (Some(t), Some(ms))
                }
            };
            texts[j].push(text);
            dates[j].push(date);
        }
        lines.push(line);
        records.push(raw);
    }
    let columns = texts
        .into_iter()
        .enumerate()
        .map(|(j, cells)| {
            if roles.get(j).is_none_or(|r| r.is_plain()) {
                CellColumn::Plain(cells)
            } else {
                encode(cells)
            }
        })
        .collect();
    let dates = dates
        .into_iter()
        .zip(any_date)
        .map(|(d, any)| any.then_some(d))
        .collect();
    let mut header = header;
    header.resize(width, String::new());
    let block = RawTable::new(
        format,
        header.clone(),
        columns,
        dates,
        lines,
        Records::Lines(records),
        structural_rejects,
    )?;
    Ok(Some(SheetSource {
        name,
        format,
        header,
        kind: found.kind,
        block: Some(block),
    }))
}

/// A column's texts as codes into their distinct values.
fn encode(cells: Vec<Option<String>>) -> CellColumn {
    let mut dictionary: Vec<String> = Vec::new();
    let mut codes_of: PlHashMap<String, u32> = PlHashMap::default();
    let codes: UInt32Chunked = cells
        .into_iter()
        .map(|c| {
            let c = c?;
            Some(match codes_of.get(&c) {
                Some(&code) => code,
                None => {
                    let code = dictionary.len() as u32;
                    dictionary.push(c.clone());
                    codes_of.insert(c, code);
                    code
                }
            })
        })
        .collect();
    CellColumn::Coded { codes, dictionary }
}

/// A sheet row as one line of CSV, for the rejects file.
fn raw_line(row: &[Data]) -> String {
    row.iter()
        .map(|c| crate::csv_line::quote(&plain_text(c)).into_owned())
        .collect::<Vec<_>>()
        .join(",")
}
