//! Reading a CSV export: bytes → header + rows of text cells, each row with
//! the physical line where its record starts.
//!
//! This is the only place that knows the file is CSV; an .xlsx reader would
//! produce the same [`RawTable`]. Nothing here checks values.
//!
//! One quote-aware pass over the bytes finds the records (so a quoted cell
//! may span lines and every row keeps its line number), sets aside records
//! that cannot be rows (ragged, unclosed quote, undecodable bytes) and skips
//! blank ones; Polars' multi-threaded reader then splits the cells of the
//! well-formed records into columns of text.
//!
//! Most columns repeat a few values (regions, dates, outcomes), so the
//! reader stores their cells dictionary-encoded (Categorical): each distinct
//! text once, a code per row. The caller names the columns of unique values
//! (ids), which stay plain String columns.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use std::io::Read;

use super::encoding::{Encoding, decode_owned};
use super::problem::Problem;

/// Why a record could not become a row at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructuralProblem {
    /// The record has a different number of cells than the header.
    Ragged { cells: usize, header_cells: usize },
    /// A quoted cell opens and never closes before the end of the file.
    UnclosedQuote,
    /// Bytes that are not valid in the file's encoding, in this 1-based column.
    Undecodable { column: usize },
}

impl StructuralProblem {
    pub fn problem(&self) -> Problem {
        match self {
            StructuralProblem::Ragged { .. } => Problem::Ragged,
            StructuralProblem::UnclosedQuote => Problem::UnclosedQuote,
            StructuralProblem::Undecodable { .. } => Problem::Undecodable,
        }
    }
}

/// A record set aside before any value was looked at.
#[derive(Debug, Clone)]
pub struct StructuralReject {
    pub line: u32,
    pub problem: StructuralProblem,
    pub raw: String,
}

/// A file read into text cells, not yet checked.
pub struct RawTable {
    pub path: PathBuf,
    pub encoding: Encoding,
    /// Header cells as written (the header is line 1 unless blank lines precede it).
    pub header: Vec<String>,
    /// One column per header cell, named `c0`, `c1`, ...; one row per
    /// well-formed record; empty cells are null. Plain columns are String,
    /// the others Categorical with a dictionary of their own (codes 0..n).
    pub cells: DataFrame,
    /// Physical line where each row of `cells` starts.
    pub lines: Vec<u32>,
    /// Byte span of each row of `cells` in `text`, to quote rejected rows as they were.
    spans: Vec<(usize, usize)>,
    text: String,
    pub structural_rejects: Vec<StructuralReject>,
}

impl RawTable {
    /// Data records read: rows plus records set aside; blank lines and
    /// records whose cells are all empty do not count.
    pub fn records_read(&self) -> usize {
        self.lines.len() + self.structural_rejects.len()
    }

    /// The record behind row `i` of `cells`, as it stands in the file.
    pub fn raw_record(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.text[start..end]
    }

    pub fn cell_column_name(index: usize) -> String {
        format!("c{index}")
    }

    /// The text of one cell (`None` when empty), whichever way it is stored.
    pub fn cell_text(&self, row: usize, column: usize) -> PolarsResult<Option<String>> {
        let cells = self.cells.column(&RawTable::cell_column_name(column))?;
        Ok(match cells.dtype() {
            DataType::Categorical(..) => {
                let cells = cells.cat32()?;
                let code = cells.physical().get(row);
                code.and_then(|c| cells.get_mapping().cat_to_str(c as CatSize))
            }
            _ => cells.str()?.get(row),
        }
        .map(str::to_string))
    }
}

/// The distinct texts of a dictionary-encoded cell column, indexed by code.
pub fn dictionary(cells: &Column) -> PolarsResult<Vec<String>> {
    let mapping = cells.cat32()?.get_mapping();
    Ok((0..mapping.num_cats_upper_bound())
        .map(|code| {
            mapping
                .cat_to_str(code as CatSize)
                .unwrap_or_default()
                .to_string()
        })
        .collect())
}

