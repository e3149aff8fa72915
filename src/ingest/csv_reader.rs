//! Reading CSV and other text files (a [`Source`] of the reader interface):
//! bytes → header + rows of text cells, each row with the physical line
//! where its record starts.
//!
//! - Encoding: a BOM says UTF-8, UTF-16LE or UTF-16BE; otherwise the first
//!   block decides between UTF-8 and GBK/GB18030 (unless `--encoding`), and
//!   if a later block contradicts it the file is read again in the encoding
//!   decided over all of its bytes ([`ReadError::EncodingChanged`]).
//! - Separator and header: for each of `,`, tab and `;` the header is looked
//!   for among the first rows; the separator whose header names the most
//!   columns wins (ties: comma, tab, semicolon). Rows above the header
//!   (titles, dates, blank lines) are not records.
//! - Records and cells are found in one pass with the quoting rules of
//!   [`crate::csv_line`]. A quote that does not close on its line within
//!   [`MAX_QUOTED_LINES`] lines, or whose record comes out with the wrong
//!   number of cells, is a stray quote: only its line is set aside and
//!   reading goes on with the next line. Line breaks are `\n` (`\r\n`
//!   included) or, in files that have no `\n` at all, a lone `\r`.
//! - Records that cannot be rows (total rows, ragged, stray quotes,
//!   undecodable bytes) are set aside with their line; blank records and
//!   records whose cells are all empty are skipped and not counted.
//!
//! The file is read in blocks of whole lines ([`BLOCK_BYTES`]) on one
//! thread; a second splits each block into records on all cores, a part
//! per core and a tile of the part at a time, and builds its columns
//! ([`BlockBuilder`]) while the caller checks the block before. Columns
//! that repeat a few values are stored as codes into a dictionary of their
//! distinct texts.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel, sync_channel};

use memmap2::Mmap;
use polars::prelude::{PolarsResult, StringChunked, StringChunkedBuilder, UInt32Chunked};
use rayon::prelude::*;

use super::encoding::{self, Encoding, Utf16Reader};
use super::mapped::{MAP_ALIGN, MappedFile};
use super::reader::{
    BlockText, CellColumn, CellRole, FindHeader, HEADER_ROWS, HeaderFound, RawTable, ReadError,
    Records, Source, SourceFormat, StructuralProblem, StructuralReject, TextEncoding, is_total_row,
};
use super::schema::LogKind;
use crate::csv_line::{self, is_blank, is_empty_cell};
use polars_arrow::bitmap::Bitmap;

/// Bytes read and checked at once. A block holds whole lines (and, in
/// front, the start of a record the block before ended inside), so a file
/// of any size is read with memory for a few blocks (one read, one split,
/// one checked).
pub const BLOCK_BYTES: usize = 32 << 20;

/// A line's bytes at most, a record's too. A block's text, decoded, is at
/// most 3× as long (an undecodable byte becomes a 3-byte U+FFFD): 1.5 GiB
/// with a record of the limit in front, so cell offsets fit in 31 bits
/// ([`CellSpan`]).
pub const MAX_BLOCK_BYTES: usize = 512 << 20;

/// Room reserved ahead for a block at most (tests read whole files as one
/// block of `usize::MAX` bytes).
const MAX_RESERVED_BYTES: usize = 64 << 20;

/// A quoted cell may span at most this many line breaks; a quote that does
/// not close within them is a stray quote.
pub const MAX_QUOTED_LINES: usize = 1000;

/// The separators tried, in the order that breaks ties.
const DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// How much of the file's start is looked at to find the header.
const HEADER_PREFIX_BYTES: usize = 256 << 10;

/// How a text file is opened.
#[derive(Clone, Copy)]
pub struct TextOptions<'a> {
    /// `--encoding`; detected when none.
    pub forced: Option<Encoding>,
    pub block_bytes: usize,
    pub find_header: FindHeader<'a>,
}

/// A text file opened: its header found, its rows read block by block on a
/// second thread.
pub struct TextSource {
    name: String,
    format: SourceFormat,
    header: Vec<String>,
    kind: Option<LogKind>,
    blocks: Receiver<Result<RawTable, ReadError>>,
    /// Checked blocks' texts, back to the reading thread to be filled again.
    texts_back: Sender<Vec<u8>>,
}

impl TextSource {
    /// Opens a file and finds its header.
    pub fn open(path: &Path, opts: &TextOptions) -> Result<TextSource, ReadError> {
        let file = std::fs::File::open(path)?;
        // Mapped when it can be (`MappedFile::new` says).
        let to_map = file.try_clone().ok();
        TextSource::start(path.display().to_string(), Box::new(file), to_map, opts)
    }

    /// Reads text held in memory, as a file of that name.
    pub fn from_bytes(
        name: &str,
        bytes: Vec<u8>,
        opts: &TextOptions,
    ) -> Result<TextSource, ReadError> {
        TextSource::start(
            name.to_string(),
            Box::new(std::io::Cursor::new(bytes)),
            None,
            opts,
        )
    }

    fn start(
        name: String,
        source: Box<dyn Read + Send>,
        to_map: Option<File>,
        opts: &TextOptions,
    ) -> Result<TextSource, ReadError> {
        let (mut reader, found) = BlockReader::open(&name, source, to_map, opts)?;
        let format = reader.format();
        let header = reader.header.clone();
        let mut builder = reader.builder();
        // Three stages, one block each: this thread reads the next block
        // while a second splits the block before into records and builds
        // its columns (on rayon's threads) and the caller checks the one
        // before that.
        let (read_to_build, read) = sync_channel::<Result<ReadBlock, ReadError>>(0);
        let (texts_back, spare_texts) = channel();
        reader.spare_texts = Some(spare_texts);
        std::thread::spawn(move || {
            loop {
                let block = match reader.next_block() {
                    Ok(Some(block)) => Ok(block),
                    Ok(None) => break,
                    Err(e) => Err(e),
                };
                let failed = block.is_err();
                // A closed channel means the next stage stopped.
                if read_to_build.send(block).is_err() || failed {
                    break;
                }
            }
        });
        let (sender, blocks) = sync_channel(0);
        std::thread::spawn(move || {
            for block in read {
                let table = match block {
                    Ok(block) => builder.build(block),
                    Err(e) => Err(builder.located(e)),
                };
                let failed = table.is_err();
                // A closed channel means the checking side stopped.
                if sender.send(table).is_err() || failed {
                    break;
                }
            }
        });
        Ok(TextSource {
            name,
            format,
            header,
            kind: found.kind,
            blocks,
            texts_back,
        })
    }
}

impl Source for TextSource {
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
        match self.blocks.recv() {
            Ok(block) => block.map(Some),
            Err(_) => Ok(None),
        }
    }

    fn done_with(&mut self, block: RawTable) {
        if let Some(text) = block.into_text() {
            // The reading side may have finished: then nothing reuses it.
            let _ = self.texts_back.send(text.into_bytes());
        }
    }
}

/// How the encoding in use was chosen: only a guess from the first block
/// can be contradicted later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decided {
    Given,
    FirstBlock,
}

struct BlockReader {
    source: Box<dyn Read + Send>,
    /// Set when the file's blocks are read through a memory map rather
    /// than from `source`.
    mapped: Option<MappedFile>,
    /// A mapped file's first block, `map[start..end]`: its head, mapped
    /// when the file was opened.
    first_mapped: Option<(Mmap, usize, usize)>,
    buffer: Vec<u8>,
    at_eof: bool,
    done: bool,
    block_bytes: usize,
    /// [`MAX_BLOCK_BYTES`] (smaller in tests).
    max_bytes: usize,
    encoding: Encoding,
    decided: Decided,
    text_encoding: TextEncoding,
    delimiter: u8,
    newline: u8,
    header: Vec<String>,
    roles: Vec<CellRole>,
    /// The header's line: it and the rows above it are not records.
    header_line: u32,
    /// Block texts the checking side is done with: the next block is read
    /// into one of them rather than into fresh memory.
    spare_texts: Option<Receiver<Vec<u8>>>,
}

/// A block of whole lines as read and decoded, not yet split.
struct ReadBlock {
    text: BlockText,
    /// Bytes that were not valid in the file's encoding were replaced.
    had_errors: bool,
    /// The file ends with this block.
    at_eof: bool,
}

impl BlockReader {
    fn open(
        name: &str,
        mut source: Box<dyn Read + Send>,
        to_map: Option<File>,
        opts: &TextOptions,
    ) -> Result<(BlockReader, HeaderFound), ReadError> {
        let block_bytes = opts.block_bytes.clamp(1, MAX_BLOCK_BYTES);
        // Enough of the file to find the header in, whatever the block size;
        // its whole lines are the first block.
        let first_read = block_bytes.max(HEADER_PREFIX_BYTES);
        // A file on disk that can be mapped is looked at where it stands
        // (`head`) rather than read into `buffer`: when it is UTF-8, its
        // head is the first block as it is.
        let mut head: Option<(MappedFile, Mmap)> = match to_map {
            Some(file) if opts.forced != Some(Encoding::Gbk) => MappedFile::new(file, 0, name)
                .filter(|file| file.len > 0)
                .and_then(|file| {
                    let map = file.map(0, file.len.min(first_read)).ok()?;
                    Some((file, map))
                }),
            _ => None,
        };
        let mut buffer = Vec::new();
        let mut at_eof = match &head {
            Some((file, map)) => map.len() == file.len,
            None => fill(&mut source, &mut buffer, first_read)?,
        };
        let mut text_encoding = TextEncoding::from(opts.forced.unwrap_or(Encoding::Utf8));
        let mut given = opts.forced;
        // Where the text starts in the file (past a UTF-8 BOM), while it is
        // the file's own bytes.
        let mut text_at = Some(0);
        let start = head.as_ref().map_or(&buffer[..], |(_, map)| &map[..]);
        let utf16 = encoding::utf16_bom(start);
        if start.starts_with(b"\xEF\xBB\xBF") {
            // A UTF-8 BOM says UTF-8, unless `--encoding gbk` says otherwise
            // (a tool put it in front of GBK text): it is not text either way.
            if head.is_none() {
                buffer.drain(..3);
            }
            text_at = Some(3);
            if opts.forced != Some(Encoding::Gbk) {
                given = Some(Encoding::Utf8);
                text_encoding = TextEncoding::Utf8;
            }
        } else if let Some(utf16) = utf16 {
            // Excel's "Unicode 文本": the rest of the file is read as UTF-8.
            let (bytes, rest): (Vec<u8>, Box<dyn Read + Send>) = match head.take() {
                Some((file, map)) => (map.to_vec(), Box::new(file.read_from(map.len())?)),
                None => (std::mem::take(&mut buffer), source),
            };
            source = Box::new(Utf16Reader::new(
                utf16,
                std::io::Cursor::new(bytes).chain(rest),
            ));
            at_eof = fill(&mut source, &mut buffer, first_read)?;
            given = Some(Encoding::Utf8);
            text_encoding = utf16;
            text_at = None;
        }
        let text = match &head {
            Some((_, map)) => &map[text_at.unwrap_or(0)..],
            None => &buffer[..],
        };
        let newline = if memchr::memchr(b'\n', text).is_some() {
            b'\n'
        } else if memchr::memchr(b'\r', text).is_some() {
            b'\r'
        } else {
            b'\n'
        };
        // The first block: the whole lines (none when one line is longer).
        let first_cut = match at_eof {
            true => Some(text.len()),
            false => memchr::memrchr(newline, text).map(|i| i + 1),
        };
        // They decide the encoding.
        let lines_end = first_cut.unwrap_or(text.len());
        let (encoding, decided) = match given {
            Some(e) => (e, Decided::Given),
            None => (encoding::detect(&text[..lines_end]), Decided::FirstBlock),
        };
        if decided == Decided::FirstBlock {
            text_encoding = encoding.into();
        }

        // The header, for each separator; the one naming most columns wins.
        let prefix_end = if lines_end <= HEADER_PREFIX_BYTES {
            lines_end
        } else {
            memchr::memrchr(newline, &text[..HEADER_PREFIX_BYTES]).map_or(lines_end, |i| i + 1)
        };
        let prefix_is_all = at_eof && prefix_end == text.len();
        let prefix = encoding::decode(&text[..prefix_end], Some(encoding)).text;
        let mut best: Option<(u8, HeaderFound, Vec<String>, u32)> = None;
        for delimiter in DELIMITERS {
            let scan = scan(
                prefix.as_bytes(),
                1,
                prefix_is_all,
                delimiter,
                newline,
                None,
            );
            let rows: Vec<(u32, Vec<String>)> = scan
                .records
                .iter()
                .filter(|r| r.has_content)
                .take(HEADER_ROWS)
                .map(|r| (r.line, record_cells(&prefix, r, &scan.cells)))
                .collect();
            let cells: Vec<Vec<String>> = rows.iter().map(|(_, c)| c.clone()).collect();
            let Some(found) = (opts.find_header)(&cells) else {
                continue;
            };
            let better = best
                .as_ref()
                .is_none_or(|(_, b, _, _)| found.score > b.score);
            if better {
                let (line, header) = rows[found.row].clone();
                best = Some((delimiter, found, header, line));
            }
        }
        let Some((delimiter, found, header, header_line)) = best else {
            return Err(ReadError::Empty);
        };
        let roles = found.roles.clone();
        // A UTF-8 file on disk is read on through maps, its head the first
        // block; any other is read on from where its head ends (a GBK file
        // is decoded into text of its own anyway).
        let mut first_mapped = None;
        let mapped = match head {
            Some((mut file, map)) if encoding == Encoding::Utf8 => {
                let skip = text_at.unwrap_or(0);
                match first_cut {
                    Some(cut) => {
                        file.pos = skip + cut;
                        first_mapped = Some((map, skip, skip + cut));
                    }
                    // One line longer than the head: mapped on from its start.
                    None => file.pos = skip,
                }
                Some(file)
            }
            Some((file, map)) => {
                buffer = map[text_at.unwrap_or(0)..].to_vec();
                source = Box::new(file.read_from(map.len())?);
                None
            }
            None => None,
        };
        Ok((
            BlockReader {
                source,
                mapped,
                first_mapped,
                buffer,
                at_eof,
                done: false,
                block_bytes,
                max_bytes: MAX_BLOCK_BYTES,
                encoding,
                decided,
                text_encoding,
                delimiter,
                newline,
                header,
                roles,
                header_line,
                spare_texts: None,
            },
            found,
        ))
    }

