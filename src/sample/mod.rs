//! Synthetic 12351 hotline and mediation logs for `disputes sample`.
//!
//! Everything is drawn from one seeded PRNG written out in this module
//! (xoshiro256**), so a seed gives the same bytes on every machine and
//! every version that keeps these files unchanged. Rows are streamed day by
//! day: memory stays bounded at any `--scale`.
//!
//! The sample tells a story the first screen can show: Wuhan has about 30%
//! of the cases; 武汉 and 宜昌 succeed clearly above 50%, 荆州 and 黄冈 clearly
//! below, most others are not distinguishable from 50%, and 神农架 has too
//! few cases to judge. About 9.7% of calls are referred to mediation (转调解)
//! and three quarters of those reappear as 12351转入 cases.

mod calendar;
mod clean;
mod export;
mod generate;
mod profile;
mod register;
mod rng;
#[cfg(test)]
mod tests;

use std::io;
use std::path::{Path, PathBuf};

use crate::regions::RegionTable;

/// What to generate.
#[derive(Clone, Debug)]
pub struct SampleOptions {
    /// The same seed always gives the same bytes.
    pub seed: u64,
    /// First month (year, month), inclusive.
    pub from: (i32, u32),
    /// Last month (year, month), inclusive.
    pub to: (i32, u32),
    /// Volume multiplier: 1.0 ≈ 10,000 hotline tickets and 2,500 mediation
    /// cases a year.
    pub scale: f64,
}

/// Data rows written (headers not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SampleCounts {
    pub hotline_rows: u64,
    pub mediation_rows: u64,
}

/// Clean logs: canonical English headers, UTF-8 without BOM, ISO dates
/// (yyyy-mm-dd) and datetimes (yyyy-mm-dd HH:MM:SS), regions as official
/// full names, `\n` line endings, every row valid.
///
/// Errors: `InvalidInput` for a bad range or scale, else the writers' errors.
pub fn write_clean(
    opts: &SampleOptions,
    regions: &RegionTable,
    hotline: &mut dyn io::Write,
    mediation: &mut dyn io::Write,
) -> io::Result<SampleCounts> {
    let geo = generate::Geo::new(regions)?;
    let mut generator = generate::Generator::new(opts, &geo)?;
    let mut sink = clean::CleanSink::new(hotline, mediation);
    generator.run(&mut sink)?;
    let counts = SampleCounts {
        hotline_rows: sink.hotline_rows,
        mediation_rows: sink.mediation_rows,
    };
    sink.finish()?;
    Ok(counts)
}

/// The messy "real export" layout of the committed `sample_data/`: writes
/// into `dir` (created if missing) four files, returned in reading order
/// (also their sorted order):
///
/// - `hotline_<A>.csv`, `mediation_<A>.csv`: rows received in the first
///   half of the range plus one month (for a year: Jan..Jul, e.g.
///   `hotline_2023-01_2023-07.csv`); UTF-8 (mediation with a BOM), English
///   canonical headers, ISO dates, `\n`.
/// - `hotline_<B>.csv`, `mediation_<B>.csv`: from the last month of the
///   first half (for a year: Jun..Dec, `hotline_2023-06_2023-12.csv`); GBK,
///   Chinese headers in another column order, messy spellings, `\r\n`.
///
/// The overlap months appear in both: mostly the same rows (duplicates),
/// rows still open when A was exported (end of its last month) closed in B
/// (A's copy superseded), and a few values that B corrects. Each file also
/// has a few rows that break one rule each (see the module's tests and
/// `export.rs` for the list). Files are written under a temporary name and
/// renamed when complete.
///
/// With `workbook`, also a register of one prefecture (襄阳市), as its
/// union office keeps it: file B's cases received in the second half of
/// the range ([`register`]), `襄阳市调解案件台账_<span>.xlsx`. Its rows are
/// file B's, so they merge as duplicates and change no figure.
pub fn write_exports(
    opts: &SampleOptions,
    regions: &RegionTable,
    dir: &Path,
    workbook: bool,
) -> io::Result<Vec<PathBuf>> {
    let (from, to) = generate::check_options(opts)?;
    let geo = generate::Geo::new(regions)?;
    let mut generator = generate::Generator::new(opts, &geo)?;
    std::fs::create_dir_all(dir)?;
    let split = generate::ExportSplit::new(from, to);
    let mut sink = export::ExportSink::new(opts.seed, &geo, split, dir)?;
    let second_half = from + (to - from + 1) / 2;
    let register_prefecture = geo.prefecture_index(REGISTER_PREFECTURE);
    if workbook && let Some(p) = register_prefecture {
        sink.capture_register(p, second_half);
    }
    generator.run(&mut sink)?;
    let register = sink.take_register();
    let mut files = sink.finish()?;
    if let Some(register) = register {
        let name = geo.prefecture(register.prefecture).name.clone();
        let span = month_span(second_half, to);
        let path = dir.join(format!("{name}调解案件台账_{span}.xlsx"));
        register::write(
            &path,
            "劳动争议调解案件台账",
            &format!("{name}总工会"),
            &register.lines,
        )?;
        files.push(path);
    }
    Ok(files)
}

/// The prefecture whose register `--exports --workbook` writes.
const REGISTER_PREFECTURE: u32 = 420600;

/// "2023下半年" for the second half of a year, else "2023-07_2023-12".
fn month_span(from: i32, to: i32) -> String {
    let (y0, m0) = (from.div_euclid(12), from.rem_euclid(12) + 1);
    let (y1, m1) = (to.div_euclid(12), to.rem_euclid(12) + 1);
    match (y0 == y1, m0, m1) {
        (true, 7, 12) => format!("{y0}下半年"),
        (true, 1, 6) => format!("{y0}上半年"),
        _ => format!("{y0:04}-{m0:02}_{y1:04}-{m1:02}"),
    }
}

/// Clean logs with the mediation cases as an Excel register
/// (`调解案件台账.xlsx`: one sheet a month, title rows, 序号, 合计 rows)
/// instead of `mediation.csv`: the same cases, so every figure is the same.
/// Returns the files written.
pub fn write_clean_register(
    opts: &SampleOptions,
    regions: &RegionTable,
    dir: &Path,
) -> io::Result<Vec<PathBuf>> {
    let hotline_path = dir.join("hotline.csv");
    let mut hotline = io::BufWriter::new(std::fs::File::create(&hotline_path)?);
    let mut mediation: Vec<u8> = Vec::new();
    write_clean(opts, regions, &mut hotline, &mut mediation)?;
    io::Write::flush(&mut hotline)?;
    let text = String::from_utf8_lossy(&mediation);
    let mut months: std::collections::BTreeMap<(i32, u32), Vec<String>> = Default::default();
    for line in text.lines().skip(1) {
        let received = crate::csv_line::split(line, b',')
            .get(8)
            .cloned()
            .unwrap_or_default();
        let (Some(y), Some(m)) = (
            received.get(0..4).and_then(|y| y.parse().ok()),
            received.get(5..7).and_then(|m| m.parse().ok()),
        ) else {
            continue;
        };
        months.entry((y, m)).or_default().push(line.to_string());
    }
    let path = dir.join("调解案件台账.xlsx");
    register::write(
        &path,
        "劳动争议调解案件台账",
        "湖北省总工会（样例）",
        &months,
    )?;
    Ok(vec![hotline_path, path])
}
