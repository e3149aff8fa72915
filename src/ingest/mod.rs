//! Loading the logs: read → check → merge, shared by every command.
//!
//! - [`reader`]: the reader interface (sources, [`reader::RawTable`]);
//!   [`csv_reader`] for CSV and other text files, [`workbook`] for workbooks
//! - [`encoding`]: text encodings (UTF-8, GBK/GB18030, UTF-16)
//! - [`schema`]: the columns of each log kind and how headers are found and matched
//! - [`parse`]: single values (dates, numbers, phones)
//! - [`validate`]: the row rules, as Polars expressions
//! - [`merge`]: overlapping exports merged by id
//! - [`problem`]: what can be wrong with a record, in both languages

pub mod cache;
pub mod csv_reader;
pub mod encoding;
mod mapped;
pub mod merge;
pub mod parse;
pub mod problem;
pub mod reader;
pub mod schema;
pub mod validate;
pub mod workbook;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::messages::{self, Message};
use crate::regions::RegionTable;
use csv_reader::{TextOptions, TextSource};
use encoding::Encoding;
use problem::Problem;
use reader::{ReadError, Source, SourceFormat, StructuralProblem, WorkbookFormat};
use schema::{HeaderError, LogKind};

pub use merge::FILE;
pub use validate::LINE;

/// The files to read, in reading order: those given as one kind, and
/// those whose kind their header decides (`--data`).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub hotline: Vec<PathBuf>,
    pub mediation: Vec<PathBuf>,
    /// Read after the files of a named kind.
    pub by_header: Vec<PathBuf>,
}

/// Extensions of the files `--data` reads (any case).
const DATA_EXTENSIONS: [&str; 8] = ["csv", "tsv", "txt", "xlsx", "xlsm", "xlsb", "xls", "ods"];

