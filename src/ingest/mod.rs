//! Loading the logs: read → check → merge, shared by every command.
//!
//! - [`csv_reader`]: bytes → header + text cells with line numbers
//! - [`schema`]: the columns of each log kind and header matching
//! - [`parse`]: single values (dates, numbers, phones)
//! - [`validate`]: the row rules, as Polars expressions
//! - [`merge`]: overlapping exports merged by id
//! - [`problem`]: what can be wrong with a record, in both languages

pub mod csv_reader;
pub mod encoding;
pub mod merge;
pub mod parse;
pub mod problem;
pub mod schema;
pub mod validate;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::regions::RegionTable;
use csv_reader::{ReadError, StructuralProblem};
use encoding::Encoding;
use problem::Problem;
use schema::{HeaderError, LogKind};

pub use merge::FILE;
pub use validate::LINE;

/// The files to read, per kind, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub hotline: Vec<PathBuf>,
    pub mediation: Vec<PathBuf>,
}

impl Inputs {
    /// `hotline*.csv` and `mediation*.csv` in `dir`, each sorted by name.
    pub fn from_dir(dir: &Path) -> std::io::Result<Inputs> {
        let mut inputs = Inputs::default();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if !lower.ends_with(".csv") || !path.is_file() {
                continue;
            }
            if lower.starts_with("hotline") {
                inputs.hotline.push(path);
            } else if lower.starts_with("mediation") {
                inputs.mediation.push(path);
            }
        }
        inputs.hotline.sort();
        inputs.mediation.sort();
        Ok(inputs)
    }

    pub fn files(&self, kind: LogKind) -> &[PathBuf] {
        match kind {
            LogKind::Hotline => &self.hotline,
            LogKind::Mediation => &self.mediation,
        }
    }
}

/// Row accounting of one file: read = accepted + duplicates + superseded + rejected.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileAccount {
    pub path: String,
    pub kind: LogKind,
    pub encoding: Encoding,
    pub read: usize,
    pub accepted: usize,
    pub duplicates: usize,
    pub superseded: usize,
    pub rejected: usize,
}

/// A rejected row, located in its file.
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
}

/// Why a file cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("cannot check rows: {0}")]
    Polars(#[from] PolarsError),
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// One or more files cannot be used; nothing is computed.
    #[error("{}", .0.iter().map(|(p, e)| format!("{}: {e}", p.display())).collect::<Vec<_>>().join("\n"))]
    Files(Vec<(PathBuf, FileProblem)>),
    #[error("merging the {kind} files failed: {source}")]
    Merge {
        kind: &'static str,
        source: PolarsError,
    },
}

pub struct LoadOptions<'a> {
    pub encoding: Option<Encoding>,
    pub regions: &'a RegionTable,
    /// Bytes read and checked at once ([`csv_reader::BLOCK_BYTES`]).
    pub block_bytes: usize,
}

/// Reads, checks and merges every input file. A file that cannot be used
/// stops the load (after every file has been looked at, so all such
/// problems are reported at once).
pub fn load(inputs: &Inputs, opts: &LoadOptions) -> Result<Logs, LoadError> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut rejects = Vec::new();
    let mut frames: Vec<(LogKind, Vec<DataFrame>, usize)> = Vec::new();
    for kind in [LogKind::Hotline, LogKind::Mediation] {
        let first_account = files.len();
        let mut accepted = Vec::new();
        for path in inputs.files(kind) {
            match load_file(path, kind, opts) {
                Ok((account, frame, file_rejects)) => {
                    files.push(account);
                    accepted.push(frame);
                    rejects.extend(file_rejects);
                }
                Err(problem) => problems.push((path.clone(), problem)),
            }
        }
        frames.push((kind, accepted, first_account));
    }
    if !problems.is_empty() {
        return Err(LoadError::Files(problems));
    }

    let mut merged_frames = Vec::new();
    for (kind, accepted, first_account) in frames {
        let merge_error = |source| LoadError::Merge {
            kind: kind.name(),
            source,
        };
        let merged = if accepted.is_empty() {
            empty_logs(kind, opts.regions).map_err(merge_error)?
        } else {
            let merged = merge::merge_files(kind, accepted).map_err(merge_error)?;
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
    })
}