    fn format(&self) -> SourceFormat {
        SourceFormat::Text {
            encoding: self.text_encoding,
            delimiter: self.delimiter,
        }
    }

    /// The stage that splits this file's blocks and builds their columns.
    fn builder(&self) -> BlockBuilder {
        BlockBuilder {
            format: self.format(),
            header: self.header.clone(),
            plain: (0..self.header.len())
                .map(|i| self.roles.get(i).is_none_or(|r| r.is_plain()))
                .collect(),
            delimiter: self.delimiter,
            newline: self.newline,
            header_line: self.header_line,
            // Two parts at least, so that a machine of one core splits
            // the way the others do (and its tests see parts joined).
            parts: rayon::current_num_threads().max(2),
            tile_bytes: self.block_bytes.min(TILE_BYTES),
            min_part_bytes: self.block_bytes.min(MIN_PART_BYTES),
            max_record_bytes: self.max_bytes,
            bytes_per_row: 64,
            next_line: 1,
            unfinished: String::new(),
            unfinished_had_errors: false,
        }
    }

    /// The next block: whole lines (all the rest at the end of the file),
    /// decoded. Where records end is for the builder to find: a quoted
    /// cell may run over the block's last line break.
    fn next_block(&mut self) -> Result<Option<ReadBlock>, ReadError> {
        if self.done {
            return Ok(None);
        }
        if self.mapped.is_some() {
            return self.next_mapped_block().map(Some);
        }
        loop {
            let cut = match self.at_eof {
                true => Some(self.buffer.len()),
                false => memchr::memrchr(self.newline, &self.buffer).map(|i| i + 1),
            };
            let Some(cut) = cut else {
                // One line longer than the buffer: read on, up to a limit.
                if self.buffer.len() >= self.max_bytes {
                    // The builder knows the line.
                    return Err(ReadError::RecordTooLong { line: 0 });
                }
                let target = self.buffer.len() + self.buffer.len().max(self.block_bytes);
                let target = target.min(self.max_bytes);
                self.at_eof = fill(&mut self.source, &mut self.buffer, target)?;
                continue;
            };
            // The block's lines leave the buffer; the unfinished line after
            // them stays for the next read. The next block is read into
            // room for a whole block, so that it is not copied again each
            // time the buffer grows.
            let mut rest = match self.spare_texts.as_ref().map(Receiver::try_recv) {
                Some(Ok(mut spare)) => {
                    spare.clear();
                    spare
                }
                _ => Vec::new(),
            };
            rest.reserve(self.block_bytes.min(MAX_RESERVED_BYTES));
            rest.extend_from_slice(&self.buffer[cut..]);
            self.buffer.truncate(cut);
            let chunk = std::mem::replace(&mut self.buffer, rest);
            let (text, had_errors) = self.decode(chunk)?;
            let text = BlockText::Read(text);
            let at_eof = self.at_eof && self.buffer.is_empty();
            if at_eof {
                self.done = true;
            } else {
                let target = self.block_bytes;
                self.at_eof = fill(&mut self.source, &mut self.buffer, target)?;
            }
            return Ok(Some(ReadBlock {
                text,
                had_errors,
                at_eof,
            }));
        }
    }

    /// [`Self::next_block`] of a mapped file: the block's whole lines
    /// mapped, up to [`Self::max_bytes`] when a line is longer than a block.
    fn next_mapped_block(&mut self) -> Result<ReadBlock, ReadError> {
        if let Some((map, start, end)) = self.first_mapped.take() {
            let at_eof = self.mapped.as_ref().is_some_and(|f| f.pos == f.len);
            self.done = at_eof;
            return self.mapped_block(map, start, end, at_eof);
        }
        let Some(file) = self.mapped.as_mut() else {
            unreachable!("only called for a mapped file")
        };
        if file.pos >= file.len {
            self.done = true;
            return Ok(ReadBlock {
                text: BlockText::Read(String::new()),
                had_errors: false,
                at_eof: true,
            });
        }
        let mut want = self.block_bytes;
        loop {
            let end = file.len.min(file.pos.saturating_add(want));
            let at_eof = end == file.len;
            let base = file.pos / MAP_ALIGN * MAP_ALIGN;
            let map = file.map(base, end)?;
            let start = file.pos - base;
            let cut = match at_eof {
                true => Some(end - base),
                false => memchr::memrchr(self.newline, &map[start..]).map(|i| start + i + 1),
            };
            let Some(cut) = cut else {
                // One line longer than the block: map on, up to a limit.
                if end - file.pos >= self.max_bytes {
                    // The builder knows the line.
                    return Err(ReadError::RecordTooLong { line: 0 });
                }
                want = want.saturating_mul(2).min(self.max_bytes);
                continue;
            };
            // At the end, the block runs to it (`cut` is `end`).
            file.pos = base + cut;
            self.done = at_eof;
            return self.mapped_block(map, start, cut, at_eof);
        }
    }

    /// The block `map[start..end]`: where it stands when it is UTF-8,
    /// else decoded as a block read would be.
    fn mapped_block(
        &self,
        map: Mmap,
        start: usize,
        end: usize,
        at_eof: bool,
    ) -> Result<ReadBlock, ReadError> {
        let (text, had_errors) = match BlockText::mapped(map, start, end) {
            Ok(text) => (text, false),
            Err(map) => {
                let (text, had_errors) = self.decode(map[start..end].to_vec())?;
                (BlockText::Read(text), had_errors)
            }
        };
        Ok(ReadBlock {
            text,
            had_errors,
            at_eof,
        })
    }

    fn decode(&self, chunk: Vec<u8>) -> Result<(String, bool), ReadError> {
        match self.encoding {
            // simdutf8 validates a block several times faster than std;
            // std is asked again only for a block that fails.
            Encoding::Utf8 if simdutf8::basic::from_utf8(&chunk).is_ok() => {
                // SAFETY: validated as UTF-8 on the line above.
                Ok((unsafe { String::from_utf8_unchecked(chunk) }, false))
            }
            Encoding::Utf8 => match String::from_utf8(chunk) {
                Ok(text) => Ok((text, false)),
                Err(_) if self.decided == Decided::FirstBlock => Err(ReadError::EncodingChanged),
                Err(e) => Ok((String::from_utf8_lossy(e.as_bytes()).into_owned(), true)),
            },
            Encoding::Gbk => {
                let (text, _, had_errors) = encoding_rs::GB18030.decode(&chunk);
                Ok((text.into_owned(), had_errors))
            }
        }
    }
}

/// Bytes of a block split and put into columns at once: a tile's text and
/// cell spans stay in the processor's cache from the split to the last
/// column (a whole block split first and then built column by column came
/// back from memory for each).
const TILE_BYTES: usize = 64 << 10;

/// A block smaller than this is split on one thread.
const MIN_PART_BYTES: usize = 1 << 20;

/// Splits blocks into records and builds their rows' cell columns: the
/// stage between reading and checking. A block is cut into one part per
/// thread at line breaks and the parts are split at once, a tile at a
/// time; a part's first line is a guess until the part before it is seen
/// to end there (a quoted cell can run over a line break), and a block
/// whose guesses fail is split again in one part.
struct BlockBuilder {
    format: SourceFormat,
    header: Vec<String>,
    /// Per column: built as text (ids, amounts) rather than as codes.
    plain: Vec<bool>,
    delimiter: u8,
    newline: u8,
    header_line: u32,
    parts: usize,
    /// [`TILE_BYTES`], smaller when blocks are (tests read in blocks of a
    /// few bytes).
    tile_bytes: usize,
    /// [`MIN_PART_BYTES`], smaller when blocks are.
    min_part_bytes: usize,
    /// [`MAX_BLOCK_BYTES`] (smaller in tests).
    max_record_bytes: usize,
    /// The last block's bytes per row, to size the next one's columns.
    bytes_per_row: usize,
    /// The line where the next block's first record starts.
    next_line: u32,
    /// The start of a record the last block ended inside (a quoted cell
    /// open at its end): the next block is read after it.
    unfinished: String,
    /// Bytes of `unfinished` were not valid in the file's encoding.
    unfinished_had_errors: bool,
}

/// A block split into rows and records set aside, its rows in columns.
struct SplitBlock {
    text: BlockText,
    lines: Vec<u32>,
    spans: Vec<(usize, usize)>,
    rejects: Vec<StructuralReject>,
    columns: Vec<CellColumn>,
}