impl Inputs {
    /// The logs in a folder (not its sub-folders): every .csv, .tsv, .txt
    /// and workbook, sorted by name; hidden files and Excel's lock files
    /// (`~$台账.xlsx`) left out.
    pub fn from_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name.starts_with('.') || name.starts_with("~$") || !path.is_file() {
                continue;
            }
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if ext.is_some_and(|e| DATA_EXTENSIONS.contains(&e.as_str())) {
                found.push(path);
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Row accounting of one source: read = accepted + duplicates + superseded + rejected.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileAccount {
    /// The file, or `FILE[SHEET]` for a sheet of a workbook.
    pub path: String,
    pub kind: LogKind,
    pub encoding: SourceFormat,
    pub read: usize,
    pub accepted: usize,
    pub duplicates: usize,
    pub superseded: usize,
    pub rejected: usize,
}

/// A rejected row, located in its source.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reject {
    pub path: String,
    pub kind: LogKind,
    pub line: u32,
    /// 1-based column in the file, when the reason concerns one.
    pub column: Option<usize>,
    /// The column's header as written in the file.
    pub column_name: Option<String>,
    pub reason: String,
    /// What kind of problem: a broken rule or a structural one.
    #[serde(skip)]
    pub problem: Problem,
    /// The record as it stands in the file.
    #[serde(skip)]
    pub raw: String,
}

/// The checked, merged logs and what happened to every row read.
pub struct Logs {
    pub hotline: DataFrame,
    pub mediation: DataFrame,
    pub files: Vec<FileAccount>,
    pub rejects: Vec<Reject>,
    /// Files and sheets left out, and why (for standard error).
    pub skipped: Vec<Message>,
}

/// Why a file cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("{}", check_failed(.0))]
    Polars(#[from] PolarsError),
    #[error("{0}")]
    Refused(Message),
}

fn check_failed(e: &PolarsError) -> Message {
    Message::CheckFailed {
        detail: e.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// One or more files cannot be used; nothing is computed.
    #[error("{}", .0.iter().map(|(p, e)| format!("{}: {e}", shown(p))).collect::<Vec<_>>().join("\n"))]
    Files(Vec<(PathBuf, FileProblem)>),
    #[error("{}", merge_failed(.kind, .source))]
    Merge {
        kind: &'static str,
        source: PolarsError,
    },
}

fn merge_failed(kind: &str, e: &PolarsError) -> Message {
    Message::MergeFailed {
        kind: messages::kind_name(kind),
        detail: e.to_string(),
    }
}

pub struct LoadOptions<'a> {
    pub encoding: Option<Encoding>,
    pub regions: &'a RegionTable,
    /// Bytes read and checked at once ([`csv_reader::BLOCK_BYTES`]).
    pub block_bytes: usize,
    /// `--sheet`: read only these sheets of each workbook (all when empty).
    pub sheets: &'a [String],
    /// The kinds of log the command uses: files and sheets of another kind
    /// are not read past their header (`rates` never reads the hotline).
    pub kinds: &'a [LogKind],
    /// The checked cache's folder; none: every file is read and checked.
    pub cache: Option<&'a Path>,
    /// Told the source's name and its records read so far after each
    /// block, for a progress display.
    pub progress: Option<&'a Progress<'a>>,
}

/// Told a source's name and its records read so far.
pub type Progress<'a> = dyn Fn(&str, usize) + 'a;

/// One source read and checked: its accounting, accepted rows and rejects.
struct SourceRows {
    kind: LogKind,
    account: FileAccount,
    accepted: DataFrame,
    /// [`merge::sorted_id_hashes`] of the accepted rows.
    sorted_ids: UInt64Chunked,
    rejects: Vec<Reject>,
}

/// Reads, checks and merges every input file. A file that cannot be used
/// stops the load (after every file has been looked at, so all such
/// problems are reported at once).
pub fn load(inputs: &Inputs, opts: &LoadOptions) -> Result<Logs, LoadError> {
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut read: Vec<SourceRows> = Vec::new();
    let plan = inputs
        .hotline
        .iter()
        .map(|p| (p, Some(LogKind::Hotline)))
        .chain(
            inputs
                .mediation
                .iter()
                .map(|p| (p, Some(LogKind::Mediation))),
        )
        .chain(inputs.by_header.iter().map(|p| (p, None)));
    for (path, expected) in plan {
        if let Some(kind) = expected.filter(|k| !opts.kinds.contains(k)) {
            skipped.push(Message::SkippedFile {
                file: shown(path),
                why: Message::KindNotUsed {
                    kind: messages::kind_name(kind.name()),
                }
                .to_string(),
            });
            continue;
        }
        match load_cached(path, expected, opts, &mut skipped) {
            Ok(sources) => read.extend(sources),
            Err(problem) => problems.push((path.clone(), problem)),
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Files(problems));
    }

    let mut files = Vec::new();
    let mut rejects = Vec::new();
    let mut merged_frames = Vec::new();
    for kind in [LogKind::Hotline, LogKind::Mediation] {
        let merge_error = |source| LoadError::Merge {
            kind: kind.name(),
            source,
        };
        let first_account = files.len();
        let mut accepted = Vec::new();
        let mut sorted_ids = Vec::new();
        for source in read.iter_mut().filter(|s| s.kind == kind) {
            files.push(source.account.clone());
            rejects.append(&mut source.rejects);
            accepted.push(std::mem::take(&mut source.accepted));
            sorted_ids.push(std::mem::take(&mut source.sorted_ids));
        }
        let merged = if accepted.is_empty() {
            empty_logs(kind, opts.regions).map_err(merge_error)?
        } else {
            let merged = merge::merge_files(kind, accepted, &sorted_ids).map_err(merge_error)?;
            for (i, c) in merged.counts.iter().enumerate() {
                let account = &mut files[first_account + i];
                account.accepted = c.accepted;
                account.duplicates = c.duplicates;
                account.superseded = c.superseded;
            }
            merged.rows
        };
        merged_frames.push(merged);
    }
    let mediation = merged_frames.pop().expect("two kinds");
    let hotline = merged_frames.pop().expect("two kinds");
    Ok(Logs {
        hotline,
        mediation,
        files,
        rejects,
        skipped,
    })
}

/// [`load_file`] through the checked cache: an entry for the file's
/// content and options is taken as it is; otherwise the file is read and
/// the result kept, unless reading it left sheets or the file out (their
/// messages are not kept).
fn load_cached(
    path: &Path,
    expected: Option<LogKind>,
    opts: &LoadOptions,
    skipped: &mut Vec<Message>,
) -> Result<Vec<SourceRows>, FileProblem> {
    let Some(dir) = opts.cache.filter(|_| !is_stdin(path)) else {
        return load_file(path, expected, opts, skipped);
    };
    // A text file of a kind the command does not use stops at its header,
    // before the whole of it is hashed (`rates --data` and the hotline log).
    if expected.is_none()
        && WorkbookFormat::of(path).is_none()
        && peek_kind(path, opts).is_some_and(|k| !opts.kinds.contains(&k))
    {
        return Ok(Vec::new());
    }
    let Ok(content) = cache::content_hash(path) else {
        return load_file(path, expected, opts, skipped);
    };
    let key = cache::key(
        content,
        &cache::KeyParts {
            version: cache::build_id(),
            regions: opts.regions.fingerprint(),
            encoding: opts.encoding,
            sheets: opts.sheets,
            expected,
            // A file given as one kind is read the same whatever kinds the
            // command uses (it is not read at all without its kind), so
            // `rates` and `report` on the same `--mediation` file share
            // an entry; a file known by its header may hold both kinds.
            kinds: if expected.is_some() { &[] } else { opts.kinds },
            lang: messages::language(),
        },
    );
    let file = path.display().to_string();
    if let Some(sources) = cache::lookup(dir, &key, &file) {
        return Ok(sources);
    }
    let before = skipped.len();
    let sources = load_file(path, expected, opts, skipped)?;
    if skipped.len() == before && !sources.is_empty() {
        // A cache that cannot be written costs only speed (and says why
        // with DISPUTES_CACHE_DEBUG set).
        if let Err(e) = cache::store(dir, &key, &file, &sources)
            && std::env::var_os("DISPUTES_CACHE_DEBUG").is_some()
        {
            eprintln!("cache: {}: {e}", path.display());
        }
    }
    Ok(sources)
}

/// The kind a text file's header names, read from its first MiB only
/// (none when it names neither, or the file cannot be read).
fn peek_kind(path: &Path, opts: &LoadOptions) -> Option<LogKind> {
    let find = |rows: &[Vec<String>]| schema::find_header(rows, None);
    let text_opts = TextOptions {
        forced: opts.encoding,
        block_bytes: 1 << 20,
        find_header: &find,
    };
    TextSource::open(path, &text_opts).ok()?.kind()
}

/// `-` as an input file: standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A file as messages name it.
fn shown(path: &Path) -> String {
    match is_stdin(path) {
        true => stdin_name(),
        false => path.display().to_string(),
    }
}

/// What standard input is called in the accounting and in messages.
fn stdin_name() -> String {
    messages::pick("标准输入", "standard input").to_string()
}

/// All of standard input: text only (a workbook must be named as a file,
/// since its reader needs to seek).
fn read_stdin() -> Result<Vec<u8>, FileProblem> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(ReadError::from)?;
    // Zip (xlsx, ods) and OLE (xls) signatures.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileProblem::Refused(Message::WorkbookOnStdin));
    }
    Ok(bytes)
}