fn load_file(
    path: &Path,
    kind: LogKind,
    opts: &LoadOptions,
) -> Result<(FileAccount, DataFrame, Vec<Reject>), FileProblem> {
    let display = path.display().to_string();
    let mut header: Option<schema::HeaderMap> = None;
    let mut encoding = Encoding::Utf8;
    let mut read = 0;
    let mut accepted: Option<DataFrame> = None;
    let mut rejects: Vec<Reject> = Vec::new();
    let plain = plain_cells(kind);
    csv_reader::read_csv_blocks(path, opts.encoding, opts.block_bytes, &plain, |raw| {
        // The header is matched once, before any row is looked at.
        let header = match &header {
            Some(h) => h,
            None => header.insert(schema::match_header(kind, &raw.header)?),
        };
        encoding = raw.encoding;
        read += raw.records_read();
        let checked = validate::check_rows(&raw, kind, header, opts.regions)?;
        let mut block_rejects: Vec<Reject> = raw
            .structural_rejects
            .iter()
            .map(|s| structural_reject(&display, kind, &raw, s))
            .collect();
        block_rejects.extend(checked.rejects.into_iter().map(|r| Reject {
            path: display.clone(),
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
        match &mut accepted {
            Some(all) => {
                all.vstack_mut(&checked.accepted)?;
            }
            None => accepted = Some(checked.accepted),
        }
        Ok::<(), FileProblem>(())
    })?;
    let accepted = accepted.ok_or(FileProblem::Read(ReadError::Empty))?;
    let account = FileAccount {
        path: display,
        kind,
        encoding,
        read,
        accepted: accepted.height(),
        duplicates: 0,
        superseded: 0,
        rejected: rejects.len(),
    };
    Ok((account, accepted, rejects))
}

/// The reader's question, which columns stay plain text, answered from
/// the header (a header that does not match is reported when checked).
fn plain_cells(kind: LogKind) -> impl Fn(&[String]) -> Vec<bool> + Sync {
    move |header: &[String]| match schema::match_header(kind, header) {
        Ok(map) => map.plain_cells(kind, header.len()),
        Err(_) => csv_reader::all_plain(header),
    }
}

fn structural_reject(
    path: &str,
    kind: LogKind,
    raw: &csv_reader::RawTable,
    s: &csv_reader::StructuralReject,
) -> Reject {
    let column = match s.problem {
        StructuralProblem::Undecodable { column } => Some(column),
        _ => None,
    };
    Reject {
        path: path.to_string(),
        kind,
        line: s.line,
        column,
        column_name: column.and_then(|c| raw.header.get(c - 1).cloned()),
        reason: describe_structural(&s.problem, raw.encoding),
        problem: s.problem.problem(),
        raw: s.raw.clone(),
    }
}

fn describe_structural(problem: &StructuralProblem, encoding: Encoding) -> String {
    match problem {
        StructuralProblem::Ragged {
            cells,
            header_cells,
        } => format!(
            "the row has {cells} cells but the header has {header_cells}; a cell may hold an \
             unquoted comma, or cells are missing"
        ),
        StructuralProblem::UnclosedQuote => {
            "a quoted cell starts in this row and is never closed".to_string()
        }
        StructuralProblem::Undecodable { column } => format!(
            "column {column} holds bytes that are not valid {encoding}; save the file as UTF-8 \
             or GBK, or give --encoding"
        ),
    }
}

/// A typed, empty frame of a kind, for when no file of it was given.
fn empty_logs(kind: LogKind, regions: &RegionTable) -> PolarsResult<DataFrame> {
    let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    let text = format!("{}\n", header.join(","));
    let raw = csv_reader::read_csv_bytes(
        Path::new("(none)"),
        text.as_bytes(),
        None,
        &plain_cells(kind),
    )
    .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let header =
        schema::match_header(kind, &raw.header).map_err(|e| polars_err!(ComputeError: "{e}"))?;
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
        };
        load(&Inputs::from_dir(&dir).unwrap(), &opts).unwrap()
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
}