/// One part of a block, split and put into columns.
struct SplitPart {
    /// Row lines and rejects' lines: relative to the part's first line but
    /// for the block's first part.
    lines: Vec<u32>,
    spans: Vec<(usize, usize)>,
    rejects: Vec<StructuralReject>,
    columns: Vec<ColumnPart>,
    /// Where its last finished record ends, and the line after it.
    end: usize,
    next_line: u32,
}

impl BlockBuilder {
    /// A read error with the line it happened at, as far as the builder
    /// has come.
    fn located(&self, error: ReadError) -> ReadError {
        match error {
            ReadError::RecordTooLong { .. } => ReadError::RecordTooLong {
                line: self.next_line,
            },
            e => e,
        }
    }

    /// Sorts a block's records into rows and records set aside, and builds
    /// the rows' cell columns.
    fn build(&mut self, block: ReadBlock) -> Result<RawTable, ReadError> {
        let split = self.split_block(block)?;
        split.text.release_pages();
        let dates = vec![None; self.header.len()];
        Ok(RawTable::new(
            self.format,
            self.header.clone(),
            split.columns,
            dates,
            split.lines,
            Records::Spans {
                text: split.text,
                spans: split.spans,
            },
            split.rejects,
        )?)
    }

    /// [`Self::build`] before the columns become a table.
    fn split_block(&mut self, block: ReadBlock) -> Result<SplitBlock, ReadError> {
        let (text, had_errors) = if self.unfinished.is_empty() {
            (block.text, block.had_errors)
        } else {
            let mut text = std::mem::take(&mut self.unfinished);
            text.push_str(&block.text);
            (
                BlockText::Read(text),
                block.had_errors || self.unfinished_had_errors,
            )
        };
        let at_eof = block.at_eof;
        let guessed = self.part_starts(&text);
        let split = |(k, &start): (usize, &usize)| {
            let end = guessed.get(k + 1).copied().unwrap_or(text.len());
            let last = k + 1 == guessed.len();
            self.split_part(&text, start..end, k == 0, at_eof && last, had_errors)
        };
        let mut parts: Vec<SplitPart> = guessed.par_iter().enumerate().map(split).collect();
        // What part k's lines are counted from (part 0 counts the file's).
        let mut bases = vec![0; parts.len()];
        let mut next_line = parts[0].next_line;
        for k in 1..parts.len() {
            bases[k] = next_line;
            next_line = bases[k] + parts[k].next_line;
        }
        let joins =
            (1..parts.len()).all(|k| parts[k - 1].end == guessed[k] && bases[k] > self.header_line);
        if !joins {
            parts = vec![self.split_part(&text, 0..text.len(), true, at_eof, had_errors)];
            bases = vec![0];
            next_line = parts[0].next_line;
        }
        self.next_line = next_line;
        let last = parts.len() - 1;
        let end = parts[last].end;
        self.unfinished = text[end..].to_string();
        // Replaced bytes in the record carried over make the next block's
        // text one with errors, as decoding them with that block would.
        self.unfinished_had_errors = had_errors && self.unfinished.contains('\u{FFFD}');
        if self.unfinished.len() > self.max_record_bytes {
            return Err(ReadError::RecordTooLong {
                line: self.next_line,
            });
        }

        let mut lines = Vec::new();
        let mut spans = Vec::new();
        let mut rejects = Vec::new();
        let mut columns: Vec<ColumnPart> =
            self.plain.iter().map(|&p| ColumnPart::new(p, 0)).collect();
        for (part, base) in parts.into_iter().zip(bases) {
            lines.extend(part.lines.iter().map(|l| l + base));
            spans.extend(part.spans);
            rejects.extend(part.rejects.into_iter().map(|mut r| {
                r.line += base;
                r
            }));
            for (whole, piece) in columns.iter_mut().zip(part.columns) {
                whole.append(piece);
            }
        }
        let columns = columns
            .into_iter()
            .enumerate()
            .map(|(i, column)| column.finish(i))
            .collect::<PolarsResult<Vec<_>>>()?;
        if !lines.is_empty() {
            self.bytes_per_row = (text.len() / lines.len()).max(1);
        }
        Ok(SplitBlock {
            text,
            lines,
            spans,
            rejects,
            columns,
        })
    }

    /// Where each part of `text` is guessed to start: the block cut in
    /// [`Self::parts`] at the line breaks after equal shares.
    fn part_starts(&self, text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let parts = self
            .parts
            .min(bytes.len() / self.min_part_bytes.max(1))
            .max(1);
        let mut starts = vec![0];
        for k in 1..parts {
            let share = bytes.len() / parts * k;
            let Some(at) = memchr::memchr(self.newline, &bytes[share..]) else {
                break;
            };
            let start = share + at + 1;
            if start < bytes.len() && start > *starts.last().unwrap_or(&0) {
                starts.push(start);
            }
        }
        starts
    }

    /// Splits the records of `text[range]` a tile at a time and puts each
    /// tile's rows into the columns while they are in the cache. The
    /// block's first part knows its lines; the others count from 0.
    fn split_part(
        &self,
        text: &str,
        range: std::ops::Range<usize>,
        first: bool,
        at_eof: bool,
        had_errors: bool,
    ) -> SplitPart {
        let bytes = text.as_bytes();
        let expected = Some(self.header.len());
        let mut part = SplitPart {
            lines: Vec::new(),
            spans: Vec::new(),
            rejects: Vec::new(),
            columns: self
                .plain
                .iter()
                // The last block's rows per byte, and an eighth more.
                .map(|&p| ColumnPart::new(p, range.len() / self.bytes_per_row * 9 / 8 + 16))
                .collect(),
            end: range.start,
            next_line: if first { self.next_line } else { 0 },
        };
        let mut buffers = ScanBuffers::default();
        let mut row_starts: Vec<usize> = Vec::new();
        let mut pos = range.start;
        while pos < range.end {
            // A tile of whole lines; longer while a record runs past it.
            let mut want = self.tile_bytes;
            let scan = loop {
                let tile_end = match range.end - pos > want {
                    true => memchr::memchr(self.newline, &bytes[pos + want..range.end])
                        .map_or(range.end, |i| pos + want + i + 1),
                    false => range.end,
                };
                let last = tile_end == range.end;
                let scan = scan_into(
                    &bytes[pos..tile_end],
                    part.next_line,
                    last && at_eof,
                    self.delimiter,
                    self.newline,
                    expected,
                    std::mem::take(&mut buffers),
                    Lines::Plain,
                );
                if scan.consumed > 0 || last {
                    break scan;
                }
                buffers = scan.into_buffers();
                want = want.saturating_mul(2);
            };
            if scan.consumed == 0 {
                // The part ends inside a record.
                break;
            }
            let tile = &text[pos..pos + scan.consumed];
            row_starts.clear();
            for r in scan
                .records
                .iter()
                .filter(|r| r.has_content && (!first || r.line > self.header_line))
            {
                let cells = &scan.cells[r.cells()];
                match self.structural_problem(tile, r, cells, had_errors) {
                    Some(problem) => part.rejects.push(StructuralReject {
                        line: r.line,
                        problem,
                        raw: tile[r.span()].to_string(),
                    }),
                    None => {
                        part.lines.push(r.line);
                        part.spans.push((pos + r.span().start, pos + r.span().end));
                        row_starts.push(r.cells().start);
                    }
                }
            }
            for (i, column) in part.columns.iter_mut().enumerate() {
                column.extend(tile, &scan.cells, &row_starts, i);
            }
            pos += scan.consumed;
            part.next_line = scan.next_line;
            buffers = scan.into_buffers();
        }
        part.end = pos;
        part
    }

    /// Why a record cannot be a row, if it cannot: the rules in order.
    fn structural_problem(
        &self,
        text: &str,
        r: &Record,
        cells: &[CellSpan],
        had_errors: bool,
    ) -> Option<StructuralProblem> {
        let raw = &text[r.span()];
        let header_cells = self.header.len();
        // The total-row rule comes first, even for a record the scan set
        // aside (its first line's cells are looked at).
        let total_row = match r.problem {
            Some(_) => is_total_row(
                csv_line::split(raw.lines().next().unwrap_or(""), self.delimiter)
                    .iter()
                    .map(String::as_str),
            ),
            // Most rows: a first cell unquoted and starting with a printable
            // ASCII character, which 合计, 总计 and 小计 do not.
            None if cells.first().is_some_and(|c| {
                !c.quoted()
                    && c.raw(text)
                        .as_bytes()
                        .first()
                        .is_some_and(u8::is_ascii_graphic)
            }) =>
            {
                false
            }
            // The cells' texts: `"合计"` as written is 合计.
            None => is_total_row(cells.iter().map(|c| c.text(text))),
        };
        if total_row {
            Some(StructuralProblem::TotalRow)
        } else if let Some(p) = r.problem {
            Some(p.into())
        } else if r.cells().len() != header_cells {
            Some(StructuralProblem::Ragged {
                cells: r.cells().len(),
                header_cells,
            })
        } else if had_errors && raw.contains('\u{FFFD}') {
            let column = cells
                .iter()
                .position(|c| c.text(text).contains('\u{FFFD}'))
                .map_or(1, |i| i + 1);
            Some(StructuralProblem::Undecodable { column })
        } else {
            None
        }
    }
}

/// One column of a part of a block, as it is built.
enum ColumnPart {
    /// Straight from the block's text into the column: one copy per cell,
    /// no `String` of its own.
    Text(Vec<StringChunked>, StringChunkedBuilder),
    /// Codes into the distinct texts, in the order first seen; an empty
    /// cell is [`NO_CODE`], so that the codes become a column without a copy.
    Coded {
        codes: Vec<u32>,
        dictionary: Dictionary,
    },
}

/// The code of an empty cell while a column is built (a block's distinct
/// texts are far fewer).
const NO_CODE: u32 = u32::MAX;

impl ColumnPart {
    fn new(plain: bool, rows: usize) -> ColumnPart {
        if plain {
            ColumnPart::Text(Vec::new(), StringChunkedBuilder::new("".into(), rows))
        } else {
            ColumnPart::Coded {
                codes: Vec::with_capacity(rows),
                dictionary: Dictionary::default(),
            }
        }
    }

    /// The next rows' cells in this column (empty: null): `rows` are
    /// where each row's cells start in `cells`, found in `tile`.
    fn extend(&mut self, tile: &str, cells: &[CellSpan], rows: &[usize], column: usize) {
        match self {
            ColumnPart::Text(_, builder) => {
                for &first in rows {
                    let cell = cells[first + column].text(tile);
                    builder.append_option((!cell.is_empty()).then_some(cell.as_ref()));
                }
            }
            ColumnPart::Coded { codes, dictionary } => {
                let bytes = tile.as_bytes();
                codes.extend(rows.iter().map(|&first| {
                    let cell = cells[first + column];
                    match (cell.quoted(), cell.start() == cell.end()) {
                        // Most cells: their bytes stand in the tile (cut
                        // at ASCII delimiters, so whole characters).
                        (false, false) => dictionary.code_of(bytes, cell.start(), cell.end()),
                        (false, true) => NO_CODE,
                        (true, _) => dictionary.code_of_quoted(tile, cell),
                    }
                }));
            }
        }
    }

