//! The reader interface: what every input format produces.
//!
//! A file holds one or more *sources* (a CSV or text file is one; a
//! workbook has one per sheet that holds a log). A source has a header and
//! gives its rows in blocks of [`RawTable`]: the header cells, each row's
//! cells as text, each row's line number, and the records that cannot be
//! rows at all. Nothing after a reader knows the format: checking, merging
//! and accounting are the same code for every reader.
//!
//! Two readers implement it: [`super::csv_reader`] (CSV and other text
//! files) and [`super::workbook`] (Excel, WPS and OpenDocument workbooks).

use polars::prelude::*;

use super::encoding::Encoding;
use super::problem::Problem;
use super::schema::LogKind;
use crate::messages::Message;

/// How a source's rows were stored: a text encoding (and separator), or a
/// workbook format. Serialised as the accounting's `encoding` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Text {
        encoding: TextEncoding,
        delimiter: u8,
    },
    Workbook(WorkbookFormat),
}

/// The encoding a text file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Gbk,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    /// The encoding's name as messages and the accounting give it.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gbk => "GBK/GB18030",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

impl From<Encoding> for TextEncoding {
    fn from(e: Encoding) -> TextEncoding {
        match e {
            Encoding::Utf8 => TextEncoding::Utf8,
            Encoding::Gbk => TextEncoding::Gbk,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookFormat {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
}

impl WorkbookFormat {
    /// The format a file name's extension names (any case).
    pub fn of(path: &std::path::Path) -> Option<WorkbookFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "xlsx" => WorkbookFormat::Xlsx,
            "xlsm" => WorkbookFormat::Xlsm,
            "xlsb" => WorkbookFormat::Xlsb,
            "xls" => WorkbookFormat::Xls,
            "ods" => WorkbookFormat::Ods,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            WorkbookFormat::Xlsx => "xlsx",
            WorkbookFormat::Xlsm => "xlsm",
            WorkbookFormat::Xlsb => "xlsb",
            WorkbookFormat::Xls => "xls",
            WorkbookFormat::Ods => "ods",
        }
    }
}

impl SourceFormat {
    /// Machine name: `utf-8`, `gbk`, `utf-16le`, `utf-16be`, `xlsx`, ….
    pub fn code(self) -> &'static str {
        match self {
            SourceFormat::Text { encoding, .. } => match encoding {
                TextEncoding::Utf8 => "utf-8",
                TextEncoding::Gbk => "gbk",
                TextEncoding::Utf16Le => "utf-16le",
                TextEncoding::Utf16Be => "utf-16be",
            },
            SourceFormat::Workbook(w) => w.name(),
        }
    }

    /// What messages call the format's encoding: a text file's encoding
    /// alone (not its separator), a workbook's format.
    pub fn encoding_name(self) -> &'static str {
        match self {
            SourceFormat::Text { encoding, .. } => encoding.name(),
            SourceFormat::Workbook(w) => w.name(),
        }
    }
}

impl std::fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceFormat::Text { delimiter, .. } => {
                f.write_str(self.encoding_name())?;
                match delimiter {
                    b'\t' => f.write_str(", tab"),
                    b';' => f.write_str(", ;"),
                    _ => Ok(()),
                }
            }
            SourceFormat::Workbook(w) => f.write_str(w.name()),
        }
    }
}

impl serde::Serialize for SourceFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// What a column of a source holds, as far as a reader needs to know: how
/// to store its cells, and (for workbooks) what a typed cell becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRole {
    /// An id: plain text, nearly a value per row.
    Id,
    /// A phone number.
    Phone,
    /// Free text, an enum value or a region: a few values repeated.
    Text,
    Date,
    DateTime,
    /// A whole number (workers involved).
    Count,
    /// A decimal amount: plain text, nearly a value per row.
    Amount,
    /// A column outside the spec, kept as it is.
    Extra,
}

impl CellRole {
    /// Whether the column is stored as plain text (rather than a code into
    /// a dictionary of its distinct texts).
    pub fn is_plain(self) -> bool {
        matches!(self, CellRole::Id | CellRole::Amount | CellRole::Extra)
    }

    /// A text column in the spec's sense: a number typed there is its digits.
    pub fn is_text(self) -> bool {
        matches!(self, CellRole::Id | CellRole::Phone | CellRole::Text)
    }
}

