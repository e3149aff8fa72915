//! The checked cache: what reading and checking one input file gave (its
//! accepted rows, accounting and rejects), kept so that a re-run on an
//! unchanged file skips both. An entry is found by a key over everything
//! that decides the result: the file's content (xxh3-128 of every byte) and
//! size, the tool's version, the region table, the options that change
//! reading (encoding, sheets, the kind the file was given as, the kinds the
//! command uses) and the language of the reasons. Any change misses.
//!
//! An entry is `KEY.json` (accounting and rejects) beside `KEY.N.ipc` (the
//! accepted rows of source N, Arrow IPC, memory-mapped on read). Entries
//! hold personal data (phone numbers in the raw rows of rejects, in the
//! hotline's rows): files are readable by their owner only. A file is
//! written whole and renamed into place, never changed after, so a mapped
//! file stays valid.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::SerWriter;
use polars_io::ipc::{IpcReader, IpcWriter};
use serde::{Deserialize, Serialize};

use super::problem::Problem;
use super::reader::{SourceFormat, TextEncoding, WorkbookFormat};
use super::schema::LogKind;
use super::{FileAccount, Reject, SourceRows};
use crate::Lang;

/// Bumped whenever what an entry holds changes shape.
const FORMAT: u32 = 4;

/// The most the cache keeps (`DISPUTES_CACHE_MAX_MB` overrides): beyond it
/// the entries used longest ago are removed. 4 GiB holds a few years of a
/// province's monthly exports.
const DEFAULT_MAX_BYTES: u64 = 4 << 30;

/// Everything an entry's result depends on besides the file's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyParts<'a> {
    pub version: &'a str,
    pub regions: u64,
    pub encoding: Option<super::encoding::Encoding>,
    pub sheets: &'a [String],
    pub expected: Option<LogKind>,
    pub kinds: &'a [LogKind],
    pub lang: Lang,
}

/// The tool's version and its build: the version, and the size and time of
/// the running program, so that every new build (not only a new release)
/// misses entries a different build made.
pub fn build_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{}+{modified}", m.len())
            })
            .unwrap_or_default();
        format!("{}+{exe}", env!("CARGO_PKG_VERSION"))
    })
}

/// Bytes hashed as one piece: pieces are hashed on all cores, and their
/// hashes hashed again. Fixed, so that the hash does not depend on the
/// machine's number of cores.
const HASH_PIECE_BYTES: u64 = 64 << 20;

/// The content hash of a file and its size: xxh3-128 of each 64 MiB piece,
/// the pieces read and hashed side by side, then xxh3-128 of the pieces'
/// hashes in order.
pub fn content_hash(path: &Path) -> std::io::Result<(u128, u64)> {
    use rayon::prelude::*;
    let len = std::fs::metadata(path)?.len();
    let pieces = len.div_ceil(HASH_PIECE_BYTES).max(1);
    let hashed: Vec<(u128, u64)> = (0..pieces)
        .into_par_iter()
        .map(|i| hash_piece(path, i * HASH_PIECE_BYTES, HASH_PIECE_BYTES))
        .collect::<std::io::Result<_>>()?;
    let mut whole = xxhash_rust::xxh3::Xxh3::new();
    let mut size = 0;
    for (hash, bytes) in &hashed {
        whole.update(&hash.to_le_bytes());
        size += bytes;
    }
    // A file that grew while it was read: the bytes after the last piece.
    if size == pieces * HASH_PIECE_BYTES {
        let (hash, bytes) = hash_piece(path, size, u64::MAX)?;
        whole.update(&hash.to_le_bytes());
        size += bytes;
    }
    Ok((whole.digest128(), size))
}

/// xxh3-128 of up to `max` bytes of a file from `start`, and how many
/// bytes there were.
fn hash_piece(path: &Path, start: u64, max: u64) -> std::io::Result<(u128, u64)> {
    use std::io::Seek;
    let mut file = std::fs::File::open(path)?;
    file.seek(std::io::SeekFrom::Start(start))?;
    let mut piece = file.take(max);
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buffer = vec![0u8; 4 << 20];
    let mut size = 0u64;
    loop {
        let got = piece.read(&mut buffer)?;
        if got == 0 {
            break;
        }
        hasher.update(&buffer[..got]);
        size += got as u64;
    }
    Ok((hasher.digest128(), size))
}