    /// The rows of `next` after this part's.
    fn append(&mut self, next: ColumnPart) {
        if self.is_empty() && matches!(next, ColumnPart::Coded { .. }) {
            // The first part's codes stand as they are.
            *self = next;
            return;
        }
        match (self, next) {
            (ColumnPart::Text(done, _), ColumnPart::Text(more, builder)) => {
                done.extend(more);
                done.push(builder.finish());
            }
            (
                ColumnPart::Coded { codes, dictionary },
                ColumnPart::Coded {
                    codes: more,
                    dictionary: theirs,
                },
            ) => {
                let recoded: Vec<u32> = theirs
                    .texts
                    .iter()
                    .map(|t| dictionary.code_of(t.as_bytes(), 0, t.len()))
                    .collect();
                codes.extend(more.into_iter().map(|c| match c {
                    NO_CODE => NO_CODE,
                    c => recoded[c as usize],
                }));
            }
            // Parts of one column are built alike.
            _ => unreachable!("a column's parts differ in kind"),
        }
    }

    /// A coded part without rows (text parts are joined without a pass
    /// over their rows anyway).
    fn is_empty(&self) -> bool {
        matches!(self, ColumnPart::Coded { codes, .. } if codes.is_empty())
    }

    fn finish(self, index: usize) -> PolarsResult<CellColumn> {
        Ok(match self {
            ColumnPart::Text(done, builder) => {
                let mut chunks = done.into_iter();
                let mut whole = chunks.next().unwrap_or_else(|| builder.finish());
                for chunk in chunks {
                    whole.append_owned(chunk)?;
                }
                CellColumn::Text(whole.with_name(RawTable::cell_column_name(index).into()))
            }
            ColumnPart::Coded { codes, dictionary } => {
                let validity = codes
                    .contains(&NO_CODE)
                    .then(|| codes.iter().map(|&c| c != NO_CODE).collect::<Bitmap>());
                CellColumn::Coded {
                    codes: UInt32Chunked::from_vec_validity("".into(), codes, validity),
                    dictionary: dictionary.texts,
                }
            }
        })
    }
}

/// The distinct texts of a column part, in the order first seen, and an
/// open-addressing table of their codes. A slot holds a text's length and
/// its first and last 8 bytes: for a text of up to 16 bytes (dates, codes,
/// region and enum names) that is the whole text, so it is found without
/// comparing strings; a longer one is compared when those match.
#[derive(Default)]
struct Dictionary {
    texts: Vec<String>,
    /// A power of two in size, at most a quarter full (a column has few
    /// texts: room is cheap, a second probe is not); empty until first used.
    slots: Vec<Slot>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Slot {
    /// `u32::MAX`: empty.
    len: u32,
    head: u64,
    tail: u64,
    code: u32,
}

const EMPTY_SLOT: Slot = Slot {
    len: u32::MAX,
    head: 0,
    tail: 0,
    code: 0,
};

impl Dictionary {
    /// The code of the text `bytes[start..end]` (not empty), added when
    /// new. The look-up is inlined into the column loop; adding a text,
    /// rare, is a call of its own.
    #[inline(always)]
    fn code_of(&mut self, bytes: &[u8], start: usize, end: usize) -> u32 {
        let (len, head, tail) = slot_key_at(bytes, start, end);
        let text = &bytes[start..end];
        let hash = slot_hash(len, head, tail) as usize;
        // Empty until the first text; then never more than a quarter full,
        // so the probe meets an empty slot.
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut at = hash & mask;
            loop {
                let slot = self.slots[at];
                if slot.len == u32::MAX {
                    break;
                }
                if (slot.len, slot.head, slot.tail) == (len, head, tail)
                    && (text.len() <= 16 || self.texts[slot.code as usize].as_bytes() == text)
                {
                    return slot.code;
                }
                at = (at + 1) & mask;
            }
        }
        self.add(
            text,
            Slot {
                len,
                head,
                tail,
                code: 0,
            },
            hash,
        )
    }

    /// The code of a quoted cell's text (a few cells in most files; an
    /// empty quoted cell is empty).
    #[cold]
    #[inline(never)]
    fn code_of_quoted(&mut self, tile: &str, cell: CellSpan) -> u32 {
        let text = cell.text(tile);
        match text.is_empty() {
            true => NO_CODE,
            false => self.code_of(text.as_bytes(), 0, text.len()),
        }
    }

    /// Adds a text not in the dictionary (its slot key and hash given).
    #[cold]
    #[inline(never)]
    fn add(&mut self, bytes: &[u8], mut slot: Slot, hash: usize) -> u32 {
        if self.slots.len() < 4 * (self.texts.len() + 1) {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = hash & mask;
        while self.slots[at].len != u32::MAX {
            at = (at + 1) & mask;
        }
        slot.code = self.texts.len() as u32;
        // A cell's bytes are whole characters of a text: never replaced.
        self.texts.push(String::from_utf8_lossy(bytes).into_owned());
        self.slots[at] = slot;
        slot.code
    }

    /// Twice the slots (16 at first), every text placed again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![EMPTY_SLOT; size];
        let mask = size - 1;
        for (code, text) in self.texts.iter().enumerate() {
            let (len, head, tail) = slot_key(text.as_bytes());
            let mut at = slot_hash(len, head, tail) as usize & mask;
            while self.slots[at].len != u32::MAX {
                at = (at + 1) & mask;
            }
            self.slots[at] = Slot {
                len,
                head,
                tail,
                code: code as u32,
            };
        }
    }
}

/// A text's length, first 8 and last 8 bytes (zero-padded when shorter).
fn slot_key(bytes: &[u8]) -> (u32, u64, u64) {
    slot_key_at(bytes, 0, bytes.len())
}

/// [`slot_key`] of `bytes[start..end]`. A text shorter than 8 bytes is
/// read as one word when 8 bytes follow its start (a cell in a tile: all
/// but the last), its bytes past the end masked off.
#[inline(always)]
fn slot_key_at(bytes: &[u8], start: usize, end: usize) -> (u32, u64, u64) {
    let n = end - start;
    let len = n.min(u32::MAX as usize - 1) as u32;
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w)
    };
    if n >= 8 {
        return (len, word(start), if n > 8 { word(end - 8) } else { 0 });
    }
    if bytes.len() - start >= 8 {
        // n < 8: the low n bytes of the word.
        let mask = (1u64 << (8 * n)) - 1;
        return (len, word(start) & mask, 0);
    }
    let head = bytes[start..end]
        .iter()
        .rev()
        .fold(0u64, |w, &b| (w << 8) | u64::from(b));
    (len, head, 0)
}

/// Mixes a slot key into a hash (a folded 128-bit multiply, as foldhash does).
fn slot_hash(len: u32, head: u64, tail: u64) -> u64 {
    let fold = |a: u64, b: u64| {
        let full = u128::from(a) * u128::from(b);
        (full as u64) ^ ((full >> 64) as u64)
    };
    fold(
        head ^ 0x243F_6A88_85A3_08D3,
        tail ^ u64::from(len) ^ 0x1319_8A2E_0370_7344,
    )
}

/// Reads from `source` until `buffer` holds `target` bytes or the source
/// ends; true at the end.
fn fill(
    source: &mut Box<dyn Read + Send>,
    buffer: &mut Vec<u8>,
    target: usize,
) -> std::io::Result<bool> {
    let want = target.saturating_sub(buffer.len());
    if want == 0 {
        return Ok(false);
    }
    let got = source.take(want as u64).read_to_end(buffer)?;
    Ok(got < want)
}

/// The cells of one record, as text.
fn record_cells(text: &str, r: &Record, cells: &[CellSpan]) -> Vec<String> {
    cells[r.cells()]
        .iter()
        .map(|c| c.text(text).into_owned())
        .collect()
}

/// A cell as found by [`scan`]: its byte span between delimiters, and
/// whether it is quoted. 8 bytes rather than 24: a block's cells are a few
/// million, and its text is under 2 GiB ([`MAX_BLOCK_BYTES`]), so the
/// offsets take 31 bits and the quote the last bit of `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CellSpan {
    start: u32,
    end_and_quoted: u32,
}

impl CellSpan {
    const QUOTED: u32 = 1 << 31;

    fn new(start: usize, end: usize, quoted: bool) -> CellSpan {
        debug_assert!(start <= end && end < Self::QUOTED as usize);
        CellSpan {
            start: start as u32,
            end_and_quoted: end as u32 | if quoted { Self::QUOTED } else { 0 },
        }
    }

    fn start(self) -> usize {
        self.start as usize
    }

    fn end(self) -> usize {
        (self.end_and_quoted & !Self::QUOTED) as usize
    }

    fn quoted(self) -> bool {
        self.end_and_quoted & Self::QUOTED != 0
    }

    /// The cell's bytes, quotes and all.
    fn raw(self, text: &str) -> &str {
        &text[self.start()..self.end()]
    }

    /// The cell's text: its quotes taken off, if quoted. The unquoted
    /// case (most cells, in the column loop) is answered here, without a
    /// call.
    #[inline]
    fn text(self, text: &str) -> Cow<'_, str> {
        match self.quoted() {
            false => Cow::Borrowed(self.raw(text)),
            true => csv_line::cell_text(self.raw(text), true),
        }
    }
}

/// One record as found by [`scan`]: 24 bytes (a block's records are a
/// few hundred thousand), offsets in 32 bits as a block is under 2 GiB
/// ([`MAX_BLOCK_BYTES`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    /// Byte span, without the line break.
    start: u32,
    end: u32,
    /// Physical line where it starts (1-based).
    line: u32,
    /// Its cells: `cells[first_cell..first_cell + cell_count]` of the scan
    /// (none for a record set aside by the scan).
    first_cell: u32,
    cell_count: u32,
    /// False for blank lines and records whose cells are all empty.
    has_content: bool,
    /// Set aside by the scan itself.
    problem: Option<ScanProblem>,
}

impl Record {
    fn span(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    fn cells(&self) -> std::ops::Range<usize> {
        self.first_cell as usize..(self.first_cell + self.cell_count) as usize
    }
}

/// Why the scan itself sets a record aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanProblem {
    UnclosedQuote,
    StrayQuote,
}

impl From<ScanProblem> for StructuralProblem {
    fn from(p: ScanProblem) -> StructuralProblem {
        match p {
            ScanProblem::UnclosedQuote => StructuralProblem::UnclosedQuote,
            ScanProblem::StrayQuote => StructuralProblem::StrayQuote,
        }
    }
}

/// The vectors a [`Scan`] fills, kept from one block to the next.
#[derive(Default)]
struct ScanBuffers {
    records: Vec<Record>,
    cells: Vec<CellSpan>,
}

/// What [`scan`] found in a buffer.
struct Scan {
    /// The complete records (all of them at the end of the file).
    records: Vec<Record>,
    cells: Vec<CellSpan>,
    /// Bytes covered by those records; the rest starts an unfinished record.
    consumed: usize,
    /// Line where the unfinished record (or the next block) starts.
    next_line: u32,
}

/// Finds the records and cells of `bytes` in one pass (see the module
/// comment for the rules). Records of one line without a quote are read
/// 64 bytes at a time ([`ScanState::plain_records`]); the others jump
/// from one delimiter, quote or line break to the next (memchr).
/// `expected` is the header's number of cells, once known.
fn scan(
    bytes: &[u8],
    first_line: u32,
    at_eof: bool,
    delimiter: u8,
    newline: u8,
    expected: Option<usize>,
) -> Scan {
    let buffers = ScanBuffers::default();
    let lines = Lines::Plain;
    scan_into(
        bytes, first_line, at_eof, delimiter, newline, expected, buffers, lines,
    )
}

/// Whether [`scan_into`] takes records that are one line without a quote
/// (most records) on their own path, or every record on the general one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    Plain,
    /// Tests compare the two.
    #[cfg(test)]
    General,
}

