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
use crate::tables::{ColumnKind, Table, Value};

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
    write_atomic_with_mode(path, contents, 0o644)
}

/// As [`write_atomic`], readable by the owner only (0600): for files that
/// keep personal data, such as the rejects file.
pub fn write_atomic_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with_mode(path, contents, 0o600)
}

fn write_atomic_with_mode(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path
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
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
