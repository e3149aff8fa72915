//! The whole command-line interface. Each flag is documented once, here;
//! `--help` is generated from it.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::Lang;
use crate::analysis::groups::Dimension;
use crate::ingest::encoding::Encoding;
use crate::render::Format;

const EXIT_CODES: &str = "\
Exit codes:
  0  done (validate: no row rejected)
  1  validate: some rows were rejected (see the list, or --rejects FILE)
  2  a file cannot be used (unreadable, no header, a required column missing),
     a bad option, or an output cannot be written; nothing is written";

#[derive(Debug, Parser)]
#[command(
    name = "disputes",
    version,
    about = "Check and analyse Hubei's labour-dispute mediation and 12351 hotline logs",
    long_about = "Check and analyse Hubei's labour-dispute mediation logs (法院+工会 诉调对接, \
                  人社+工会 裁调对接) and 12351 worker-hotline logs: row checks with file/line \
                  accounting, success rates per region against the 50% baseline.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every row of the logs: row accounting per file and every rejected row
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Mediation success rates per region (or other groups) against the baseline
    #[command(after_help = EXIT_CODES)]
    Rates(RatesArgs),
    /// How the 12351 hotline served callers, per region (or other groups)
    #[command(after_help = EXIT_CODES)]
    Hotline(HotlineArgs),
    /// The hotline → mediation referral funnel (转调解 → case → closed → success)
    #[command(after_help = EXIT_CODES)]
    Funnel(FunnelArgs),
    /// Write realistic synthetic logs of both kinds
    Sample(SampleArgs),
}

/// Where the logs come from.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Folder of exports: reads hotline*.csv and mediation*.csv, each sorted by
    /// name. Default: sample_data/ (when no --hotline/--mediation is given)
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Hotline log file(s), read in the order given
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub hotline: Vec<PathBuf>,
    /// Mediation log file(s), read in the order given
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub mediation: Vec<PathBuf>,
    /// Region table replacing the built-in Hubei one
    /// (columns code,name,level,parent_code[,parent_name][,short_name][,aliases])
    #[arg(long, value_name = "FILE")]
    pub regions: Option<PathBuf>,
    /// Encoding of the input files; detected per file when not given
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
}

/// The period a table covers; whole days, both ends inclusive.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("period").multiple(false).args(["month", "quarter", "half", "year", "from"])))]
#[command(group(ArgGroup::new("period_to").multiple(false).args(["month", "quarter", "half", "year", "to"])))]
pub struct PeriodArgs {
    /// One month, e.g. 2023-06
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// One quarter, e.g. 2023Q2
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: Option<String>,
    /// One half-year, e.g. 2023H1 (Hubei circulates region results half-yearly)
    #[arg(long, value_name = "YYYYHn")]
    pub half: Option<String>,
    /// One calendar year, e.g. 2023
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,
    /// First day of a date range (inclusive)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of a date range (inclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

/// How a table is written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: a table for reading, or csv/json/markdown with full precision
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to FILE (atomically) instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of labels in tables (exports keep machine column names)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write every rejected row as it was, with file, line, column and reason, to FILE (CSV)
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// table (for reading) or json ({"files": [...], "rejects": [...]})
    #[arg(long, value_enum, default_value = "table")]
    pub format: ValidateFormat,
    /// Language of labels
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RateSort {
    /// Official region-code order (then the other keys in their order)
    Code,
    /// Highest success rate first
    Rate,
}

#[derive(Debug, Clone, Args)]
pub struct RatesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Group by one or more of: prefecture, county, channel, source,
    /// dispute_type, month (comma-separated, e.g. prefecture,channel)
    #[arg(long, value_enum, value_delimiter = ',', default_value = "prefecture")]
    pub by: Vec<Dimension>,
    /// Target success rate the regions are judged against (0.5, or 50%)
    #[arg(long, default_value = "0.5", value_parser = parse_fraction)]
    pub baseline: f64,
    /// Significance level for the Benjamini–Hochberg-adjusted p-value
    #[arg(long, default_value = "0.05", value_parser = parse_fraction)]
    pub alpha: f64,
    /// Rows with fewer decided cases are judged "too few" and left out of the adjustment
    #[arg(long, default_value = "10", value_name = "N")]
    pub min_cases: u64,
    /// Count withdrawn cases as failures (in the denominator)
    #[arg(long)]
    pub withdrawn_as_failure: bool,
    /// Row order
    #[arg(long, value_enum, default_value = "code")]
    pub sort: RateSort,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct HotlineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Period by received_at (whole days, inclusive)
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Group by one or more of: prefecture, county, category, handling, month
    /// (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',', default_value = "prefecture")]
    pub by: Vec<Dimension>,
    /// A ticket closed within this many days (24-hour periods of elapsed
    /// time) counts as on time
    #[arg(long, default_value = "7", value_name = "DAYS")]
    pub sla_days: f64,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FunnelBy {
    Prefecture,
    County,
}

#[derive(Debug, Clone, Args)]
pub struct FunnelArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Tickets received in this period (by received_at); default all data
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Region level of the ticket
    #[arg(long, value_enum, default_value = "prefecture")]
    pub by: FunnelBy,
    /// A referred ticket still without a case this many days after the call
    /// is listed as a finding
    #[arg(long, default_value = "30", value_name = "DAYS")]
    pub link_days: i64,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SampleArgs {
    /// Folder to write the logs into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed: the same seed gives byte-identical files
    #[arg(long, default_value = "42")]
    pub seed: u64,
    /// First month of data
    #[arg(long, value_name = "YYYY-MM", default_value = "2023-01")]
    pub from: String,
    /// Last month of data (inclusive)
    #[arg(long, value_name = "YYYY-MM", default_value = "2023-12")]
    pub to: String,
    /// Volume: 1 ≈ 2,500 mediation cases and 10,000 hotline tickets a year
    #[arg(long, default_value = "1.0")]
    pub scale: f64,
    /// Write messy overlapping half-year exports (one GBK with Chinese headers,
    /// a few bad rows) instead of clean hotline.csv and mediation.csv
    #[arg(long)]
    pub exports: bool,
    /// Write only this kind's clean file (for benchmarks)
    #[arg(long, value_enum, conflicts_with = "exports")]
    pub kind: Option<crate::ingest::schema::LogKind>,
}

/// A probability given as 0.5 or 50%.
pub fn parse_fraction(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("{s:?} is not a number such as 0.5 or 50%"))?;
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!(
            "{s:?} must lie strictly between 0 and 1 (or 0% and 100%)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fractions_accept_percentages() {
        assert_eq!(parse_fraction("0.5"), Ok(0.5));
        assert_eq!(parse_fraction("60%"), Ok(0.6));
        assert!(parse_fraction("1.5").is_err());
        assert!(parse_fraction("abc").is_err());
    }
}