/// Which header cells stay plain text (columns with nearly a value per
/// row, such as ids); the reader asks once, when it has found the header.
pub type PlainColumns<'a> = &'a (dyn Fn(&[String]) -> Vec<bool> + Sync);

/// Every column plain text: for callers that look at cells one by one.
pub fn all_plain(header: &[String]) -> Vec<bool> {
    vec![true; header.len()]
}

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty: no header line")]
    Empty,
    #[error("the CSV reader failed: {0}")]
    Polars(#[from] PolarsError),
}

/// Bytes read and checked at once. A block holds whole records, so a
/// file of any size is read with memory for two blocks' text cells (one
/// read while one is checked). 32 MiB ran as fast as 64 MiB on the 5M-row
/// benchmark and peaked 90 MB lower.
pub const BLOCK_BYTES: usize = 32 << 20;

pub fn read_csv_bytes(
    path: &Path,
    bytes: &[u8],
    forced: Option<Encoding>,
    plain: PlainColumns,
) -> Result<RawTable, ReadError> {
    let mut table = None;
    for_each_block(path, bytes, forced, usize::MAX, plain, |block| {
        table = Some(block);
        Ok::<(), ReadError>(())
    })?;
    table.ok_or(ReadError::Empty)
}

/// Reads a file block by block (`block_bytes` at a time, whole records
/// each), handing each block's rows to `visit` as a [`RawTable`] that
/// carries the file's header. Line numbers run on across blocks. The
/// encoding is detected on the first block unless forced.
///
/// The next block is read and split on a second thread while `visit`
/// checks the current one, so reading and checking overlap.
pub fn read_csv_blocks<E: From<ReadError>>(
    path: &Path,
    forced: Option<Encoding>,
    block_bytes: usize,
    plain: PlainColumns,
    mut visit: impl FnMut(RawTable) -> Result<(), E>,
) -> Result<(), E> {
    let file = std::fs::File::open(path).map_err(ReadError::from)?;
    std::thread::scope(|scope| {
        // The reader hands a block over only when the last one is taken: one
        // block is read while one is checked.
        let (sender, receiver) = std::sync::mpsc::sync_channel(0);
        scope.spawn(move || {
            let read = for_each_block(path, file, forced, block_bytes, plain, |table| {
                sender.send(Ok(table)).map_err(|_| ReaderStop::Abandoned)
            });
            if let Err(ReaderStop::Failed(e)) = read {
                let _ = sender.send(Err(e));
            }
        });
        // Returning early drops the receiver, which stops the reader.
        for table in receiver {
            visit(table?)?;
        }
        Ok(())
    })
}

/// Why the reading thread stopped early.
enum ReaderStop {
    Failed(ReadError),
    /// The checking side stopped taking blocks.
    Abandoned,
}

impl From<ReadError> for ReaderStop {
    fn from(e: ReadError) -> Self {
        ReaderStop::Failed(e)
    }
}