/// The entry's name: a hash over the content hash, the size and the parts.
pub fn key(content: (u128, u64), parts: &KeyParts) -> String {
    let described = format!(
        "{FORMAT}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        content.0,
        content.1,
        parts.version,
        parts.regions,
        parts.encoding,
        parts.sheets,
        parts.expected,
        parts.kinds,
        parts.lang
    );
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(described.as_bytes()))
}

#[derive(Serialize, Deserialize)]
struct Entry {
    sources: Vec<CachedSource>,
}

#[derive(Serialize, Deserialize)]
struct CachedSource {
    kind: String,
    /// What follows the file's name in the source's name: `[7月]` for a
    /// sheet, empty for a text file. The name itself is not kept: the same
    /// bytes under another name or folder take the entry and are named as
    /// the user named them this time.
    sheet: String,
    format: String,
    read: usize,
    rejects: Vec<CachedReject>,
    /// The dictionary-encoded columns, kept in the rows file as their
    /// category ids, and the text of each id (see [`CategoryIds`]).
    categorical: Vec<String>,
    categories: Vec<Option<String>>,
}

#[derive(Serialize, Deserialize)]
struct CachedReject {
    line: u32,
    column: Option<usize>,
    column_name: Option<String>,
    reason: String,
    problem: u8,
    raw: String,
}

fn kind_of(name: &str) -> Option<LogKind> {
    [LogKind::Hotline, LogKind::Mediation]
        .into_iter()
        .find(|k| k.name() == name)
}

/// A source format as an entry stores it, and back.
fn format_code(f: SourceFormat) -> String {
    match f {
        SourceFormat::Text {
            encoding,
            delimiter,
        } => format!("text:{encoding:?}:{delimiter}"),
        SourceFormat::Workbook(w) => format!("book:{w:?}"),
    }
}

fn format_of(code: &str) -> Option<SourceFormat> {
    let mut parts = code.split(':');
    match (parts.next()?, parts.next()?, parts.next()) {
        ("text", encoding, Some(delimiter)) => Some(SourceFormat::Text {
            encoding: [
                TextEncoding::Utf8,
                TextEncoding::Gbk,
                TextEncoding::Utf16Le,
                TextEncoding::Utf16Be,
            ]
            .into_iter()
            .find(|e| format!("{e:?}") == encoding)?,
            delimiter: delimiter.parse().ok()?,
        }),
        ("book", name, None) => Some(SourceFormat::Workbook(
            [
                WorkbookFormat::Xlsx,
                WorkbookFormat::Xlsm,
                WorkbookFormat::Xlsb,
                WorkbookFormat::Xls,
                WorkbookFormat::Ods,
            ]
            .into_iter()
            .find(|w| format!("{w:?}") == name)?,
        )),
        _ => None,
    }
}