/// The header a reader found among a source's first rows.
#[derive(Debug, Clone)]
pub struct HeaderFound {
    /// Index of the header among the first rows that have content.
    pub row: usize,
    /// Whether the row names at least half of a kind's required columns.
    /// When no row does, the first row is taken (text files), to be refused
    /// with the columns it lacks when it is matched; sheets are skipped.
    pub qualified: bool,
    /// The kind of log it is the header of (the kind asked for, if any,
    /// when no row qualified).
    pub kind: Option<LogKind>,
    /// How many spec columns it names (to choose between separators).
    pub score: usize,
    pub roles: Vec<CellRole>,
}

/// Rows at the top of a source in which a header is looked for.
pub const HEADER_ROWS: usize = 10;

/// Finds the header among the first rows of a source (at most
/// [`HEADER_ROWS`] rows with content, as text cells).
pub type FindHeader<'a> = &'a (dyn Fn(&[Vec<String>]) -> Option<HeaderFound> + Sync);

/// Why a record could not become a row at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructuralProblem {
    /// A total row (合计/总计/小计), not a case.
    TotalRow,
    /// The record has a different number of cells than the header.
    Ragged { cells: usize, header_cells: usize },
    /// A quoted cell opens and never closes before the end of the file.
    UnclosedQuote,
    /// A quote opens a cell that does not close on its line: only that
    /// line is set aside and reading goes on with the next.
    StrayQuote,
    /// Bytes that are not valid in the file's encoding, in this 1-based column.
    Undecodable { column: usize },
    /// A workbook cell holding an error value (`#N/A`), 1-based column.
    ErrorCell { column: usize, value: String },
    /// A workbook number cell in a text column with more than 15
    /// significant digits (Excel has dropped digits), 1-based column.
    LongNumberCell { column: usize, value: String },
    /// A workbook date cell on Excel's phantom 1900-02-29, 1-based column.
    PhantomDate { column: usize },
}

impl StructuralProblem {
    pub fn problem(&self) -> Problem {
        match self {
            StructuralProblem::TotalRow => Problem::TotalRow,
            StructuralProblem::Ragged { .. } => Problem::Ragged,
            StructuralProblem::UnclosedQuote => Problem::UnclosedQuote,
            StructuralProblem::StrayQuote => Problem::StrayQuote,
            StructuralProblem::Undecodable { .. } => Problem::Undecodable,
            StructuralProblem::ErrorCell { .. } => Problem::ErrorCell,
            StructuralProblem::LongNumberCell { .. } => Problem::MangledId,
            StructuralProblem::PhantomDate { .. } => Problem::Unparseable,
        }
    }