/// Whether a plain record holds a cell that is not empty once trimmed
/// (spaces of any width): out of line, as few records start with a space
/// other than ASCII.
#[cold]
fn has_a_non_empty_cell(line: &[u8], delimiter: u8) -> bool {
    !line.split(|&b| b == delimiter).all(is_empty_cell)
}

/// [`scan`] into vectors kept from an earlier scan.
#[allow(clippy::too_many_arguments)]
fn scan_into(
    bytes: &[u8],
    first_line: u32,
    at_eof: bool,
    delimiter: u8,
    newline: u8,
    expected: Option<usize>,
    buffers: ScanBuffers,
    lines: Lines,
) -> Scan {
    let ScanBuffers {
        mut records,
        mut cells,
    } = buffers;
    records.clear();
    cells.clear();
    let n = bytes.len();
    let count_lines =
        |from: usize, to: usize| memchr::memchr_iter(newline, &bytes[from..to]).count() as u32;
    let mut s = ScanState {
        records,
        cells,
        line: first_line,
        start: 0,
        start_line: first_line,
        first_cell: 0,
        has_content: false,
        multiline_quote: None,
        cell_begin: 0,
        cell_rest: 0,
        quoted: false,
    };
    let mut pos = 0;
    loop {
        // Records that are one line without a quote (most of them): read
        // 64 bytes at a time, their cells the spans between delimiters.
        // A record with a quote, or cut by the buffer's end, is left to
        // the general path below.
        if lines == Lines::Plain && pos == s.start && pos < n {
            s.plain_records(bytes, at_eof, delimiter, newline);
            pos = s.start;
            if pos >= n {
                break;
            }
        }
        // The next delimiter, quote or line break; the end of the file
        // counts as a line break.
        let (i, b) = match memchr::memchr3(delimiter, b'"', newline, &bytes[pos.min(n)..]) {
            Some(off) => (pos + off, bytes[pos + off]),
            None if at_eof && s.start < n => (n, newline),
            None => break,
        };
        if i < n && b == b'"' && !s.quoted && is_blank(&bytes[s.cell_begin..i]) {
            // A quoted cell: find its closing quote.
            let mut j = i + 1;
            let mut close = None;
            while let Some(q) = memchr::memchr(b'"', &bytes[j..]) {
                let quote = j + q;
                if bytes.get(quote + 1) == Some(&b'"') {
                    j = quote + 2;
                    continue;
                }
                close = Some(quote);
                break;
            }
            let breaks = count_lines(i + 1, close.unwrap_or(n));
            let within = breaks as usize <= MAX_QUOTED_LINES;
            // A quote that spans lines and closes in the middle of a cell
            // (`欠"薪`) was a stray one, whatever it balanced.
            let closes_mid_cell = close.is_some_and(|q| {
                breaks > 0
                    && bytes
                        .get(q + 1)
                        .is_some_and(|&b| b != delimiter && b != newline && b != b'\r')
            });
            match close {
                Some(_) if closes_mid_cell => {
                    pos = s.set_aside_line(bytes, i, newline, ScanProblem::StrayQuote);
                }
                Some(q) if within => {
                    if breaks > 0 && s.multiline_quote.is_none() {
                        s.multiline_quote = Some(i);
                    }
                    s.has_content |= !is_empty_cell(&bytes[i + 1..q]);
                    s.line += breaks;
                    s.quoted = true;
                    s.cell_rest = q + 1;
                    pos = q + 1;
                }
                // More of the file may close it.
                None if within && !at_eof => break,
                None if within => {
                    pos = s.set_aside_line(bytes, i, newline, ScanProblem::UnclosedQuote);
                }
                _ => pos = s.set_aside_line(bytes, i, newline, ScanProblem::StrayQuote),
            }
            continue;
        }
        if i < n && b == b'"' {
            // A quote inside an unquoted cell is an ordinary character.
            s.has_content = true;
            pos = i + 1;
            continue;
        }
        // A delimiter or a line break ends the cell.
        let end = if b == newline {
            trim_cr(bytes, s.start, i, newline)
        } else {
            i
        };
        let cell_start = s.cell_begin.min(end);
        s.has_content |= !is_empty_cell(&bytes[s.cell_rest.min(end)..end]);
        s.cells.push(CellSpan::new(cell_start, end, s.quoted));
        s.cell_begin = i + 1;
        s.cell_rest = i + 1;
        s.quoted = false;
        pos = i + 1;
        if b == delimiter && i < n {
            continue;
        }
        // The end of the record.
        let cell_count = s.cells.len() - s.first_cell;
        if let (Some(q), Some(e)) = (s.multiline_quote, expected)
            && cell_count != e
        {
            // A quote that ran over line breaks and left the record
            // malformed was a stray one: set aside its line only.
            pos = s.set_aside_line(bytes, q, newline, ScanProblem::StrayQuote);
            continue;
        }
        s.records.push(Record {
            start: s.start as u32,
            end: end as u32,
            line: s.start_line,
            first_cell: s.first_cell as u32,
            cell_count: cell_count as u32,
            has_content: s.has_content,
            problem: None,
        });
        s.line += 1;
        s.begin_record(pos.min(n));
        if i >= n {
            break;
        }
    }
    s.cells.truncate(s.first_cell);
    Scan {
        consumed: s.start.min(n),
        next_line: s.start_line,
        records: s.records,
        cells: s.cells,
    }
}

impl Scan {
    fn into_buffers(self) -> ScanBuffers {
        ScanBuffers {
            records: self.records,
            cells: self.cells,
        }
    }
}

/// The scanner's position within the record it reads.
struct ScanState {
    records: Vec<Record>,
    cells: Vec<CellSpan>,
    /// The physical line being read.
    line: u32,
    start: usize,
    start_line: u32,
    first_cell: usize,
    has_content: bool,
    /// Where the first quoted cell spanning lines opened, if one did.
    multiline_quote: Option<usize>,
    /// Where the cell begins, where its blank check starts (after a closing
    /// quote), whether it is quoted.
    cell_begin: usize,
    cell_rest: usize,
    quoted: bool,
}

impl ScanState {
    /// Reads, from `self.start` on, the records that are one line without
    /// a quote, as the general path reads them (cells between delimiters,
    /// the last one without the `\r` of a `\r\n`). Stops at the start of
    /// a record with a quote, or of one the buffer's end cuts (unless
    /// `at_eof`, where the last line needs no line break).
    fn plain_records(&mut self, bytes: &[u8], at_eof: bool, delimiter: u8, newline: u8) {
        let n = bytes.len();
        let mut cell_start = self.start;
        let mut base = self.start;
        while base < n {
            let (delimiters, breaks, quotes) = byte_masks(&bytes[base..], delimiter, newline, b'"');
            // Only the bytes before the chunk's first quote are read here.
            let before_quote = match quotes {
                0 => u64::MAX,
                q => (q & q.wrapping_neg()) - 1,
            };
            let mut delimiters = delimiters & before_quote;
            let mut breaks = breaks & before_quote;
            self.cells.reserve(64);
            loop {
                // The cells up to the next line break (or the chunk's end),
                // then the record it ends.
                let before_break = match breaks {
                    0 => u64::MAX,
                    b => (b & b.wrapping_neg()) - 1,
                };
                let mut cells = delimiters & before_break;
                delimiters &= !before_break;
                while cells != 0 {
                    let at = base + cells.trailing_zeros() as usize;
                    cells &= cells - 1;
                    self.cells.push(CellSpan::new(cell_start, at, false));
                    cell_start = at + 1;
                }
                if breaks == 0 {
                    break;
                }
                let at = base + breaks.trailing_zeros() as usize;
                breaks &= breaks - 1;
                self.end_plain_record(bytes, cell_start, at, delimiter, newline);
                cell_start = at + 1;
            }
            if quotes != 0 {
                self.cells.truncate(self.first_cell);
                return;
            }
            base += 64;
        }
        if at_eof && self.start < n {
            self.end_plain_record(bytes, cell_start, n, delimiter, newline);
        } else {
            self.cells.truncate(self.first_cell);
        }
    }

    /// Ends the plain record from `self.start` at the line break at
    /// `line_end` (or the file's end): its last cell from `cell_start`.
    #[inline(always)]
    fn end_plain_record(
        &mut self,
        bytes: &[u8],
        cell_start: usize,
        line_end: usize,
        delimiter: u8,
        newline: u8,
    ) {
        let start = self.start;
        let end = trim_cr(bytes, start, line_end, newline);
        self.cells
            .push(CellSpan::new(cell_start.min(end), end, false));
        let line = &bytes[start..end];
        let first = line
            .iter()
            .position(|&b| b != delimiter && !matches!(b, b' ' | b'\t' | b'\r'));
        let has_content = match first {
            None => false,
            Some(i) if line[i].is_ascii_graphic() => true,
            // Other than an ASCII space (a full-width one, say): told cell by cell.
            Some(_) => has_a_non_empty_cell(line, delimiter),
        };
        self.records.push(Record {
            start: start as u32,
            end: end as u32,
            line: self.start_line,
            first_cell: self.first_cell as u32,
            cell_count: (self.cells.len() - self.first_cell) as u32,
            has_content,
            problem: None,
        });
        self.line += 1;
        self.begin_record((line_end + 1).min(bytes.len()));
    }

    fn begin_record(&mut self, at: usize) {
        self.start = at;
        self.start_line = self.line;
        self.first_cell = self.cells.len();
        self.has_content = false;
        self.multiline_quote = None;
        self.cell_begin = at;
        self.cell_rest = at;
        self.quoted = false;
    }

    /// Sets the record aside up to the end of the line holding byte `at`;
    /// returns where reading goes on (the next line).
    fn set_aside_line(
        &mut self,
        bytes: &[u8],
        at: usize,
        newline: u8,
        problem: ScanProblem,
    ) -> usize {
        let n = bytes.len();
        let line_end = memchr::memchr(newline, &bytes[at..]).map_or(n, |k| at + k);
        self.cells.truncate(self.first_cell);
        self.records.push(Record {
            start: self.start as u32,
            end: trim_cr(bytes, self.start, line_end, newline) as u32,
            line: self.start_line,
            first_cell: self.first_cell as u32,
            cell_count: 0,
            has_content: true,
            problem: Some(problem),
        });
        self.line = self.start_line
            + memchr::memchr_iter(newline, &bytes[self.start..line_end]).count() as u32
            + 1;
        let next = (line_end + 1).min(n);
        self.begin_record(next);
        next
    }
}

/// Where the first 64 bytes of `bytes` (fewer at its end) are `a`, `b`
/// and `c`: bit i of each mask for byte i.
fn byte_masks(bytes: &[u8], a: u8, b: u8, c: u8) -> (u64, u64, u64) {
    if bytes.len() < 64 {
        let mut chunk = [0u8; 64];
        chunk[..bytes.len()].copy_from_slice(bytes);
        let valid = (1u64 << bytes.len()) - 1;
        let (ma, mb, mc) = chunk_masks(&chunk, a, b, c);
        return (ma & valid, mb & valid, mc & valid);
    }
    let chunk: &[u8; 64] = bytes[..64].try_into().expect("64 bytes");
    chunk_masks(chunk, a, b, c)
}