fn for_each_block<E: From<ReadError>>(
    path: &Path,
    mut source: impl std::io::Read,
    forced: Option<Encoding>,
    block_bytes: usize,
    plain: PlainColumns,
    mut visit: impl FnMut(RawTable) -> Result<(), E>,
) -> Result<(), E> {
    let mut buffer: Vec<u8> = Vec::new();
    let mut next_line = 1;
    let mut header: Option<Vec<String>> = None;
    let mut plain_cells: Vec<bool> = Vec::new();
    let mut encoding = forced;
    let mut first = true;
    loop {
        let want = block_bytes
            .saturating_sub(buffer.len())
            .max(block_bytes / 2 + 1);
        let got = (&mut source)
            .take(want as u64)
            .read_to_end(&mut buffer)
            .map_err(ReadError::from)?;
        let at_eof = got == 0 || block_bytes == usize::MAX;
        if first {
            if buffer.len() < 3 && !at_eof {
                continue; // not enough bytes yet to tell a BOM
            }
            first = false;
            if buffer.starts_with(b"\xEF\xBB\xBF") && forced != Some(Encoding::Gbk) {
                buffer.drain(..3);
                encoding = Some(Encoding::Utf8);
            }
        }
        let scan = scan_records(&buffer, next_line, at_eof);
        if scan.consumed == 0 && !at_eof {
            continue; // one record longer than a block: read on
        }
        // The block's records leave the buffer (no copy of the text when it
        // is UTF-8); the unfinished record after them stays for the next read.
        let mut rest = if at_eof {
            Vec::new()
        } else {
            Vec::with_capacity(block_bytes + buffer.len() - scan.consumed)
        };
        rest.extend_from_slice(&buffer[scan.consumed..]);
        buffer.truncate(scan.consumed);
        let chunk = std::mem::replace(&mut buffer, rest);
        // The first block decides the encoding (unless forced); one decode per block.
        let (text, chosen, had_errors) = decode_owned(chunk, encoding);
        encoding = Some(chosen);
        // Decoding GBK moves byte offsets: find the records again in the text.
        let records = match chosen {
            Encoding::Utf8 if !had_errors => scan.records,
            _ => scan_records(text.as_bytes(), next_line, true).records,
        };
        let mut records = records.into_iter();
        if header.is_none() {
            let Some(h) = records.by_ref().find(|r| r.has_content) else {
                if at_eof {
                    return Err(ReadError::Empty.into());
                }
                next_line = scan.next_line;
                continue;
            };
            let cells = split_cells(&text[h.start..h.end]);
            plain_cells = plain(&cells);
            header = Some(cells);
        }
        let table = build_table(
            path,
            chosen,
            had_errors,
            text,
            records.filter(|r| r.has_content),
            header.clone().expect("header found above"),
            &plain_cells,
        )?;
        visit(table)?;
        next_line = scan.next_line;
        if at_eof {
            return Ok(());
        }
    }
}

/// Sorts a block's records into rows and structurally broken records, and
/// has Polars split the rows into cells.
fn build_table(
    path: &Path,
    encoding: Encoding,
    check_undecodable: bool,
    text: String,
    records: impl Iterator<Item = Record>,
    header: Vec<String>,
    plain: &[bool],
) -> Result<RawTable, ReadError> {
    let header_cells = header.len();
    let mut lines = Vec::new();
    let mut spans = Vec::new();
    let mut structural_rejects = Vec::new();
    for r in records {
        let raw = &text[r.start..r.end];
        let problem = if r.unclosed_quote {
            Some(StructuralProblem::UnclosedQuote)
        } else if r.cells != header_cells {
            Some(StructuralProblem::Ragged {
                cells: r.cells,
                header_cells,
            })
        } else if check_undecodable && raw.contains('\u{FFFD}') {
            let column = split_cells(raw)
                .iter()
                .position(|c| c.contains('\u{FFFD}'))
                .map_or(1, |i| i + 1);
            Some(StructuralProblem::Undecodable { column })
        } else {
            None
        };
        match problem {
            Some(problem) => structural_rejects.push(StructuralReject {
                line: r.line,
                problem,
                raw: raw.to_string(),
            }),
            None => {
                lines.push(r.line);
                spans.push((r.start, r.end));
            }
        }
    }
    let cells = parse_cells(&text, &spans, plain)?;
    Ok(RawTable {
        path: path.to_path_buf(),
        encoding,
        header,
        cells,
        lines,
        spans,
        text,
        structural_rejects,
    })
}