    /// The 1-based column the problem is in, when it is in one.
    pub fn column(&self) -> Option<usize> {
        match self {
            StructuralProblem::Undecodable { column }
            | StructuralProblem::ErrorCell { column, .. }
            | StructuralProblem::LongNumberCell { column, .. }
            | StructuralProblem::PhantomDate { column } => Some(*column),
            _ => None,
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

/// A block of a source's rows, read into text cells, not yet checked.
pub struct RawTable {
    pub format: SourceFormat,
    /// Header cells as written.
    pub header: Vec<String>,
    /// One column per header cell, named [`RawTable::cell_column_name`];
    /// one row per record that became a row; empty cells are null. Plain
    /// columns ([`CellRole::is_plain`]) are String; the others UInt32
    /// codes into [`RawTable::dictionary`].
    pub cells: DataFrame,
    dictionaries: Vec<Option<Vec<String>>>,
    /// Workbook date cells, as milliseconds since 1970-01-01 (local time),
    /// per column; none for text sources and columns without date cells.
    pub dates: Vec<Option<Vec<Option<i64>>>>,
    /// Physical line (or sheet row) where each row of `cells` starts.
    pub lines: Vec<u32>,
    /// The rows as they stand in the source, to quote rejected rows.
    records: Records,
    pub structural_rejects: Vec<StructuralReject>,
}

/// The rows of a block as they stand in the source.
pub enum Records {
    /// Byte spans into the block's text.
    Spans {
        text: BlockText,
        spans: Vec<(usize, usize)>,
    },
    /// One line of text per row (workbooks: the cells joined as CSV).
    Lines(Vec<String>),
}

/// A block's text: read into memory, or standing where it is in a memory
/// map of the file (a UTF-8 file on disk: its blocks are not copied).
pub enum BlockText {
    Read(String),
    /// `map[start..end]`, checked to be UTF-8 when the block was made.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
        end: usize,
    },
}

impl BlockText {
    /// `map[start..end]` when it is UTF-8; the map back when it is not.
    pub fn mapped(
        map: memmap2::Mmap,
        start: usize,
        end: usize,
    ) -> Result<BlockText, memmap2::Mmap> {
        match simdutf8::basic::from_utf8(&map[start..end]) {
            Ok(_) => Ok(BlockText::Mapped { map, start, end }),
            Err(_) => Err(map),
        }
    }
}

impl BlockText {
    /// Gives a mapped block's pages back to the kernel once its columns
    /// are built: the checker reads its text again only to quote a
    /// rejected record, whose pages are then mapped again from the file's
    /// cache. A block read into memory keeps its text (it is reused).
    pub fn release_pages(&self) {
        #[cfg(unix)]
        if let BlockText::Mapped { map, .. } = self {
            // SAFETY: the map is private and only read, never written:
            // dropping its pages loses nothing, and a later read maps the
            // file's bytes again.
            let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }
}

impl std::ops::Deref for BlockText {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            BlockText::Read(text) => text,
            // SAFETY: checked to be UTF-8 in `BlockText::mapped`. The map
            // is private and read only; another program rewriting the file
            // while it is read is the hazard every memory-mapped reader
            // shares (docs/ARCHITECTURE.md, "Reading a file").
            BlockText::Mapped { map, start, end } => unsafe {
                std::str::from_utf8_unchecked(&map[*start..*end])
            },
        }
    }
}

/// A column of cells as a reader built it.
pub enum CellColumn {
    Plain(Vec<Option<String>>),
    /// Plain cells already in a column (text readers build it in place).
    Text(StringChunked),
    /// Codes into the distinct texts, in the order first seen.
    Coded {
        codes: UInt32Chunked,
        dictionary: Vec<String>,
    },
}

impl RawTable {
    /// The block's text, for a text reader to fill again (none for rows
    /// kept as lines).
    pub fn into_text(self) -> Option<String> {
        match self.records {
            Records::Spans {
                text: BlockText::Read(text),
                ..
            } => Some(text),
            // A mapped block's text is unmapped as it is dropped.
            Records::Spans { .. } | Records::Lines(_) => None,
        }
    }

    /// Assembles a block from its columns (one per header cell, all as long
    /// as `lines`).
    pub fn new(
        format: SourceFormat,
        header: Vec<String>,
        columns: Vec<CellColumn>,
        dates: Vec<Option<Vec<Option<i64>>>>,
        lines: Vec<u32>,
        records: Records,
        structural_rejects: Vec<StructuralReject>,
    ) -> PolarsResult<RawTable> {
        let height = lines.len();
        let mut frame_columns = Vec::with_capacity(columns.len());
        let mut dictionaries = Vec::with_capacity(columns.len());
        for (i, column) in columns.into_iter().enumerate() {
            let name = RawTable::cell_column_name(i);
            match column {
                CellColumn::Plain(cells) => {
                    frame_columns.push(Column::new(name.into(), cells));
                    dictionaries.push(None);
                }
                CellColumn::Text(cells) => {
                    frame_columns.push(cells.with_name(name.into()).into_column());
                    dictionaries.push(None);
                }
                CellColumn::Coded { codes, dictionary } => {
                    frame_columns.push(codes.with_name(name.into()).into_column());
                    dictionaries.push(Some(dictionary));
                }
            }
        }
        let cells = DataFrame::new(height, frame_columns)?;
        Ok(RawTable {
            format,
            header,
            cells,
            dictionaries,
            dates,
            lines,
            records,
            structural_rejects,
        })
    }

    /// Data records read: rows plus records set aside; blank lines and
    /// records whose cells are all empty do not count.
    pub fn records_read(&self) -> usize {
        self.lines.len() + self.structural_rejects.len()
    }

    /// The record behind row `i` of `cells`, as it stands in the source.
    pub fn raw_record(&self, i: usize) -> &str {
        match &self.records {
            Records::Spans { text, spans } => {
                let (start, end) = spans[i];
                &text[start..end]
            }
            Records::Lines(lines) => &lines[i],
        }
    }

    pub fn cell_column_name(index: usize) -> String {
        format!("c{index}")
    }