/// [`byte_masks`] of a whole chunk: SSE2, which every x86-64 processor
/// has, compares 16 bytes at once.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn chunk_masks(chunk: &[u8; 64], a: u8, b: u8, c: u8) -> (u64, u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut masks = (0u64, 0u64, 0u64);
    // SAFETY: SSE2 is part of the x86_64 target; each load reads 16 bytes
    // at offsets 0, 16, 32 and 48 of the 64-byte array, unaligned loads.
    unsafe {
        let (va, vb, vc) = (
            _mm_set1_epi8(a as i8),
            _mm_set1_epi8(b as i8),
            _mm_set1_epi8(c as i8),
        );
        for k in 0..4 {
            let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast::<__m128i>());
            let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
            masks.0 |= bits(_mm_cmpeq_epi8(v, va));
            masks.1 |= bits(_mm_cmpeq_epi8(v, vb));
            masks.2 |= bits(_mm_cmpeq_epi8(v, vc));
        }
    }
    masks
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn chunk_masks(chunk: &[u8; 64], a: u8, b: u8, c: u8) -> (u64, u64, u64) {
    chunk_masks_scalar(chunk, a, b, c)
}

/// [`chunk_masks`] a byte at a time (other processors; tests compare).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn chunk_masks_scalar(chunk: &[u8; 64], a: u8, b: u8, c: u8) -> (u64, u64, u64) {
    let mut masks = (0u64, 0u64, 0u64);
    for (i, &byte) in chunk.iter().enumerate() {
        masks.0 |= u64::from(byte == a) << i;
        masks.1 |= u64::from(byte == b) << i;
        masks.2 |= u64::from(byte == c) << i;
    }
    masks
}