/// Reads every source of one file. `expected` is the kind it was given as
/// (none: its header decides). Sheets and files left out are added to
/// `skipped`.
fn load_file(
    path: &Path,
    expected: Option<LogKind>,
    opts: &LoadOptions,
    skipped: &mut Vec<Message>,
) -> Result<Vec<SourceRows>, FileProblem> {
    let find = move |rows: &[Vec<String>]| schema::find_header(rows, expected);
    if WorkbookFormat::of(path).is_some() {
        return load_workbook(path, expected, opts, &find, skipped);
    }
    // `-`: standard input, held in memory so that the encoding can be
    // decided over all of it as for a file.
    let piped = match is_stdin(path) {
        true => Some(read_stdin()?),
        false => None,
    };
    let mut forced = opts.encoding;
    loop {
        let text_opts = TextOptions {
            forced,
            block_bytes: opts.block_bytes,
            find_header: &find,
        };
        let mut source = match &piped {
            Some(bytes) => TextSource::from_bytes(&stdin_name(), bytes.clone(), &text_opts)?,
            None => TextSource::open(path, &text_opts)?,
        };
        let kind = match (source.kind(), expected) {
            (Some(found), Some(given)) if found != given => {
                return Err(FileProblem::Refused(Message::WrongKind {
                    found: messages::kind_name(found.name()),
                    given: messages::kind_name(given.name()),
                }));
            }
            (_, Some(given)) => given,
            (Some(found), None) => found,
            (None, None) => {
                skipped.push(Message::SkippedFile {
                    file: shown(path),
                    why: Message::NoHeaderOfEitherKind.to_string(),
                });
                return Ok(Vec::new());
            }
        };
        if !opts.kinds.contains(&kind) {
            return Ok(Vec::new());
        }
        match read_source(&mut source, kind, opts) {
            // The first block's guess was wrong: decide over the whole file.
            Err(FileProblem::Read(ReadError::EncodingChanged)) => {
                forced = Some(match &piped {
                    Some(bytes) => encoding::detect(bytes),
                    None => encoding::detect_file(path).map_err(ReadError::from)?,
                });
            }
            result => return Ok(vec![result?]),
        }
    }
}