/// The frame with every column in pieces of its first column's lengths
/// (the blocks it was read in). A column in other pieces — the hashes,
/// made whole; a text column built in a piece per thread — is cut and,
/// where a piece spans two of its own, joined: for text only the 16-byte
/// views are copied, never the texts, and no column already cut alike is
/// touched.
fn align_pieces(frame: DataFrame) -> PolarsResult<DataFrame> {
    let Some(first) = frame.columns().first() else {
        return Ok(frame);
    };
    let lengths: Vec<usize> = first.as_materialized_series().chunk_lengths().collect();
    let height = frame.height();
    let columns = frame
        .into_columns()
        .into_iter()
        .map(|column| {
            let series = column.take_materialized_series();
            if series.chunk_lengths().eq(lengths.iter().copied()) {
                return Ok(series.into_column());
            }
            let mut offset = 0;
            let mut aligned: Option<Series> = None;
            for &length in &lengths {
                let piece = series.slice(offset as i64, length).rechunk();
                offset += length;
                match &mut aligned {
                    Some(done) => {
                        done.append_owned(piece)?;
                    }
                    None => aligned = Some(piece),
                }
            }
            Ok(aligned.unwrap_or(series).into_column())
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(height, columns)
}

/// The column of an entry's rows file that holds the rows' sorted id
/// hashes ([`super::merge::sorted_id_hashes`]).
const SORTED_IDS: &str = "__sorted_id_hashes";

fn ipc_path(dir: &Path, key: &str, i: usize) -> PathBuf {
    dir.join(format!("{key}.{i}.ipc"))
}

/// The sources of an entry, or None when there is none (or it cannot be
/// read: then the file is simply read again).
pub(super) fn lookup(dir: &Path, key: &str, shown: &str) -> Option<Vec<SourceRows>> {
    let index = dir.join(format!("{key}.json"));
    let text = std::fs::read(&index).ok()?;
    // Used now: the index's time orders entries for trimming.
    if let Ok(file) = std::fs::File::options().append(true).open(&index) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    let entry: Entry = serde_json::from_slice(&text).ok()?;
    let mut sources = Vec::new();
    for (i, s) in entry.sources.into_iter().enumerate() {
        let path = ipc_path(dir, key, i);
        let file = std::fs::File::open(&path).ok()?;
        // SAFETY: entry files are written whole under a temporary name and
        // renamed into place, and never written again; `cache clear`
        // unlinks them, which leaves a mapping valid.
        let mut stored = unsafe { IpcReader::new(file).memory_mapped(Some(path)) }
            .finish()
            .ok()?;
        let sorted_ids = stored.drop_in_place(SORTED_IDS).ok()?.u64().ok()?.clone();
        let accepted = CategoryIds::restore(stored, &s.categorical, &s.categories)?;
        let kind = kind_of(&s.kind)?;
        let source = format!("{shown}{}", s.sheet);
        let mut rejects = Vec::with_capacity(s.rejects.len());
        for r in s.rejects {
            rejects.push(Reject {
                path: source.clone(),
                kind,
                line: r.line,
                column: r.column,
                column_name: r.column_name,
                reason: r.reason,
                problem: Problem::from_repr(r.problem)?,
                raw: r.raw,
            });
        }
        let account = FileAccount {
            path: source,
            kind,
            encoding: format_of(&s.format)?,
            read: s.read,
            accepted: accepted.height(),
            duplicates: 0,
            superseded: 0,
            rejected: rejects.len(),
        };
        sources.push(SourceRows {
            kind,
            account,
            accepted,
            sorted_ids,
            rejects,
        });
    }
    Some(sources)
}

/// Keeps the sources of a file under its key. A cache that cannot be
/// written costs only speed: the error is returned for a caller to ignore.
pub(super) fn store(
    dir: &Path,
    key: &str,
    file: &str,
    sources: &[SourceRows],
) -> std::io::Result<()> {
    let sheets = sources
        .iter()
        .map(|s| s.account.path.strip_prefix(file).map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| std::io::Error::other("a source not named after its file"))?;
    std::fs::create_dir_all(dir)?;
    let io = |e: PolarsError| std::io::Error::other(e.to_string());
    let mut entry = Entry {
        sources: Vec::new(),
    };
    for (i, s) in sources.iter().enumerate() {
        let (mut frame, ids) = CategoryIds::take(&s.accepted).map_err(io)?;
        if frame.schema().contains(SORTED_IDS) {
            return Err(std::io::Error::other("a column has the cache's own name"));
        }
        // The sorted id hashes ride along as one more column (as long as
        // the rows, though not one per row).
        let hashes = s.sorted_ids.clone().with_name(SORTED_IDS.into());
        frame.with_column(hashes.into_column()).map_err(io)?;
        // Every column cut where the first (a block's rows) is: the writer
        // would otherwise copy every column into one piece.
        let mut frame = align_pieces(frame).map_err(io)?;
        // Streamed to an owner-only temporary file and renamed into place,
        // not encoded whole into memory first (that copy added 0.6 GB to
        // the peak on 5M rows).
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
            IpcWriter::new(&mut out).finish(&mut frame).map_err(io)?;
            out.flush()?;
        }
        drop(frame);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        tmp.persist(ipc_path(dir, key, i)).map_err(|e| e.error)?;
        entry.sources.push(CachedSource {
            kind: s.kind.name().to_string(),
            sheet: sheets[i].clone(),
            format: format_code(s.account.encoding),
            read: s.account.read,
            rejects: s
                .rejects
                .iter()
                .map(|r| CachedReject {
                    line: r.line,
                    column: r.column,
                    column_name: r.column_name.clone(),
                    reason: r.reason.clone(),
                    problem: r.problem as u8,
                    raw: r.raw.clone(),
                })
                .collect(),
            categorical: ids.columns,
            categories: ids.texts,
        });
    }
    // The index last: an entry without it is never found.
    let json = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
    crate::render::write_atomic_private_unsynced(&dir.join(format!("{key}.json")), &json)?;
    let max = std::env::var("DISPUTES_CACHE_MAX_MB")
        .ok()
        .and_then(|m| m.parse::<u64>().ok())
        .map_or(DEFAULT_MAX_BYTES, |mb| mb << 20);
    trim(dir, max, key)
}

/// Dictionary-encoded (categorical) columns as an entry keeps them: the
/// category ids of the process that wrote it, as plain `u32`, and the text
/// of every id up to the largest used. Polars' IPC reader would otherwise
/// look every row's text up in the global dictionary (17 % of a warm run
/// on 5M rows); here each text is looked up once and the ids are mapped.
/// Without dictionaries the rows also need not be one chunk to be written.
struct CategoryIds {
    columns: Vec<String>,
    texts: Vec<Option<String>>,
}

impl CategoryIds {
    /// The frame with its global categorical columns as their ids.
    fn take(frame: &DataFrame) -> PolarsResult<(DataFrame, CategoryIds)> {
        let mut ids = CategoryIds {
            columns: Vec::new(),
            texts: Vec::new(),
        };
        let mut columns = Vec::with_capacity(frame.width());
        for column in frame.columns() {
            let DataType::Categorical(categories, mapping) = column.dtype() else {
                columns.push(column.clone());
                continue;
            };
            if !categories.is_global() || categories.physical() != CategoricalPhysical::U32 {
                columns.push(column.clone());
                continue;
            }
            let physical = column.to_physical_repr();
            let largest = physical.u32()?.max().map_or(0, |m| m as usize + 1);
            for id in ids.texts.len()..largest {
                ids.texts
                    .push(mapping.cat_to_str(id as CatSize).map(str::to_string));
            }
            ids.columns.push(column.name().to_string());
            columns.push(physical);
        }
        Ok((DataFrame::new(frame.height(), columns)?, ids))
    }

    /// The rows read back, their id columns categorical again; None when
    /// the entry does not fit together (then the file is read again).
    fn restore(
        frame: DataFrame,
        columns: &[String],
        texts: &[Option<String>],
    ) -> Option<DataFrame> {
        let dtype = DataType::from_categories(Categories::global());
        let DataType::Categorical(_, mapping) = &dtype else {
            return None;
        };
        // u32::MAX, never an id, for an id the writer had no text for (and,
        // below, for an id beyond the texts).
        let now: Vec<u32> = texts
            .iter()
            .map(|t| {
                t.as_deref()
                    .and_then(|text| mapping.insert_cat(text).ok())
                    .unwrap_or(u32::MAX)
            })
            .collect();
        // In a process that has named no category before, each text gets
        // the id it had when written: the stored ids stand as they are,
        // without a copy of each column.
        let same_ids = now.iter().enumerate().all(|(id, &now)| now as usize == id);
        let mut frame = frame;
        for name in columns {
            let stored = frame.column(name).ok()?.u32().ok()?;
            // Every stored id must name a text: else the entry is not used.
            let mapped: UInt32Chunked = match same_ids {
                true if stored.max().is_some_and(|id| id as usize >= now.len()) => return None,
                true => stored.clone(),
                false => {
                    let mapped =
                        stored.apply_values(|id| now.get(id as usize).copied().unwrap_or(u32::MAX));
                    if mapped.max() == Some(u32::MAX) {
                        return None;
                    }
                    mapped
                }
            };
            // SAFETY: every id names a text of the global dictionary: given
            // by its insert_cat just now, or the same ids, checked above.
            let restored = unsafe { mapped.into_series().from_physical_unchecked(&dtype) }.ok()?;
            frame.replace(name, restored.into_column()).ok()?;
        }
        Some(frame)
    }
}

/// One file of the cache: its entry's key, whether it is the entry's
/// index (`KEY.json`, else rows `KEY.N.ipc`), its path and metadata. Other
/// files in the folder are not the cache's and are left alone.
struct CacheFile {
    key: String,
    index: bool,
    path: PathBuf,
    meta: std::fs::Metadata,
}

/// The cache's files in `dir` (none when there is no such folder).
fn cache_files(dir: &Path) -> std::io::Result<Vec<CacheFile>> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for item in listing {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        let index = name.ends_with(".json");
        if !index && !name.ends_with(".ipc") {
            continue;
        }
        files.push(CacheFile {
            key: name.split('.').next().unwrap_or_default().to_string(),
            index,
            path: item.path(),
            meta: item.metadata()?,
        });
    }
    Ok(files)
}