/// The end of a record ending at `end`, without the `\r` of a `\r\n`.
fn trim_cr(bytes: &[u8], start: usize, end: usize, newline: u8) -> usize {
    if newline == b'\n' && end > start && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Cells of one record (header lines, rejected rows), comma-separated.
pub fn split_cells(record: &str) -> Vec<String> {
    csv_line::split(record, b',')
}

/// Reads text (one block) as a file of `kind`, for tests of later steps.
#[cfg(test)]
pub(crate) fn read_text(name: &str, text: &str, kind: LogKind) -> RawTable {
    let find = move |rows: &[Vec<String>]| super::schema::find_header(rows, Some(kind));
    let opts = TextOptions {
        forced: None,
        block_bytes: usize::MAX,
        find_header: &find,
    };
    let mut source = TextSource::from_bytes(name, text.as_bytes().to_vec(), &opts).unwrap();
    source.next_block().unwrap().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::messages::Message;
    use crate::testing::below;

    /// The first row is the header; even columns plain, odd ones coded, so
    /// every test reads both ways.
    fn first_row(rows: &[Vec<String>]) -> Option<HeaderFound> {
        let header = rows.first()?;
        Some(HeaderFound {
            row: 0,
            qualified: true,
            kind: None,
            score: header.len(),
            roles: (0..header.len())
                .map(|i| {
                    if i % 2 == 0 {
                        CellRole::Id
                    } else {
                        CellRole::Text
                    }
                })
                .collect(),
        })
    }

    /// [`first_row`], but the first row of two cells or more is the header.
    fn first_wide_row(rows: &[Vec<String>]) -> Option<HeaderFound> {
        let row = rows.iter().position(|r| r.len() > 1)?;
        let mut found = first_row(&rows[row..])?;
        found.row = row;
        Some(found)
    }

    /// Header, row lines, row cells and set-aside lines (with problems).
    type Gathered = (
        Vec<String>,
        Vec<u32>,
        Vec<Vec<Option<String>>>,
        Vec<(u32, StructuralProblem)>,
    );

    fn gather_with(
        bytes: &[u8],
        block_bytes: usize,
        find: FindHeader,
    ) -> Result<Gathered, ReadError> {
        let opts = TextOptions {
            forced: None,
            block_bytes,
            find_header: find,
        };
        let read = gather_from(TextSource::from_bytes("t.csv", bytes.to_vec(), &opts));
        // The same bytes as a file on disk (mapped, when UTF-8): the same
        // header, rows, lines and records set aside, or the same error.
        let (_dir, path) = on_disk(bytes);
        let from_file = gather_from(TextSource::open(&path, &opts));
        assert_eq!(format!("{read:?}"), format!("{from_file:?}"), "{bytes:?}");
        read
    }

    /// `bytes` as a file `t.csv` on disk, in a folder removed when the
    /// first value is dropped.
    fn on_disk(bytes: impl AsRef<[u8]>) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn gather_from(source: Result<TextSource, ReadError>) -> Result<Gathered, ReadError> {
        let mut source = source?;
        let header = source.header().to_vec();
        let (mut lines, mut rows, mut rejected) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(t) = source.next_block()? {
            lines.extend(&t.lines);
            for i in 0..t.cells.height() {
                rows.push(
                    (0..t.header.len())
                        .map(|c| t.cell_text(i, c).unwrap())
                        .collect(),
                );
            }
            rejected.extend(
                t.structural_rejects
                    .iter()
                    .map(|s| (s.line, s.problem.clone())),
            );
        }
        Ok((header, lines, rows, rejected))
    }

    fn gather(bytes: &[u8], block_bytes: usize) -> Gathered {
        gather_with(bytes, block_bytes, &first_row).unwrap()
    }

    fn read(text: &str) -> Gathered {
        gather(text.as_bytes(), usize::MAX)
    }

    fn some(cells: &[&str]) -> Vec<Option<String>> {
        cells
            .iter()
            .map(|c| (!c.is_empty()).then(|| c.to_string()))
            .collect()
    }

    #[test]
    fn rows_keep_their_physical_line_numbers() {
        let (_, lines, rows, _) = read("a,b\n1,x\n\n2,y\n");
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(rows[1], some(&["2", "y"]));
    }

    #[test]
    fn quoted_cell_spanning_lines_is_one_record() {
        let (_, lines, rows, _) = read("a,b\n1,\"two\nlines\"\n3,z\n");
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(rows[0], some(&["1", "two\nlines"]));
    }

    #[test]
    fn escaped_quotes_and_commas_inside_quotes() {
        let (_, _, rows, _) = read("a,b\n\"x, \"\"y\"\"\",2\n");
        assert_eq!(rows[0], some(&["x, \"y\"", "2"]));
    }

    #[test]
    fn crlf_and_cr_only_line_endings() {
        let (_, lines, rows, _) = read("a,b\r\n1,x\r\n2,y\r\n");
        assert_eq!(lines, vec![2, 3]);
        assert_eq!(rows[1], some(&["2", "y"]));
        // Excel's "CSV (Macintosh)": lines end in a lone CR.
        let (header, lines, rows, _) = read("a,b\r1,x\r2,\"y\rz\"\r3,w\r");
        assert_eq!(header, ["a", "b"]);
        assert_eq!(lines, vec![2, 3, 5]);
        assert_eq!(rows[1], some(&["2", "y\rz"]));
    }

    #[test]
    fn all_empty_records_are_not_read() {
        let (_, lines, _, rejected) = read("a,b\n1,x\n,\n\"\",\n ,  \n");
        assert_eq!(lines.len() + rejected.len(), 1);
    }

    #[test]
    fn ragged_rows_are_set_aside_with_their_line() {
        let (_, lines, rows, rejected) = read("a,b\n1,x\n2\n3,y,z\n4,w\n");
        assert_eq!(lines, vec![2, 5]);
        assert_eq!(
            rejected,
            [
                (
                    3,
                    StructuralProblem::Ragged {
                        cells: 1,
                        header_cells: 2
                    }
                ),
                (
                    4,
                    StructuralProblem::Ragged {
                        cells: 3,
                        header_cells: 2
                    }
                )
            ]
        );
        assert_eq!(rows[1], some(&["4", "w"]));
    }

    #[test]
    fn an_unclosed_quote_sets_aside_its_line_only() {
        let (_, lines, _, rejected) = read("a,b\n1,x\n2,\"never closed\n3,y\n");
        assert_eq!(rejected, [(3, StructuralProblem::UnclosedQuote)]);
        assert_eq!(lines, vec![2, 4]);
    }

    /// Reads `bytes` in blocks of `block_bytes` with `max_bytes` the limit
    /// of a record, until the error that stops it: the rows' lines read
    /// before, and the error.
    fn read_to_the_error(
        bytes: Vec<u8>,
        block_bytes: usize,
        max_bytes: usize,
    ) -> (Vec<u32>, ReadError) {
        let find: FindHeader = &first_row;
        let opts = TextOptions {
            forced: None,
            block_bytes,
            find_header: find,
        };
        let (mut reader, _) =
            BlockReader::open("t.csv", Box::new(std::io::Cursor::new(bytes)), None, &opts).unwrap();
        reader.max_bytes = max_bytes;
        let mut builder = reader.builder();
        let mut lines = Vec::new();
        loop {
            let block = match reader.next_block() {
                Ok(Some(block)) => block,
                Ok(None) => panic!("the file was read to its end"),
                Err(e) => return (lines, builder.located(e)),
            };
            match builder.build(block) {
                Ok(table) => lines.extend(table.lines),
                Err(e) => return (lines, e),
            }
        }
    }

    #[test]
    fn a_record_past_the_limit_stops_the_file_with_its_line() {
        // Line 3 never ends: no line break in 400,000 bytes (more than the
        // header's first read), with 300 KiB the limit.
        let mut bytes = b"a,b\n1,x\n2,".to_vec();
        bytes.extend(std::iter::repeat_n(b'y', 400_000));
        let (lines, error) = read_to_the_error(bytes, 64, 300 << 10);
        assert!(
            matches!(error, ReadError::RecordTooLong { line: 3 }),
            "{error:?}"
        );
        assert!(lines.contains(&2));
        let said = Message::RecordTooLong {
            line: 3,
            limit_mib: MAX_BLOCK_BYTES >> 20,
        };
        assert_eq!(error.to_string(), said.to_string());
        assert!(
            said.text(Lang::Zh)
                .contains("第 3 行起的一条记录超过 512 MiB")
        );
        assert!(said.text(Lang::En).contains("line 3 runs past 512 MiB"));
    }

    #[test]
    fn a_record_of_many_lines_past_the_limit_stops_the_file_with_its_line() {
        // Line 3 opens a quote that 400 lines of 1,000 bytes do not close:
        // each line is short, the record is over the 300 KiB limit.
        let mut bytes = b"a,b\n1,x\n2,\"".to_vec();
        for _ in 0..400 {
            bytes.extend(std::iter::repeat_n(b'y', 999));
            bytes.push(b'\n');
        }
        let (lines, error) = read_to_the_error(bytes, 4096, 300 << 10);
        assert!(
            matches!(error, ReadError::RecordTooLong { line: 3 }),
            "{error:?}"
        );
        assert!(lines.contains(&2));
    }

    #[test]
    fn cell_spans_keep_offsets_and_the_quote() {
        for (start, end, quoted) in [(0, 0, false), (7, 19, true), (5, (1 << 31) - 1, true)] {
            let c = CellSpan::new(start, end, quoted);
            assert_eq!((c.start(), c.end(), c.quoted()), (start, end, quoted));
        }
        assert_eq!(std::mem::size_of::<CellSpan>(), 8);
        assert_eq!(std::mem::size_of::<Record>(), 24);
    }

    #[test]
    fn a_stray_quote_that_closes_far_away_sets_aside_its_line_only() {
        // The quote on line 3 closes on line 5, leaving a record of 4 cells.
        let text = "a,b,c\n1,x,p\n2,\"y,q\n3,z,r\n4,w,s\"x,t,u\n5,v,o\n";
        let (_, lines, rows, rejected) = read(text);
        assert_eq!(rejected[0], (3, StructuralProblem::StrayQuote));
        assert_eq!(lines, vec![2, 4, 6]);
        assert_eq!(rows[1], some(&["3", "z", "r"]));
        // Line 5 then has one cell too many.
        assert!(matches!(rejected[1], (5, StructuralProblem::Ragged { .. })));
    }

    #[test]
    fn a_stray_quote_inside_a_cell_or_after_a_space_is_read() {
        let (_, lines, rows, rejected) = read("a,b\n12\"x,y\n3, \"q,r\"\n");
        assert!(rejected.is_empty());
        assert_eq!(lines, vec![2, 3]);
        assert_eq!(rows[0], some(&["12\"x", "y"]));
        assert_eq!(rows[1], some(&["3", "q,r"]));
    }

    #[test]
    fn total_rows_are_set_aside_before_any_other_rule() {
        let (_, lines, _, rejected) = read("a,b\n1,x\n合　计,528,extra\n总计,\"5\n");
        assert_eq!(lines, vec![2]);
        assert_eq!(
            rejected,
            [
                (3, StructuralProblem::TotalRow),
                (4, StructuralProblem::TotalRow)
            ]
        );
    }

    #[test]
    fn undecodable_bytes_reject_the_row_and_name_the_column() {
        let opts = TextOptions {
            forced: Some(Encoding::Utf8),
            block_bytes: usize::MAX,
            find_header: &first_row,
        };
        let mut source =
            TextSource::from_bytes("t.csv", b"a,b\n1,x\n2,\xFF\xFE\xFD\n".to_vec(), &opts).unwrap();
        let t = source.next_block().unwrap().unwrap();
        assert_eq!(t.lines, vec![2]);
        assert_eq!(
            t.structural_rejects[0].problem,
            StructuralProblem::Undecodable { column: 2 }
        );
    }

    #[test]
    fn empty_file_has_no_header() {
        assert!(matches!(
            gather_with(b"\n\n", usize::MAX, &first_row),
            Err(ReadError::Empty)
        ));
    }

    #[test]
    fn header_only_gives_no_rows() {
        let (header, lines, _, _) = read("a,b\n");
        assert!(lines.is_empty());
        assert_eq!(header, vec!["a", "b"]);
    }

    #[test]
    fn plain_lines_are_scanned_as_the_general_path_scans_them() {
        // Random texts over the bytes that matter, with every separator,
        // both line breaks, at the end of the file or not.
        let alphabet: [&[u8]; 12] = [
            b"a",
            b"12",
            b",",
            b",",
            b"\t",
            b";",
            b"\"",
            b"\n",
            b"\r\n",
            b"\r",
            b" ",
            "中".as_bytes(),
        ];
        let mut next = below(17);
        for round in 0..20_000 {
            let mut bytes = Vec::new();
            if round % 4 == 0 {
                // Long lines, over several 64-byte chunks, rarely quoted.
                for _ in 0..next(600) {
                    let token: &[u8] = match next(100) {
                        0..=2 => b"\n",
                        3 => b"\r\n",
                        4 => b"\"",
                        5..=20 => b",",
                        21..=25 => b"\t;",
                        26..=30 => b" ",
                        31..=60 => "中".as_bytes(),
                        _ => b"x",
                    };
                    bytes.extend_from_slice(token);
                }
            } else {
                for _ in 0..next(60) {
                    bytes.extend_from_slice(alphabet[next(alphabet.len())]);
                }
            }
            let delimiter = [b',', b'\t', b';'][round % 3];
            let newline = if next(7) == 0 { b'\r' } else { b'\n' };
            let at_eof = next(2) == 0;
            let expected = [None, Some(1), Some(3)][next(3)];
            let scan_with = |lines| {
                let buffers = ScanBuffers::default();
                let s = scan_into(
                    &bytes, 5, at_eof, delimiter, newline, expected, buffers, lines,
                );
                (s.records, s.cells, s.consumed, s.next_line)
            };
            assert_eq!(
                scan_with(Lines::Plain),
                scan_with(Lines::General),
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn byte_masks_mark_each_byte_sought() {
        let mut next = below(5);
        for len in [0, 1, 17, 63, 64, 65, 200] {
            let bytes: Vec<u8> = (0..len).map(|_| b",\n\"a"[next(4)]).collect();
            let want = |sought: u8| {
                bytes
                    .iter()
                    .take(64)
                    .enumerate()
                    .fold(0u64, |m, (i, &b)| m | (u64::from(b == sought) << i))
            };
            let got = byte_masks(&bytes, b',', b'\n', b'"');
            assert_eq!(got, (want(b','), want(b'\n'), want(b'"')), "{len} bytes");
            if len >= 64 {
                let chunk: &[u8; 64] = bytes[..64].try_into().unwrap();
                assert_eq!(chunk_masks_scalar(chunk, b',', b'\n', b'"'), got);
            }
        }
    }

    #[test]
    fn blocks_of_any_size_read_the_same_rows_and_lines() {
        let text =
            "\u{feff}a,b\r\n1,\"x\ny\"\r\n\r\n2,z\r\n3\r\n,\r\n4,\"w,\"\"q\"\"\"\r\n5,\"open";
        let whole = gather(text.as_bytes(), usize::MAX);
        assert_eq!(whole.1, vec![2, 5, 8]);
        assert_eq!(whole.3.iter().map(|r| r.0).collect::<Vec<_>>(), vec![6, 9]);
        for n in [1, 2, 3, 5, 8, 13, 40] {
            assert_eq!(gather(text.as_bytes(), n), whole, "block of {n} bytes");
        }
    }

    #[test]
    fn gbk_read_in_blocks_keeps_its_characters() {
        let (bytes, _, _) = encoding_rs::GBK.encode("市州,县市区\n武汉,江岸\n恩施州,恩施\n");
        let whole = gather(&bytes, usize::MAX);
        assert_eq!(whole.2[1][0].as_deref(), Some("恩施州"));
        for n in [1, 3, 7] {
            assert_eq!(gather(&bytes, n), whole, "block of {n} bytes");
        }
    }

    #[test]
    fn a_gbk_row_after_a_utf8_looking_start_changes_the_encoding() {
        // More ASCII than the first read looks at, then one GBK row.
        let mut bytes = b"a,b\n".to_vec();
        while bytes.len() <= HEADER_PREFIX_BYTES + 64 {
            bytes.extend_from_slice(b"1234567,x\n");
        }
        let (gbk, _, _) = encoding_rs::GBK.encode("999,武汉\n");
        bytes.extend_from_slice(&gbk);
        let opts = TextOptions {
            forced: None,
            block_bytes: 64,
            find_header: &first_row,
        };
        let (_dir, path) = on_disk(&bytes);
        // Read from memory, and from the file through a map.
        for source in [
            TextSource::from_bytes("t.csv", bytes, &opts),
            TextSource::open(&path, &opts),
        ] {
            let mut source = source.unwrap();
            let mut changed = false;
            while let Some(block) = source.next_block().transpose() {
                if matches!(block, Err(ReadError::EncodingChanged)) {
                    changed = true;
                    break;
                }
            }
            assert!(changed);
        }
    }

    #[test]
    fn a_mapped_blocks_records_read_the_same_after_its_pages_are_given_back() {
        // Blocks of 64 bytes: built (pages given back), then quoted.
        let rows = ["1,武汉", "2,\"x\ny\"", "3,恩施"].repeat(40);
        let text = format!("a,b\n{}\n", rows.join("\n"));
        let (_dir, path) = on_disk(&text);
        let opts = TextOptions {
            forced: None,
            block_bytes: 64,
            find_header: &first_row,
        };
        let mut records = Vec::new();
        let mut source = TextSource::open(&path, &opts).unwrap();
        while let Some(block) = source.next_block().unwrap() {
            records.extend((0..block.lines.len()).map(|i| block.raw_record(i).to_string()));
        }
        assert_eq!(records, rows);
    }

    #[test]
    fn a_utf8_file_on_disk_is_read_through_a_map_and_others_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let (gbk, _, _) = encoding_rs::GBK.encode("市州,县市区\n武汉,江岸\n");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "a,b\n1,2\n".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let cases: [(&[u8], Option<usize>); 5] = [
            (b"a,b\n1,2\n", Some(0)),
            // After the BOM.
            (b"\xEF\xBB\xBFa,b\n1,2\n", Some(3)),
            (b"a,b\n", Some(0)),
            (&gbk, None),
            (&utf16, None),
        ];
        for (i, (bytes, mapped_from)) in cases.into_iter().enumerate() {
            let path = dir.path().join(format!("{i}.csv"));
            std::fs::write(&path, bytes).unwrap();
            let opts = TextOptions {
                forced: None,
                block_bytes: 64,
                find_header: &first_row,
            };
            let file = File::open(&path).unwrap();
            let to_map = file.try_clone().ok();
            let (reader, _) = BlockReader::open("t.csv", Box::new(file), to_map, &opts).unwrap();
            // Its head, mapped when the file was opened, is the first block.
            let first = reader.first_mapped.as_ref().map(|&(_, start, _)| start);
            assert_eq!(first, mapped_from, "{bytes:?}");
            assert_eq!(reader.mapped.is_some(), mapped_from.is_some());
        }
    }

    #[test]
    fn utf16_with_a_bom_and_tabs_is_read() {
        let text = "a\tb\r\n1\t武汉\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let opts = TextOptions {
            forced: None,
            block_bytes: 7,
            find_header: &first_row,
        };
        let mut source = TextSource::from_bytes("t.txt", bytes, &opts).unwrap();
        assert_eq!(source.header(), ["a", "b"]);
        assert_eq!(
            source.format(),
            SourceFormat::Text {
                encoding: TextEncoding::Utf16Le,
                delimiter: b'\t'
            }
        );
        let mut rows = Vec::new();
        while let Some(t) = source.next_block().unwrap() {
            for i in 0..t.cells.height() {
                rows.push(t.cell_text(i, 1).unwrap());
            }
        }
        assert_eq!(rows, [Some("武汉".to_string())]);
    }

    #[test]
    fn the_separator_whose_header_names_most_columns_wins() {
        let find = |rows: &[Vec<String>]| super::super::schema::find_header(rows, None);
        let text = "case_id;channel;prefecture;dispute_type;received_on;outcome\nTJ-1;法院+工会;武汉;欠薪;2023-01-01;调解成功\n";
        let (header, lines, _, _) = gather_with(text.as_bytes(), usize::MAX, &find).unwrap();
        assert_eq!(header.len(), 6);
        assert_eq!(lines, vec![2]);
    }

    #[test]
    fn title_rows_above_the_header_are_not_records() {
        let find = |rows: &[Vec<String>]| super::super::schema::find_header(rows, None);
        let text = "2023年劳动争议调解案件台账,,,,,,\n填报日期：2024-01-05,,,,,,\n\n序号,案件编号,对接渠道,市州,纠纷类型,受理日期,调解结果\n1,TJ-1,法院+工会,武汉,欠薪,2023-01-01,调解成功\n";
        let (header, lines, _, rejected) = gather_with(text.as_bytes(), usize::MAX, &find).unwrap();
        assert_eq!(header[1], "案件编号");
        assert_eq!(lines, vec![5]);
        assert!(rejected.is_empty());
    }

    #[test]
    fn empty_cells_are_null() {
        let (_, _, rows, _) = read("a,b\n,x\n");
        assert_eq!(rows[0][0], None);
    }

    #[test]
    fn the_dictionary_gives_each_distinct_text_one_code_in_the_order_first_seen() {
        // Texts of every length up to 40 that share their first and last
        // bytes and differ in between, with repeats, empty text and NULs.
        let mut next = below(7);
        let mut dictionary = Dictionary::default();
        let mut expected: std::collections::HashMap<String, u32> = Default::default();
        for _ in 0..50_000 {
            let len = next(41);
            let text: String = (0..len)
                .map(|i| match i {
                    _ if i < 8 || i + 8 >= len => 'a',
                    _ => ['a', 'b', '\0', '中'][next(4)],
                })
                .collect();
            let fresh = expected.len() as u32;
            let code = *expected.entry(text.clone()).or_insert(fresh);
            // Found where it stands among other bytes, as a cell in a tile
            // is: 0–11 bytes after it (a short text is read as a word only
            // when 8 follow its start), different each time.
            let before = "z,".repeat(next(3));
            let after: String = (0..next(12)).map(|_| ['z', ',', '\0'][next(3)]).collect();
            let tile = format!("{before}{text}{after}");
            let start = before.len();
            let got = dictionary.code_of(tile.as_bytes(), start, start + text.len());
            assert_eq!(got, code, "{text:?} in {tile:?}");
        }
        assert_eq!(dictionary.texts.len(), expected.len());
        for (code, text) in dictionary.texts.iter().enumerate() {
            assert_eq!(expected[text], code as u32);
        }
    }

    /// A reader kept simple, for the differential test below: well-formed
    /// CSV only (a quote opens a cell, `""` is one quote). A record ends at
    /// the first line break after which its quotes are even; its cells are
    /// `csv_line::split`'s; the first record is the header.
    fn reference_read(text: &str) -> Gathered {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut physical: Vec<&str> = text.split('\n').collect();
        if text.ends_with('\n') {
            physical.pop();
        }
        let mut records: Vec<(u32, String)> = Vec::new();
        let mut i = 0;
        while i < physical.len() {
            let line = i as u32 + 1;
            let mut record = physical[i].to_string();
            while record.matches('"').count() % 2 == 1 && i + 1 < physical.len() {
                i += 1;
                record.push('\n');
                record.push_str(physical[i]);
            }
            i += 1;
            let record = record.strip_suffix('\r').unwrap_or(&record).to_string();
            records.push((line, record));
        }
        let header = csv_line::split(&records[0].1, b',');
        let (mut lines, mut rows, mut rejected) = (Vec::new(), Vec::new(), Vec::new());
        for (line, record) in &records[1..] {
            let cells = csv_line::split(record, b',');
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if is_total_row(cells.iter().map(String::as_str)) {
                rejected.push((*line, StructuralProblem::TotalRow));
            } else if cells.len() != header.len() {
                let problem = StructuralProblem::Ragged {
                    cells: cells.len(),
                    header_cells: header.len(),
                };
                rejected.push((*line, problem));
            } else {
                lines.push(*line);
                rows.push(
                    cells
                        .into_iter()
                        .map(|c| (!c.is_empty()).then_some(c))
                        .collect(),
                );
            }
        }
        (header, lines, rows, rejected)
    }

    /// A sample file's text: UTF-8 (a BOM taken off) or GB18030.
    fn sample_text(name: &str) -> String {
        let path = format!("{}/sample_data/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(path).unwrap();
        match String::from_utf8(bytes) {
            Ok(text) => text.trim_start_matches('\u{feff}').to_string(),
            Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
        }
    }

    /// `rows` rows of `text` from a seeded place (round again from the
    /// top when the rows run out), some changed: quoted
    /// cells with commas and doubled quotes, cells over two lines, CRLF,
    /// blank, empty, ragged and total records; sometimes no last line break.
    fn mutate_records(text: &str, seed: u64, rows: usize) -> String {
        let mut next = below(seed);
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        let width = csv_line::split(header, b',').len();
        let table: Vec<Vec<String>> = lines.map(|l| csv_line::split(l, b',')).collect();
        let start = next(table.len().saturating_sub(rows).max(1));
        let mut out = format!("{header}\n");
        for row in table.iter().cycle().skip(start).take(rows) {
            let mut row = row.clone();
            let j = next(row.len().max(1));
            let mut ending = "\n";
            match next(16) {
                6 => ending = "\r\n",
                7 => row[j] = format!("{},x\"y", row[j]),
                8 if row.len() == width => row[j] = format!("{}\nmore", row[j]),
                9 => out.push('\n'),
                10 => row = vec![String::new(); width],
                11 => {
                    row.pop();
                }
                12 => row[0] = "合计".to_string(),
                13 => out.push_str("   \n"),
                _ => {}
            }
            let cells: Vec<_> = row.iter().map(|c| csv_line::quote(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str(ending);
        }
        if next(3) == 0 {
            out.pop();
        }
        out
    }

    #[test]
    fn the_reader_agrees_with_a_simple_reference_on_the_samples_and_seeded_mutations() {
        let names = [
            "hotline_2023-01_2023-07.csv",
            "hotline_2023-06_2023-12.csv",
            "mediation_2023-01_2023-07.csv",
            "mediation_2023-06_2023-12.csv",
        ];
        // Total rows, ragged rows, cells over lines, quoted commas and quotes.
        let mut seen = [0usize; 4];
        for name in names {
            // The files as they are (GBK ones too), in blocks of any size.
            let raw = std::fs::read(format!("{}/sample_data/{name}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
            let text = sample_text(name);
            let expected = reference_read(&text);
            assert!(expected.1.len() > 500, "{name}: rows read");
            for block_bytes in [usize::MAX, 65536, 4096] {
                assert!(
                    gather(&raw, block_bytes) == expected,
                    "{name}, {block_bytes} B"
                );
            }
            // Seeded mutations of 300 rows each, 50 per file; every tenth
            // of 3,000 rows, more than the first read (the header's 256
            // KiB), so that small blocks come one after another.
            for seed in 1..=50 {
                let rows = if seed % 10 == 0 { 3000 } else { 300 };
                let mutated = mutate_records(&text, seed, rows);
                assert!(rows < 3000 || mutated.len() > HEADER_PREFIX_BYTES);
                let expected = reference_read(&mutated);
                for (_, problem) in &expected.3 {
                    match problem {
                        StructuralProblem::TotalRow => seen[0] += 1,
                        StructuralProblem::Ragged { .. } => seen[1] += 1,
                        _ => {}
                    }
                }
                for cell in expected.2.iter().flatten().flatten() {
                    seen[2] += usize::from(cell.contains('\n'));
                    seen[3] += usize::from(cell.contains(",x\"y"));
                }
                for block_bytes in [usize::MAX, 4096, 512] {
                    let read = gather(mutated.as_bytes(), block_bytes);
                    assert!(
                        read == expected,
                        "{name}, seed {seed}, {block_bytes} B:\n{mutated}\nread {:?}\nexpected {:?}",
                        read.3,
                        expected.3
                    );
                }
            }
        }
        assert!(
            seen.iter().all(|&n| n > 50),
            "every change was made: {seen:?}"
        );
    }

    #[test]
    fn blocks_split_in_parts_and_tiles_read_as_one_part() {
        // Random files of lines that test the part and tile boundaries:
        // quoted cells over lines, stray and unclosed quotes, title and
        // total rows, blank and ragged records, CRLF.
        let pool = [
            "1,x",
            "2,\"a\nb\"",
            "3,\"a\nb\nc\"",
            "4,\"unclosed",
            "\"",
            "合计,5",
            ",",
            "",
            "6,y,z",
            "标题",
            "7,\"q\"\"r\"",
            "8,欠\"薪",
            "9,\"w\"x\ny\"",
            "10,z\r",
            "11,\"a,b\"",
        ];
        for seed in 0..200 {
            let mut pick = below(seed + 1);
            let mut text = String::new();
            // Sometimes more title rows than the block's first half.
            let titles = [0, 1, 8][pick(3)];
            for _ in 0..titles {
                text.push_str(pool[9]);
                text.push('\n');
            }
            text.push_str("a,b\n");
            for _ in 0..pick(60) {
                text.push_str(pool[pick(pool.len())]);
                text.push('\n');
            }
            if pick(2) == 0 {
                text.pop();
            }
            let read = |n| gather_with(text.as_bytes(), n, &first_wide_row).unwrap();
            let whole = read(usize::MAX);
            for n in [1, 5, 16, 40, 200] {
                assert_eq!(read(n), whole, "seed {seed}, {n} B: {text:?}");
            }
        }
    }

    #[test]
    fn columns_built_in_parts_equal_one_column_at_a_time() {
        // Rows enough for several parts and tiles; texts that first appear
        // in a later part, empty cells in every column, quoted cells, some
        // over two lines.
        let mut text = String::from("i,k,n\n");
        let mut expected: Vec<Vec<Option<String>>> = vec![Vec::new(); 3];
        let rows = 15_000;
        for i in 0..rows {
            let id = if i % 9 == 0 {
                String::new()
            } else {
                format!("id{i}")
            };
            let kind = match i % 11 {
                0 => String::new(),
                5 => format!("k{}\nmore", (i * i) % 37),
                _ => format!("k{}", (i * i) % 37),
            };
            text.push_str(&format!("{id},\"{kind}\",{}\n", rows - i));
            for (column, cell) in [id, kind, (rows - i).to_string()].into_iter().enumerate() {
                expected[column].push((!cell.is_empty()).then_some(cell));
            }
        }
        let values = |column: &CellColumn| -> Vec<Option<String>> {
            match column {
                CellColumn::Text(ca) => ca.iter().map(|v| v.map(str::to_string)).collect(),
                CellColumn::Coded { codes, dictionary } => codes
                    .iter()
                    .map(|c| c.map(|c| dictionary[c as usize].clone()))
                    .collect(),
                CellColumn::Plain(cells) => cells.clone(),
            }
        };
        let find: FindHeader = &first_row;
        for block_bytes in [usize::MAX, 20_000, 3000, 300, 64] {
            let opts = TextOptions {
                forced: None,
                block_bytes,
                find_header: find,
            };
            let source = Box::new(std::io::Cursor::new(text.clone().into_bytes()));
            let (mut reader, _) = BlockReader::open("t.csv", source, None, &opts).unwrap();
            let mut builder = reader.builder();
            let mut read: Vec<Vec<Option<String>>> = vec![Vec::new(); 3];
            let mut lines = Vec::new();
            while let Some(block) = reader.next_block().unwrap() {
                let split = builder.split_block(block).unwrap();
                assert!(split.rejects.is_empty());
                lines.extend(split.lines);
                for (i, column) in split.columns.iter().enumerate() {
                    let block_values = values(column);
                    if let CellColumn::Coded { dictionary, .. } = column {
                        // Each text once, in the order first seen.
                        let mut first_seen: Vec<String> = Vec::new();
                        for v in block_values.iter().flatten() {
                            if !first_seen.contains(v) {
                                first_seen.push(v.clone());
                            }
                        }
                        assert_eq!(dictionary, &first_seen, "column {i}, {block_bytes} B");
                    }
                    read[i].extend(block_values);
                }
                if block_bytes == usize::MAX {
                    assert!(matches!(split.columns[0], CellColumn::Text(_)));
                    assert!(matches!(split.columns[1], CellColumn::Coded { .. }));
                }
            }
            assert_eq!(read, expected, "blocks of {block_bytes} bytes");
            // Rows over two lines push the later rows down.
            let mut line = 2;
            let expected_lines: Vec<u32> = (0..rows)
                .map(|i| {
                    let at = line;
                    line += if i % 11 == 5 { 2 } else { 1 };
                    at
                })
                .collect();
            assert_eq!(lines, expected_lines, "blocks of {block_bytes} bytes");
        }
    }
}