/// Hands the well-formed records to Polars' reader: plain columns as
/// String, the others Categorical, each with a fresh dictionary.
fn parse_cells(text: &str, spans: &[(usize, usize)], plain: &[bool]) -> PolarsResult<DataFrame> {
    let schema: Schema = (0..plain.len())
        .map(|i| {
            let dtype = if plain.get(i).copied().unwrap_or(true) {
                DataType::String
            } else {
                DataType::from_categories(Categories::random(
                    PlSmallStr::EMPTY,
                    CategoricalPhysical::U32,
                ))
            };
            Field::new(RawTable::cell_column_name(i).into(), dtype)
        })
        .collect();
    if spans.is_empty() {
        return Ok(DataFrame::empty_with_schema(&schema));
    }
    // The records usually stand back to back; only when something was
    // skipped between them is a new buffer assembled.
    let first = spans[0].0;
    let contiguous = spans
        .windows(2)
        .all(|w| next_line_start(text.as_bytes(), w[0].1) == w[1].0);
    let buffer: std::borrow::Cow<[u8]> = if contiguous {
        std::borrow::Cow::Borrowed(&text.as_bytes()[first..spans[spans.len() - 1].1])
    } else {
        let mut b = Vec::with_capacity(spans.iter().map(|(s, e)| e - s + 1).sum());
        for &(s, e) in spans {
            b.extend_from_slice(&text.as_bytes()[s..e]);
            b.push(b'\n');
        }
        std::borrow::Cow::Owned(b)
    };
    let df = CsvReadOptions::default()
        .with_has_header(false)
        .with_schema(Some(Arc::new(schema)))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_missing_is_null(true).with_quote_char(Some(b'"')))
        .into_reader_with_file_handle(Cursor::new(buffer))
        .finish()?;
    if df.height() != spans.len() {
        polars_bail!(ComputeError: "the CSV reader saw {} rows where {} records stand", df.height(), spans.len());
    }
    Ok(df)
}

/// Byte offset just past the line break that ends at `end`.
fn next_line_start(bytes: &[u8], end: usize) -> usize {
    let mut i = end;
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    if bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    i
}

/// One record as found by [`scan_records`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    /// Byte span, without the line break.
    start: usize,
    end: usize,
    /// Physical line where it starts (1-based).
    line: u32,
    cells: usize,
    /// False for blank lines and records whose cells are all empty.
    has_content: bool,
    unclosed_quote: bool,
}

/// Splits text into records the way RFC 4180 does: a quote opens a quoted
/// cell only at the start of a cell, `""` inside is a literal quote, and
/// line breaks inside quotes belong to the cell.
///
/// It jumps from one comma, quote or line break to the next (memchr), so
/// the cost is per cell, not per byte.
fn scan_records(bytes: &[u8], first_line: u32, at_eof: bool) -> Scan {
    let mut records = Vec::new();
    let mut line: u32 = first_line;
    let mut start = 0;
    let mut start_line = first_line;
    let mut cells = 1;
    let mut has_content = false;
    // Where the current cell's text starts (just after the last separator).
    let mut cell_start = 0;
    let mut pos = 0;
    let n = bytes.len();
    let blank = |s: &[u8]| s.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
    while pos < n {
        let Some(off) = memchr::memchr3(b',', b'"', b'\n', &bytes[pos..]) else {
            has_content |= !blank(&bytes[cell_start..n]);
            break;
        };
        let i = pos + off;
        match bytes[i] {
            b'"' if blank(&bytes[cell_start..i]) => {
                // A quoted cell: find its closing quote, counting line breaks.
                let mut j = i + 1;
                let mut closed = false;
                while let Some(q) = memchr::memchr(b'"', &bytes[j..]) {
                    let quote = j + q;
                    if bytes.get(quote + 1) == Some(&b'"') {
                        j = quote + 2;
                        continue;
                    }
                    has_content |= !blank(&bytes[i + 1..quote]);
                    line += memchr::memchr_iter(b'\n', &bytes[i + 1..quote]).count() as u32;
                    j = quote + 1;
                    closed = true;
                    break;
                }
                if !closed {
                    // More of the file may close it; at its end, it never closes.
                    if at_eof {
                        records.push(Record {
                            start,
                            end: if bytes[n - 1] == b'\r' { n - 1 } else { n },
                            line: start_line,
                            cells,
                            has_content: true,
                            unclosed_quote: true,
                        });
                        start = n;
                    }
                    return Scan {
                        records,
                        consumed: start,
                        next_line: start_line,
                    };
                }
                // Text after the closing quote belongs to the same cell.
                cell_start = j;
                pos = j;
                continue;
            }
            b'"' => {
                // A quote inside an unquoted cell is a literal character.
                has_content = true;
            }
            b',' => {
                has_content |= !blank(&bytes[cell_start..i]);
                cells += 1;
                cell_start = i + 1;
            }
            _ => {
                has_content |= !blank(&bytes[cell_start..i]);
                let end = if i > start && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                records.push(Record {
                    start,
                    end,
                    line: start_line,
                    cells,
                    has_content,
                    unclosed_quote: false,
                });
                line += 1;
                start = i + 1;
                start_line = line;
                cells = 1;
                has_content = false;
                cell_start = i + 1;
            }
        }
        pos = i + 1;
    }
    if start < n && at_eof {
        let end = if bytes[n - 1] == b'\r' { n - 1 } else { n };
        records.push(Record {
            start,
            end,
            line: start_line,
            cells,
            has_content,
            unclosed_quote: false,
        });
        start = n;
    }
    Scan {
        records,
        consumed: start,
        next_line: start_line,
    }
}

