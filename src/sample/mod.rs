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
pub fn write_exports(
    opts: &SampleOptions,
    regions: &RegionTable,
    dir: &Path,
) -> io::Result<Vec<PathBuf>> {
    let (from, to) = generate::check_options(opts)?;
    let geo = generate::Geo::new(regions)?;
    let mut generator = generate::Generator::new(opts, &geo)?;
    std::fs::create_dir_all(dir)?;
    let split = generate::ExportSplit::new(from, to);
    let mut sink = export::ExportSink::new(opts.seed, &geo, split, dir)?;
    generator.run(&mut sink)?;
    sink.finish()
}