/// Removes the entries used longest ago until the cache holds at most
/// `max` bytes; `keep` (the entry just written) stays.
fn trim(dir: &Path, max: u64, keep: &str) -> std::io::Result<()> {
    // Entries by key: (last used, bytes, files).
    let mut entries: std::collections::BTreeMap<
        String,
        (std::time::SystemTime, u64, Vec<PathBuf>),
    > = Default::default();
    for f in cache_files(dir)? {
        let entry = entries
            .entry(f.key)
            .or_insert((std::time::UNIX_EPOCH, 0, Vec::new()));
        entry.1 += f.meta.len();
        if f.index {
            entry.0 = f.meta.modified()?;
        }
        entry.2.push(f.path);
    }
    let mut total: u64 = entries.values().map(|e| e.1).sum();
    let mut by_age: Vec<_> = entries.into_iter().filter(|(k, _)| k != keep).collect();
    by_age.sort_by_key(|(_, e)| e.0);
    for (_, (_, bytes, files)) in by_age {
        if total <= max {
            break;
        }
        for f in files {
            std::fs::remove_file(f)?;
        }
        total -= bytes;
    }
    Ok(())
}

/// The cache folder's entries: (number of entries, bytes).
pub fn info(dir: &Path) -> std::io::Result<(usize, u64)> {
    let files = cache_files(dir)?;
    let entries = files.iter().filter(|f| f.index).count();
    Ok((entries, files.iter().map(|f| f.meta.len()).sum()))
}