fn load_workbook(
    path: &Path,
    expected: Option<LogKind>,
    opts: &LoadOptions,
    find: reader::FindHeader,
    skipped: &mut Vec<Message>,
) -> Result<Vec<SourceRows>, FileProblem> {
    let book = workbook::open(path, opts.sheets, find)?;
    let sheet_name = |name: &str| format!("{}[{name}]", path.display());
    for name in &book.without_header {
        skipped.push(Message::SkippedSheet {
            sheet: sheet_name(name),
            why: Message::NoHeaderOfEitherKind.to_string(),
        });
    }
    let mut read = Vec::new();
    let mut other_kind = 0;
    for (name, mut sheet) in book.sheets {
        let Some(kind) = sheet.kind() else { continue };
        if expected.is_none() && !opts.kinds.contains(&kind) {
            other_kind += 1;
            continue;
        }
        if let Some(given) = expected
            && given != kind
        {
            other_kind += 1;
            skipped.push(Message::SkippedSheet {
                sheet: sheet_name(&name),
                why: Message::HeaderOfOtherKind {
                    found: messages::kind_name(kind.name()),
                    given: messages::kind_name(given.name()),
                }
                .to_string(),
            });
            continue;
        }
        read.push(read_source(&mut sheet, kind, opts)?);
    }
    if read.is_empty() && other_kind == 0 {
        let kind = expected.map_or_else(
            || messages::pick("热线或调解", "hotline or mediation").to_string(),
            |k| messages::kind_name(k.name()),
        );
        let no_sheet = Message::NoSheetWithHeader {
            kind,
            sheets: book.sheet_names.join("、"),
        };
        if expected.is_some() {
            return Err(FileProblem::Refused(no_sheet));
        }
        skipped.push(Message::SkippedFile {
            file: path.display().to_string(),
            why: no_sheet.to_string(),
        });
    }
    Ok(read)
}

/// Reads and checks every block of one source.
fn read_source(
    source: &mut dyn Source,
    kind: LogKind,
    opts: &LoadOptions,
) -> Result<SourceRows, FileProblem> {
    let name = source.name().to_string();
    let format = source.format();
    let header = schema::match_header(kind, source.header()).map_err(|e| match format {
        SourceFormat::Text { .. } => e.read_as(format.encoding_name().to_string()),
        SourceFormat::Workbook(_) => e,
    })?;
    let mut read = 0;
    let mut accepted: Option<DataFrame> = None;
    let mut rejects: Vec<Reject> = Vec::new();
    while let Some(raw) = source.next_block()? {
        read += raw.records_read();
        if let Some(progress) = opts.progress {
            progress(&name, read);
        }
        let checked = validate::check_rows(&raw, kind, &header, opts.regions)?;
        let mut block_rejects: Vec<Reject> = raw
            .structural_rejects
            .iter()
            .map(|s| structural_reject(&name, kind, &raw, s))
            .collect();
        block_rejects.extend(checked.rejects.into_iter().map(|r| Reject {
            path: name.clone(),
            kind,
            line: r.line,
            column: r.column,
            column_name: r.column_name,
            reason: r.reason,
            problem: r.problem,
            raw: r.raw,
        }));
        block_rejects.sort_by_key(|r| r.line);
        rejects.extend(block_rejects);
        source.done_with(raw);
        match &mut accepted {
            Some(all) => {
                all.vstack_mut(&checked.accepted)?;
            }
            None => accepted = Some(checked.accepted),
        }
    }
    let accepted = accepted.ok_or(FileProblem::Read(ReadError::Empty))?;
    let account = FileAccount {
        path: name,
        kind,
        encoding: source.format(),
        read,
        accepted: accepted.height(),
        duplicates: 0,
        superseded: 0,
        rejected: rejects.len(),
    };
    let sorted_ids = merge::sorted_id_hashes(kind, &accepted)?;
    Ok(SourceRows {
        kind,
        account,
        accepted,
        sorted_ids,
        rejects,
    })
}

