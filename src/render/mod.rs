//! Rendering computed tables: one file per output format, all over the same
//! [`Table`]. Nothing here computes a figure.

pub mod csv;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use crate::Lang;
use std::borrow::Cow;

use crate::tables::{Column, ColumnKind, Table, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for reading in the terminal (rounded figures).
    Table,
    /// Comma-separated values, full precision.
    Csv,
    /// An array of objects, one per row, full precision.
    Json,
    /// A Markdown table for pasting into documents.
    Markdown,
    /// An Excel workbook (needs --output FILE.xlsx).
    Xlsx,
}

pub struct RenderOptions {
    pub lang: Lang,
    pub colour: bool,
    /// The terminal's width in columns: terminal tables leave out their
    /// least important columns to fit, and notes wrap. None: no limit.
    pub width: Option<usize>,
}

/// A table as text; xlsx is binary, see [`xlsx::workbook`] (here it falls
/// back to the terminal table).
pub fn render(table: &Table, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Table | Format::Xlsx => terminal::render(table, opts),
        Format::Csv => csv::render(table),
        Format::Json => json::render(table),
        Format::Markdown => markdown::render(table, opts),
    }
}

/// Writes `contents` to `path` atomically: a temporary file beside it, then
/// a rename, so a reader never sees half a file. Readable by all (0644).
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with_mode(path, contents, 0o644, true)
}

/// As [`write_atomic`], readable by the owner only (0600): for files that
/// keep personal data, such as the rejects file.
pub fn write_atomic_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with_mode(path, contents, 0o600, true)
}

/// As [`write_atomic_private`], not synced to disk: for files whose loss in
/// a crash costs only time (the checked cache: a lost entry is a miss).
pub fn write_atomic_private_unsynced(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with_mode(path, contents, 0o600, false)
}

fn write_atomic_with_mode(
    path: &Path,
    contents: &[u8],
    mode: u32,
    sync: bool,
) -> std::io::Result<()> {
    // A device, a FIFO or a link to one (/dev/stdout, /dev/full) is written
    // to as a stream, never replaced by a file; its write errors (a full
    // disk) are reported.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        if meta.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a folder",
            ));
        }
        let mut stream = std::fs::OpenOptions::new().write(true).open(path)?;
        stream.write_all(contents)?;
        return stream.flush();
    }
    // A link to a regular file: the file it points to is replaced.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    if sync {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Text as it may leave the tool in any output: phone numbers masked
/// (`138****1234`), in whatever form they were typed. Every renderer passes
/// titles, notes and text cells through it; only a column that
/// [`Column::shows_phones`] keeps its cells as they are.
pub fn masked(text: &str) -> Cow<'_, str> {
    crate::ingest::parse::mask_phones_of(text)
}

/// A cell's text for output: masked unless its column shows phones.
pub fn cell_text<'a>(text: &'a str, column: &Column) -> Cow<'a, str> {
    if column.shows_phones {
        Cow::Borrowed(text)
    } else {
        masked(text)
    }
}

/// Text for a terminal (and pages): masked, and control characters shown
/// escaped (`\u{1b}`), so no cell can move the cursor, recolour the table
/// or retitle the window.
pub fn for_terminal(text: &str) -> String {
    escape_controls(&masked(text))
}

/// Control characters (but line breaks) shown escaped: `\u{1b}`.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A number in CSV and JSON: the shortest text that reads back as the
/// same number, in exponent form when very small or large (`5.9e-58`).
pub fn shortest_number(f: f64) -> String {
    if f != 0.0 && f.is_finite() && (f.abs() < 1e-5 || f.abs() >= 1e16) {
        format!("{f:e}")
    } else {
        f.to_string()
    }
}

/// A text cell that came from the data is neutralised when Excel would
/// read it as a formula; the tool's own labels (verdicts such as
/// `＝ 无显著差异`, problem names) never are.
pub fn from_data(value: &Value, column: &Column) -> bool {
    matches!(value, Value::Text { display: None, .. }) && column.kind != ColumnKind::Verdict
}

/// A text cell that Excel would read as a formula gets a leading `'`
/// (OWASP CSV injection); numbers are never touched.
pub fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    const TRIGGERS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];
    if text.starts_with(TRIGGERS) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised() {
        for s in [
            "=1+1", "+86", "-x", "@SUM(A1)", "\tx", "＝1", "＋1", "－1", "＠a",
        ] {
            assert!(neutralise_formula(s).starts_with('\''), "{s}");
        }
        assert_eq!(neutralise_formula("武汉市"), "武汉市");
    }

    #[cfg(unix)]
    #[test]
    fn writing_to_a_device_streams_into_it_and_reports_a_full_disk() {
        // /dev/full takes no byte: the error must surface, and the device
        // must stay a device.
        let err = write_atomic(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28), "{err}");
        assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_file_keeps_the_link_and_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&file, "old").unwrap();
        std::os::unix::fs::symlink(&file, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }

    #[test]
    fn atomic_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