/// What [`scan_records`] found in a buffer.
struct Scan {
    /// The complete records (all of them at the end of the file).
    records: Vec<Record>,
    /// Bytes covered by those records; the rest starts an unfinished record.
    consumed: usize,
    /// Line where the unfinished record (or the next block) starts.
    next_line: u32,
}

/// Cells of one record (header lines, rejected rows): quotes removed, `""` unescaped.
pub fn split_cells(record: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut cell_start = true;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    current.push('"');
                    chars.next();
                }
                '"' => in_quotes = false,
                _ => current.push(c),
            }
            continue;
        }
        match c {
            '"' if cell_start => {
                in_quotes = true;
                cell_start = false;
            }
            ',' => {
                cells.push(std::mem::take(&mut current));
                cell_start = true;
            }
            '\r' => {}
            _ => {
                current.push(c);
                cell_start = false;
            }
        }
    }
    cells.push(current);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Even columns plain, odd ones dictionary-encoded: every test reads both ways.
    fn mixed(header: &[String]) -> Vec<bool> {
        (0..header.len()).map(|i| i % 2 == 0).collect()
    }

    fn read(text: &str) -> RawTable {
        read_csv_bytes(Path::new("t.csv"), text.as_bytes(), None, &mixed).unwrap()
    }

    fn cell(t: &RawTable, row: usize, col: usize) -> Option<String> {
        t.cell_text(row, col).unwrap()
    }

    #[test]
    fn rows_keep_their_physical_line_numbers() {
        let t = read("a,b\n1,x\n\n2,y\n");
        assert_eq!(t.lines, vec![2, 4]);
        assert_eq!(t.records_read(), 2);
        assert_eq!(cell(&t, 1, 1).as_deref(), Some("y"));
    }

    #[test]
    fn quoted_cell_spanning_lines_is_one_record() {
        let t = read("a,b\n1,\"two\nlines\"\n3,z\n");
        assert_eq!(t.lines, vec![2, 4]);
        assert_eq!(cell(&t, 0, 1).as_deref(), Some("two\nlines"));
        assert_eq!(t.raw_record(0), "1,\"two\nlines\"");
    }

    #[test]
    fn escaped_quotes_and_commas_inside_quotes() {
        let t = read("a,b\n\"x, \"\"y\"\"\",2\n");
        assert_eq!(cell(&t, 0, 0).as_deref(), Some("x, \"y\""));
    }

    #[test]
    fn crlf_line_endings() {
        let t = read("a,b\r\n1,x\r\n2,y\r\n");
        assert_eq!(t.lines, vec![2, 3]);
        assert_eq!(cell(&t, 1, 1).as_deref(), Some("y"));
    }

    #[test]
    fn all_empty_records_are_not_read() {
        let t = read("a,b\n1,x\n,\n\"\",\n ,  \n");
        assert_eq!(t.records_read(), 1);
    }

    #[test]
    fn ragged_rows_are_set_aside_with_their_line() {
        let t = read("a,b\n1,x\n2\n3,y,z\n4,w\n");
        assert_eq!(t.lines, vec![2, 5]);
        assert_eq!(t.structural_rejects.len(), 2);
        assert_eq!(t.structural_rejects[0].line, 3);
        assert_eq!(
            t.structural_rejects[1].problem,
            StructuralProblem::Ragged {
                cells: 3,
                header_cells: 2
            }
        );
        assert_eq!(cell(&t, 1, 0).as_deref(), Some("4"));
    }

    #[test]
    fn unclosed_quote_is_set_aside() {
        let t = read("a,b\n1,x\n2,\"never closed\n3,y\n");
        assert_eq!(t.lines, vec![2]);
        assert_eq!(
            t.structural_rejects[0].problem,
            StructuralProblem::UnclosedQuote
        );
        assert_eq!(t.structural_rejects[0].line, 3);
    }

    #[test]
    fn undecodable_bytes_reject_the_row_and_name_the_column() {
        let bytes = b"a,b\n1,x\n2,\xFF\xFE\xFD\n";
        let t = read_csv_bytes(Path::new("t.csv"), bytes, None, &mixed).unwrap();
        assert_eq!(t.lines, vec![2]);
        assert_eq!(
            t.structural_rejects[0].problem,
            StructuralProblem::Undecodable { column: 2 }
        );
    }

    #[test]
    fn empty_file_has_no_header() {
        assert!(matches!(
            read_csv_bytes(Path::new("t.csv"), b"\n\n", None, &mixed),
            Err(ReadError::Empty)
        ));
    }

    #[test]
    fn header_only_gives_no_rows() {
        let t = read("a,b\n");
        assert_eq!(t.cells.height(), 0);
        assert_eq!(t.header, vec!["a", "b"]);
    }

    /// Header, row lines, row cells and set-aside lines of a read.
    type Gathered = (Vec<String>, Vec<u32>, Vec<Vec<Option<String>>>, Vec<u32>);

    /// Reads `bytes` in blocks of `n` bytes and gathers what every block held.
    fn in_blocks(bytes: &[u8], n: usize) -> Gathered {
        let mut header = Vec::new();
        let mut lines = Vec::new();
        let mut rows = Vec::new();
        let mut rejected = Vec::new();
        for_each_block(Path::new("t.csv"), bytes, None, n, &mixed, |t| {
            header = t.header.clone();
            lines.extend(&t.lines);
            for i in 0..t.cells.height() {
                rows.push((0..t.header.len()).map(|c| cell(&t, i, c)).collect());
            }
            rejected.extend(t.structural_rejects.iter().map(|s| s.line));
            Ok::<(), ReadError>(())
        })
        .unwrap();
        (header, lines, rows, rejected)
    }

    #[test]
    fn blocks_of_any_size_read_the_same_rows_and_lines() {
        let text =
            "\u{feff}a,b\r\n1,\"x\ny\"\r\n\r\n2,z\r\n3\r\n,\r\n4,\"w,\"\"q\"\"\"\r\n5,\"open";
        let whole = in_blocks(text.as_bytes(), usize::MAX);
        assert_eq!(whole.1, vec![2, 5, 8]);
        assert_eq!(whole.3, vec![6, 9]);
        for n in [1, 2, 3, 5, 8, 13, 40] {
            assert_eq!(in_blocks(text.as_bytes(), n), whole, "block of {n} bytes");
        }
    }

    #[test]
    fn gbk_read_in_blocks_keeps_its_characters() {
        let (bytes, _, _) = encoding_rs::GBK.encode("市州,县市区\n武汉,江岸\n恩施州,恩施\n");
        let whole = in_blocks(&bytes, usize::MAX);
        assert_eq!(whole.2[1][0].as_deref(), Some("恩施州"));
        for n in [1, 3, 7] {
            assert_eq!(in_blocks(&bytes, n), whole, "block of {n} bytes");
        }
    }

    #[test]
    fn empty_cells_are_null() {
        let t = read("a,b\n,x\n");
        assert_eq!(cell(&t, 0, 0), None);
    }
}
