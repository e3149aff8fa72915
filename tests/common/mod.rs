//! Helpers for driving the real binary in a temporary folder.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A temporary working folder with input files in it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a UTF-8 file.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        self.write_bytes(name, text.as_bytes())
    }

    /// Writes a file as GBK, as Excel on a Chinese Windows saves CSV.
    pub fn write_gbk(&self, name: &str, text: &str) -> PathBuf {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable, "fixture text must be GBK-encodable");
        self.write_bytes(name, &bytes)
    }

    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Runs `disputes ARGS` in this folder, without colour.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_disputes"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            // The checked cache of the tests, not the user's.
            .env(
                "DISPUTES_CACHE_DIR",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
            )
            .output()
            .expect("run disputes");
        Run::from(out)
    }
}

/// Parses a table's CSV into header and its group rows: a province-total
/// row (marked `total` in the last column, `row`) and that column are left
/// out, so tests compare the rows of groups. [`parse_csv_all`] keeps them.
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let (mut header, mut rows) = parse_csv_all(text);
    if header.last().is_some_and(|h| h == "row") {
        header.pop();
        rows.retain(|r| r.last().is_some_and(|m| m != "total"));
        for r in &mut rows {
            r.pop();
        }
    }
    (header, rows)
}

/// Parses CSV text (no BOM) into header and rows, with a minimal reader.
pub fn parse_csv_all(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = text.trim_start_matches('\u{feff}');
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => in_quotes = !in_quotes,
            (',', false) => record.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    let header = records.remove(0);
    (header, records)
}

/// The value of `column` in `row` of parsed CSV.
pub fn field<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &row[i]
}

pub const MEDIATION_HEADER: &str = "case_id,channel,prefecture,county,source,hotline_ticket_id,dispute_type,mediator_org,received_on,closed_on,outcome,workers_involved,amount_yuan,settled_yuan";

pub const HOTLINE_HEADER: &str = "ticket_id,received_at,prefecture,county,category,handling,status,closed_at,satisfaction,caller_phone,workers_involved";

/// A mediation file: the header, then the given rows.
pub fn mediation_csv(rows: &[&str]) -> String {
    let mut s = format!("{MEDIATION_HEADER}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

pub fn hotline_csv(rows: &[&str]) -> String {
    let mut s = format!("{HOTLINE_HEADER}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

/// The text of one file inside an xlsx (a zip archive).
pub fn xlsx_part(path: &std::path::Path, part: &str) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap_or_else(|_| panic!("{part} in {}", path.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}