fn structural_reject(
    path: &str,
    kind: LogKind,
    raw: &reader::RawTable,
    s: &reader::StructuralReject,
) -> Reject {
    let column = s.problem.column();
    let column_name = column.and_then(|c| raw.header.get(c - 1).cloned());
    let named = || {
        let written = column_name.clone().unwrap_or_default();
        let canonical = column
            .and_then(|c| {
                let map = schema::match_header(kind, &raw.header).ok()?;
                let spec = map.spec_cells.iter().position(|&i| i == Some(c - 1))?;
                Some(kind.columns()[spec].name)
            })
            .unwrap_or("");
        messages::column_label(written.trim(), canonical)
    };
    let reason = match &s.problem {
        StructuralProblem::TotalRow => Message::TotalRow,
        StructuralProblem::Ragged {
            cells,
            header_cells,
        } => Message::Ragged {
            cells: *cells,
            header_cells: *header_cells,
        },
        StructuralProblem::UnclosedQuote => Message::UnclosedQuote,
        StructuralProblem::StrayQuote => Message::StrayQuote,
        StructuralProblem::Undecodable { column } => Message::Undecodable {
            column: *column,
            encoding: raw.format.encoding_name().to_string(),
        },
        StructuralProblem::ErrorCell { value, .. } => Message::ErrorCell {
            column: named(),
            value: value.clone(),
        },
        StructuralProblem::LongNumberCell { value, .. } => Message::LongNumberCell {
            column: named(),
            value: value.clone(),
        },
        StructuralProblem::PhantomDate { .. } => Message::PhantomDate { column: named() },
    };
    Reject {
        path: path.to_string(),
        kind,
        line: s.line,
        column,
        column_name: column_name.map(|c| c.trim().to_string()),
        reason: parse::mask_phones_in(&reason.to_string()),
        problem: s.problem.problem(),
        raw: s.raw.clone(),
    }
}