/// Removes every entry (only the cache's own files).
pub fn clear(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for f in cache_files(dir)? {
        std::fs::remove_file(&f.path)?;
        removed += usize::from(f.index);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(kinds: &'a [LogKind]) -> KeyParts<'a> {
        KeyParts {
            version: "0.1.0",
            regions: 7,
            encoding: None,
            sheets: &[],
            expected: None,
            kinds,
            lang: Lang::Zh,
        }
    }

    #[test]
    fn every_part_of_the_key_changes_it() {
        let kinds = [LogKind::Mediation];
        let base = parts(&kinds);
        let k = key((1, 10), &base);
        assert_eq!(k, key((1, 10), &base));
        assert_ne!(k, key((2, 10), &base), "content");
        assert_ne!(k, key((1, 11), &base), "size");
        assert_ne!(
            k,
            key(
                (1, 10),
                &KeyParts {
                    version: "0.1.1",
                    ..base.clone()
                }
            ),
            "version"
        );
        assert_ne!(
            k,
            key(
                (1, 10),
                &KeyParts {
                    regions: 8,
                    ..base.clone()
                }
            ),
            "regions"
        );
        let gbk = Some(super::super::encoding::Encoding::Gbk);
        assert_ne!(
            k,
            key(
                (1, 10),
                &KeyParts {
                    encoding: gbk,
                    ..base.clone()
                }
            ),
            "encoding"
        );
        let sheet = ["6月".to_string()];
        assert_ne!(
            k,
            key(
                (1, 10),
                &KeyParts {
                    sheets: &sheet,
                    ..base.clone()
                }
            ),
            "sheet"
        );
        let given = Some(LogKind::Mediation);
        assert_ne!(
            k,
            key(
                (1, 10),
                &KeyParts {
                    expected: given,
                    ..base.clone()
                }
            ),
            "kind given"
        );
        let both = [LogKind::Hotline, LogKind::Mediation];
        assert_ne!(k, key((1, 10), &parts(&both)), "kinds used");
        assert_ne!(
            k,
            key(
                (1, 10),
                &KeyParts {
                    lang: Lang::En,
                    ..base
                }
            ),
            "language"
        );
    }

    #[test]
    fn columns_are_cut_where_the_first_is_so_that_the_writer_copies_nothing() {
        // Two blocks of rows; a text column in a piece per thread, and
        // hashes made whole.
        let block = |lines: &[u32], texts: [&[&str]; 2]| {
            let mut text = StringChunked::from_slice("t".into(), texts[0]);
            text.append(&StringChunked::from_slice("t".into(), texts[1]))
                .unwrap();
            let lines = Column::new("line".into(), lines);
            DataFrame::new(lines.len(), vec![lines, text.into_column()]).unwrap()
        };
        let mut rows = block(&[1, 2, 3], [&["a", "a long text over twelve"], &["c"]]);
        rows.vstack_mut(&block(&[4, 5], [&["d"], &["e a long text again"]]))
            .unwrap();
        let hashes = UInt64Chunked::from_vec("h".into(), vec![10, 11, 12, 13, 14]);
        rows.with_column(hashes.into_column()).unwrap();
        assert!(rows.should_rechunk());
        let aligned = align_pieces(rows.clone()).unwrap();
        assert!(!aligned.should_rechunk(), "the writer copies nothing");
        for column in aligned.columns() {
            let lengths: Vec<usize> = column.as_materialized_series().chunk_lengths().collect();
            assert_eq!(lengths, vec![3, 2], "{}", column.name());
        }
        assert!(aligned.equals(&rows), "the same values");
    }

    #[test]
    fn formats_come_back_as_they_went() {
        for f in [
            SourceFormat::Text {
                encoding: TextEncoding::Gbk,
                delimiter: b'\t',
            },
            SourceFormat::Workbook(WorkbookFormat::Xlsx),
        ] {
            assert_eq!(format_of(&format_code(f)), Some(f));
        }
    }

    #[test]
    fn categorical_columns_come_back_as_they_went() {
        let text = DataType::from_categories(Categories::global());
        let outcome = Column::new(
            "outcome".into(),
            [Some("成功"), None, Some("撤回"), Some("成功")],
        )
        .cast(&text)
        .unwrap();
        let amount = Column::new("amount".into(), [1.5, 2.0, 3.0, 4.0]);
        let frame = DataFrame::new(4, vec![outcome, amount]).unwrap();
        let (stored, ids) = CategoryIds::take(&frame).unwrap();
        assert_eq!(ids.columns, ["outcome"]);
        assert_eq!(stored.column("outcome").unwrap().dtype(), &DataType::UInt32);
        let back = CategoryIds::restore(stored.clone(), &ids.columns, &ids.texts).unwrap();
        assert!(back.equals_missing(&frame));
        // Ids another process gave: the same texts in the reverse order,
        // so that each id is mapped to this process's.
        let mut reversed = ids.texts.clone();
        reversed.reverse();
        let last = reversed.len() as u32 - 1;
        let mut theirs = stored.clone();
        let flipped = theirs
            .column("outcome")
            .unwrap()
            .u32()
            .unwrap()
            .apply_values(|id| last - id);
        theirs.replace("outcome", flipped.into_column()).unwrap();
        let back = CategoryIds::restore(theirs, &ids.columns, &reversed).unwrap();
        assert!(back.equals_missing(&frame));
        // An id with no text: the entry is not used.
        assert!(CategoryIds::restore(stored.clone(), &ids.columns, &[]).is_none());
        let mut texts = ids.texts.clone();
        let last = texts.len() - 1;
        texts[last] = None;
        assert!(CategoryIds::restore(stored, &ids.columns, &texts).is_none());
    }
}