    /// The distinct texts of a coded column, indexed by code; none for a
    /// plain column.
    pub fn dictionary(&self, column: usize) -> Option<&[String]> {
        self.dictionaries.get(column)?.as_deref()
    }

    /// The text of one cell (`None` when empty), whichever way it is stored.
    pub fn cell_text(&self, row: usize, column: usize) -> PolarsResult<Option<String>> {
        let cells = self.cells.column(&RawTable::cell_column_name(column))?;
        Ok(match self.dictionary(column) {
            Some(dictionary) => cells
                .u32()?
                .get(row)
                .and_then(|code| dictionary.get(code as usize).cloned()),
            None => cells.str()?.get(row).map(str::to_string),
        })
    }
}

/// Whether a row is a total row: its first non-empty cell starts with 合计,
/// 总计 or 小计, spaces of any width around or between the characters.
/// The cells are their texts (a CSV cell's quotes taken off).
pub fn is_total_row(mut cells: impl Iterator<Item = impl AsRef<str>>) -> bool {
    // A cell that starts with a printable ASCII character (most rows' first
    // cell) is not empty, and is told without trimming it.
    let has_content =
        |c: &str| c.as_bytes().first().is_some_and(u8::is_ascii_graphic) || !c.trim().is_empty();
    let Some(first) = cells.find(|c| has_content(c.as_ref())) else {
        return false;
    };
    // The first two letters, without a String per row.
    let mut letters = first.as_ref().chars().filter(|c| !c.is_whitespace());
    matches!(letters.next(), Some('合' | '总' | '小')) && letters.next() == Some('计')
}

/// Why a file cannot be read at all.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    Empty,
    Polars(PolarsError),
    /// The file's first block read as UTF-8 and a later one does not: the
    /// whole file must be read again in the encoding decided over all of it.
    EncodingChanged,
    Workbook(Message),
    /// A record that has not ended within [`super::csv_reader::MAX_BLOCK_BYTES`].
    RecordTooLong {
        line: u32,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = match self {
            ReadError::Io(e) => Message::CannotReadFile {
                detail: crate::messages::io_detail(e),
            },
            ReadError::Empty => Message::EmptyFile,
            ReadError::Polars(e) => Message::CheckFailed {
                detail: e.to_string(),
            },
            ReadError::EncodingChanged => {
                return f.write_str("the encoding changes within the file");
            }
            ReadError::Workbook(m) => m.clone(),
            ReadError::RecordTooLong { line } => Message::RecordTooLong {
                line: *line,
                limit_mib: super::csv_reader::MAX_BLOCK_BYTES >> 20,
            },
        };
        write!(f, "{message}")
    }
}

impl std::error::Error for ReadError {}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

impl From<PolarsError> for ReadError {
    fn from(e: PolarsError) -> ReadError {
        ReadError::Polars(e)
    }
}

/// One source of rows: a text file, or one sheet of a workbook.
pub trait Source {
    /// How the accounting names it: the file's path, or `FILE[SHEET]`.
    fn name(&self) -> &str;
    fn format(&self) -> SourceFormat;
    fn header(&self) -> &[String];
    /// The log kind its header names (none when no row qualified as a
    /// header: the header is then refused when it is matched).
    fn kind(&self) -> Option<LogKind>;
    /// The next block of rows after the header; none once all are read.
    fn next_block(&mut self) -> Result<Option<RawTable>, ReadError>;
    /// A block the caller is done with: a reader may fill its memory with
    /// a later block, as fresh memory costs a page fault per 4 KiB.
    fn done_with(&mut self, _block: RawTable) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_rows_are_told_by_their_first_non_empty_cell() {
        for cells in [
            vec!["合计", "528"],
            vec!["", " 合　计 ", "x"],
            vec!["合计：528件"],
            vec!["总计（件）"],
            vec!["  ", "小 计"],
            vec!["\t合计"],
            vec!["", "\u{3000}合计"],
        ] {
            assert!(is_total_row(cells.into_iter()));
        }
        for cells in [
            vec!["1", "合计"],
            vec!["合同"],
            vec![],
            vec!["", ""],
            vec!["x合计"],
            vec!["\"合计\""],
            vec!["合"],
        ] {
            assert!(!is_total_row(cells.clone().into_iter()), "{cells:?}");
        }
    }
}