/// A typed, empty frame of a kind, for when no file of it was given.
fn empty_logs(kind: LogKind, regions: &RegionTable) -> PolarsResult<DataFrame> {
    let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    let text = format!("{}\n", header.join(","));
    let find = move |rows: &[Vec<String>]| schema::find_header(rows, Some(kind));
    let opts = TextOptions {
        forced: None,
        block_bytes: usize::MAX,
        find_header: &find,
    };
    let to_polars = |e: &dyn std::fmt::Display| polars_err!(ComputeError: "{e}");
    let mut source =
        TextSource::from_bytes("(none)", text.into_bytes(), &opts).map_err(|e| to_polars(&e))?;
    let header = schema::match_header(kind, source.header()).map_err(|e| to_polars(&e))?;
    let raw = source
        .next_block()
        .map_err(|e| to_polars(&e))?
        .ok_or_else(|| polars_err!(ComputeError: "no block"))?;
    let checked = validate::check_rows(&raw, kind, &header, regions)?;
    checked
        .accepted
        .lazy()
        .with_column(lit(0u32).cast(DataType::UInt32).alias(FILE))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_sample(block_bytes: usize) -> Logs {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
        let regions = RegionTable::hubei();
        let opts = LoadOptions {
            encoding: None,
            regions: &regions,
            block_bytes,
            sheets: &[],
            kinds: &[LogKind::Hotline, LogKind::Mediation],
            cache: None,
            progress: None,
        };
        let inputs = Inputs {
            by_header: Inputs::from_dir(&dir).unwrap(),
            ..Inputs::default()
        };
        load(&inputs, &opts).unwrap()
    }

    #[test]
    fn small_blocks_give_the_same_accounting_rejects_and_rows() {
        let whole = load_sample(usize::MAX);
        let blocks = load_sample(4096);
        let summary = |l: &Logs| -> Vec<String> {
            l.files
                .iter()
                .map(|f| format!("{f:?}"))
                .chain(
                    l.rejects
                        .iter()
                        .map(|r| format!("{}:{}:{:?} {}", r.path, r.line, r.column, r.reason)),
                )
                .collect()
        };
        assert_eq!(summary(&blocks), summary(&whole));
        assert!(blocks.mediation.equals_missing(&whole.mediation));
        assert!(blocks.hotline.equals_missing(&whole.hotline));
    }

    #[test]
    fn overlapping_sample_exports_merge_as_the_sample_documents() {
        // The accounting README.md shows for the sample: the second
        // half-year exports repeat June and July, and the register of
        // 襄阳市 repeats cases of the second export.
        let logs = load_sample(csv_reader::BLOCK_BYTES);
        let counts = |name: &str| {
            let f = logs.files.iter().find(|f| f.path.ends_with(name)).unwrap();
            (f.read, f.accepted, f.duplicates, f.superseded, f.rejected)
        };
        // (read, accepted, duplicates, superseded, rejected)
        for (name, expected) in [
            ("hotline_2023-01_2023-07.csv", (5628, 5521, 0, 104, 3)),
            ("hotline_2023-06_2023-12.csv", (5832, 4295, 1527, 0, 10)),
            ("mediation_2023-01_2023-07.csv", (1429, 1267, 0, 159, 3)),
            ("mediation_2023-06_2023-12.csv", (1490, 1216, 265, 0, 9)),
            ("下半年.xlsx[7月]", (20, 0, 19, 0, 1)),
        ] {
            assert_eq!(counts(name), expected, "{name}");
        }
    }

    #[test]
    fn overlapping_exports_merge_by_the_spec_rule_on_a_small_fixture() {
        let header = "case_id,channel,prefecture,county,source,hotline_ticket_id,dispute_type,mediator_org,received_on,closed_on,outcome,workers_involved,amount_yuan,settled_yuan";
        let case = |id: &str, dispute: &str, closed: &str, outcome: &str| {
            format!(
                "{id},法院+工会,黄冈市,浠水县,法院委派,,{dispute},浠水县调解室,2023-01-02,{closed},{outcome},1,5662,"
            )
        };
        let first = [
            case("A-1", "劳动报酬", "2023-02-01", "调解不成功"),
            case("A-2", "劳动报酬", "2023-02-01", "调解不成功"),
            case("A-3", "劳动报酬", "", "进行中"),
            case("A-4", "劳动报酬", "2023-02-01", "调解不成功"),
        ];
        let second = [
            // The same values: a duplicate; the first file's row stays.
            case("A-1", "劳动报酬", "2023-02-01", "调解不成功"),
            // Other values, both closed: the later row wins.
            case("A-2", "欠薪", "2023-02-01", "调解不成功"),
            // Closed beats open whichever file comes first.
            case("A-3", "劳动报酬", "2023-03-01", "调解不成功"),
            case("B-1", "劳动报酬", "2023-02-01", "调解不成功"),
        ];
        let third = [case("A-4", "欠薪", "", "进行中")];
        let work = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (i, rows) in [&first[..], &second[..], &third[..]]
            .into_iter()
            .enumerate()
        {
            let path = work.path().join(format!("m{i}.csv"));
            std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
            paths.push(path);
        }
        let regions = RegionTable::hubei();
        let opts = LoadOptions {
            encoding: None,
            regions: &regions,
            block_bytes: csv_reader::BLOCK_BYTES,
            sheets: &[],
            kinds: &[LogKind::Mediation],
            cache: None,
            progress: None,
        };
        let load_files = |paths: &[PathBuf]| {
            let inputs = Inputs {
                mediation: paths.to_vec(),
                ..Inputs::default()
            };
            load(&inputs, &opts).unwrap()
        };
        let logs = load_files(&paths);
        // (accepted, duplicates, superseded) per file.
        let counts: Vec<_> = logs
            .files
            .iter()
            .map(|f| (f.accepted, f.duplicates, f.superseded))
            .collect();
        // the third file's open row loses to the first's closed one.
        assert_eq!(counts, [(2, 0, 2), (3, 1, 0), (0, 0, 1)]);
        let mut ids: Vec<String> = logs
            .mediation
            .column("case_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .map(str::to_string)
            .collect();
        ids.sort();
        assert_eq!(ids, ["A-1", "A-2", "A-3", "A-4", "B-1"]);
        // A file alone, every id once: kept whole, no bookkeeping column left.
        let alone = load_files(&paths[..1]);
        assert_eq!(alone.mediation.height(), 4);
        assert_eq!(logs.mediation.width(), alone.mediation.width());
    }

    /// A small seeded generator (splitmix64), so every run damages the
    /// files the same way.
    struct Damage(u64);

    impl Damage {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        /// Bit flips, cut lines, stray quotes, stray line breaks.
        fn apply(&mut self, bytes: &mut Vec<u8>) {
            for _ in 0..1 + self.below(4) {
                let at = self.below(bytes.len());
                match self.below(5) {
                    0 => bytes[at] ^= 1 << self.below(8),
                    1 => {
                        let end = (at + self.below(400)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                    2 => bytes.insert(at, b'"'),
                    3 => bytes.insert(at, if self.below(2) == 0 { b'\r' } else { b'\n' }),
                    _ => bytes.splice(at..at, b", \"".iter().copied()).for_each(drop),
                }
                if bytes.is_empty() {
                    bytes.push(b'\n');
                }
            }
        }
    }

    #[test]
    fn randomly_damaged_exports_stay_usable_and_add_up() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
        let regions = RegionTable::hubei();
        let originals: Vec<(LogKind, Vec<u8>)> = vec![
            (
                LogKind::Mediation,
                std::fs::read(dir.join("mediation_2023-01_2023-07.csv")).unwrap(),
            ),
            (
                LogKind::Mediation,
                std::fs::read(dir.join("mediation_2023-06_2023-12.csv")).unwrap(),
            ),
        ];
        let work = tempfile::tempdir().unwrap();
        let mut damage = Damage(2026);
        for round in 0..300 {
            let (kind, original) = &originals[round % originals.len()];
            let header_end = original.iter().position(|&b| b == b'\n').unwrap();
            let mut bytes = original.clone();
            damage.apply(&mut bytes);
            let header_intact =
                bytes.len() > header_end && bytes[..=header_end] == original[..=header_end];
            let path = work.path().join(format!("m{round}.csv"));
            std::fs::write(&path, &bytes).unwrap();
            let inputs = Inputs {
                mediation: vec![path.clone()],
                ..Inputs::default()
            };
            let opts = LoadOptions {
                encoding: None,
                regions: &regions,
                block_bytes: 64 << 10,
                sheets: &[],
                kinds: &[LogKind::Hotline, LogKind::Mediation],
                cache: None,
                progress: None,
            };
            assert_eq!(*kind, LogKind::Mediation);
            match load(&inputs, &opts) {
                Ok(logs) => {
                    for f in &logs.files {
                        assert_eq!(
                            f.read,
                            f.accepted + f.duplicates + f.superseded + f.rejected,
                            "round {round}: {f:?}"
                        );
                        assert_eq!(f.rejected, logs.rejects.len(), "round {round}");
                    }
                    assert_eq!(
                        logs.mediation.height(),
                        logs.files.iter().map(|f| f.accepted).sum::<usize>()
                    );
                }
                Err(e) => assert!(
                    !header_intact,
                    "round {round}: the whole file was lost: {e}"
                ),
            }
        }
    }
}
