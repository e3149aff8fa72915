//! The whole command-line interface. Each flag is documented once, here;
//! `--help` is generated from it.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

use disputes::Lang;
use disputes::analysis::filters::FilterValues;
use disputes::analysis::groups::Dimension;
use disputes::analysis::rates::Judgement;
use disputes::ingest::encoding::Encoding;
use disputes::ingest::schema::LogKind;
use disputes::period::PeriodChoice;
use disputes::render::Format;
use disputes::report::CountyScope;

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
    /// Leave out the row accounting lines (读入 = 采用 + …) and progress;
    /// warnings and errors still show
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Read and check every file again instead of taking its checked rows
    /// from the cache (see `disputes cache info`)
    #[arg(long, global = true)]
    pub no_cache: bool,
}

impl Cli {
    /// The language the command asked for (messages follow it).
    pub fn lang(&self) -> Lang {
        match &self.command {
            Command::Validate(a) => a.lang,
            Command::Rates(a) => a.output.lang,
            Command::Hotline(a) => a.output.lang,
            Command::Funnel(a) => a.output.lang,
            Command::Report(a) => a.lang,
            Command::Query(a) => a.output.lang,
            Command::Export(a) => a.lang,
            Command::Sample(_) | Command::Cache(_) | Command::Completions(_) | Command::Man(_) => {
                Lang::default()
            }
        }
    }
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
    /// Write the report folder: Word document, HTML page, Markdown, workbook, CSV tables, SVG charts
    #[command(after_help = EXIT_CODES)]
    Report(ReportArgs),
    /// SQL over the checked data (tables mediation, hotline, regions); without
    /// SQL, an interactive prompt
    #[command(after_help = QUERY_HELP)]
    Query(QueryArgs),
    /// Write the checked tables as Parquet files, with duckdb.sql to build a
    /// DuckDB database of them (for DuckDB, Python, R or a BI tool)
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Write realistic synthetic logs of both kinds
    Sample(SampleArgs),
    /// The checked cache: `info` says where it is and how big, `clear` empties it
    Cache(CacheArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `disputes man > disputes.1`; with
    /// --out DIR, write a page per subcommand too (disputes-rates.1, ...)
    Man(ManArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write disputes.1 and one page per subcommand into DIR
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    #[arg(value_enum)]
    pub action: CacheAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CacheAction {
    /// Where the cache is, how many files it holds and their size
    Info,
    /// Remove every cached file
    Clear,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `disputes completions bash > /etc/bash_completion.d/disputes`
    /// or, in PowerShell, `disputes completions powershell >> $PROFILE`
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where the logs come from.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Folder of exports: every .csv, .tsv, .txt and workbook (.xlsx, .xlsm,
    /// .xlsb, .xls, .ods) in it, any file name; each file's header says
    /// whether it is a hotline or a mediation log; read in file-name order.
    /// Files with neither header are named on standard error and skipped.
    /// Default: sample_data/ (when no --hotline/--mediation is given)
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Hotline log file(s) (CSV, text or workbook), read in the order given;
    /// `-` is standard input (CSV or text)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub hotline: Vec<PathBuf>,
    /// Mediation log file(s) (CSV, text or workbook), read in the order given;
    /// `-` is standard input (CSV or text)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub mediation: Vec<PathBuf>,
    /// Read only this sheet of each workbook (repeatable; default: every
    /// sheet whose header names a log's columns)
    #[arg(long, value_name = "NAME")]
    pub sheet: Vec<String>,
    /// Region table replacing the built-in Hubei one
    /// (columns code,name,level,parent_code[,parent_name][,short_name][,aliases])
    #[arg(long, value_name = "FILE")]
    pub regions: Option<PathBuf>,
    /// Encoding of CSV/text input files; detected per file when not given
    /// (a BOM, else UTF-8 or GBK decided over the whole file)
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
}

/// The period a table covers; whole days, both ends inclusive.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("period").multiple(false).args(["month", "quarter", "half", "year", "ytd", "from"])))]
#[command(group(ArgGroup::new("period_to").multiple(false).args(["month", "quarter", "half", "year", "ytd", "to"])))]
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
    /// Year to date: 1 January to the end of this month (1–N月累计), e.g. 2023-06
    #[arg(long, value_name = "YYYY-MM")]
    pub ytd: Option<String>,
    /// First day of a date range (inclusive)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of a date range (inclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

impl PeriodArgs {
    pub fn choice(&self) -> PeriodChoice {
        named_period(
            &self.month,
            &self.quarter,
            &self.half,
            &self.year,
            &self.ytd,
        )
        .unwrap_or_else(|| PeriodChoice::Range {
            from: self.from.clone(),
            to: self.to.clone(),
        })
    }
}

/// The one of --month, --quarter, --half, --year given (clap lets at most
/// one through).
fn named_period(
    month: &Option<String>,
    quarter: &Option<String>,
    half: &Option<String>,
    year: &Option<String>,
    ytd: &Option<String>,
) -> Option<PeriodChoice> {
    let named = [
        (month, PeriodChoice::Month as fn(String) -> PeriodChoice),
        (quarter, PeriodChoice::Quarter),
        (half, PeriodChoice::Half),
        (year, PeriodChoice::Year),
        (ytd, PeriodChoice::YearToDate),
    ];
    named
        .into_iter()
        .find_map(|(value, choice)| value.clone().map(choice))
}

/// How a table is written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: a table for reading, or csv/json/markdown/xlsx with full
    /// precision [default: table, or as --output's extension says]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of standard output; FILE.xlsx,
    /// .csv, .json or .md choose the format when --format is not given;
    /// `-` is standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave out the UTF-8 BOM of a CSV file written with --output (for
    /// scripts; Excel on Chinese Windows needs the BOM)
    #[arg(long)]
    pub no_bom: bool,
    /// Language of labels in tables (exports keep machine column names)
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

impl OutputArgs {
    /// The file `--output` names, as a list (none, or one) for the check
    /// that no output is an input.
    pub fn files(&self) -> Vec<&std::path::Path> {
        self.output.iter().map(|p| p.as_path()).collect()
    }

    /// The format asked for, or the one --output's extension names.
    pub fn effective_format(&self) -> Format {
        if let Some(f) = self.format {
            return f;
        }
        self.output
            .as_deref()
            .and_then(format_of_extension)
            .unwrap_or(Format::Table)
    }
}

/// Filters on the rows an analysis counts. Regions take any spelling the
/// loader accepts; each filter can be repeated (or comma-separated).
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Only these prefecture-level divisions (e.g. 襄阳, 420600)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub prefecture: Vec<String>,
    /// Only these county-level divisions (e.g. 谷城县, 枣阳)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub county: Vec<String>,
    /// Mediation: only this channel (court / 法院+工会, arbitration / 人社+工会)
    #[arg(long, value_name = "CHANNEL", value_delimiter = ',')]
    pub channel: Vec<String>,
    /// Mediation: only cases from this source (e.g. 12351转入, 法院委派)
    #[arg(long, value_name = "SOURCE", value_delimiter = ',')]
    pub source: Vec<String>,
    /// Mediation: only this dispute type (e.g. 欠薪)
    #[arg(long, value_name = "TYPE", value_delimiter = ',')]
    pub dispute_type: Vec<String>,
    /// Hotline: only this category (诉求类型)
    #[arg(long, value_name = "CATEGORY", value_delimiter = ',')]
    pub category: Vec<String>,
}

impl FilterArgs {
    pub fn values(&self) -> FilterValues {
        FilterValues {
            prefectures: self.prefecture.clone(),
            counties: self.county.clone(),
            channels: self.channel.clone(),
            sources: self.source.clone(),
            dispute_types: self.dispute_type.clone(),
            categories: self.category.clone(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write every rejected row as it was, with file, line, column and reason, to FILE (CSV)
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// table (for reading), json ({"files": [...], "rejects": [...]}), or
    /// the rejected rows as csv / markdown / xlsx (xlsx adds the accounting
    /// sheet) [default: table, or as --output's extension says]
    #[arg(long, value_enum)]
    pub format: Option<ValidateFormat>,
    /// Write to FILE (atomically) instead of standard output (`-`: standard output)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave out the UTF-8 BOM of a CSV file written with --output
    #[arg(long)]
    pub no_bom: bool,
    /// Language of labels
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

impl ValidateArgs {
    /// The format asked for, or the one --output's extension names.
    pub fn effective_format(&self) -> ValidateFormat {
        if let Some(f) = self.format {
            return f;
        }
        match self.output.as_deref().and_then(format_of_extension) {
            Some(Format::Xlsx) => ValidateFormat::Xlsx,
            Some(Format::Csv) => ValidateFormat::Csv,
            Some(Format::Json) => ValidateFormat::Json,
            Some(Format::Markdown) => ValidateFormat::Markdown,
            _ => ValidateFormat::Table,
        }
    }
}

/// The format a file name's extension names (any case).
fn format_of_extension(path: &std::path::Path) -> Option<Format> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => Some(Format::Xlsx),
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "md" | "markdown" => Some(Format::Markdown),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateFormat {
    Table,
    Json,
    Csv,
    Markdown,
    Xlsx,
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
    pub filters: FilterArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Group by one or more of: prefecture, county, channel, source,
    /// dispute_type, month (comma-separated, e.g. prefecture,channel)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "prefecture",
        hide_possible_values = true
    )]
    pub by: Vec<Dimension>,
    #[command(flatten)]
    pub judgement: JudgementArgs,
    /// Row order (ranks are always by the shrunken rate)
    #[arg(long, value_enum, default_value = "code")]
    pub sort: RateSort,
    /// Compare each row with the period before (环比), the same period a
    /// year earlier (同比), or court with arbitration (法院+工会 vs 人社+工会)
    #[arg(long, value_enum, value_name = "WITH")]
    pub compare: Option<Compare>,
    /// Keep the N best-ranked rows (by shrunken rate), best first
    #[arg(long, value_name = "N", conflicts_with = "bottom", value_parser = clap::value_parser!(u32).range(1..))]
    pub top: Option<u32>,
    /// Keep the N worst-ranked rows, worst first
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub bottom: Option<u32>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Compare {
    /// The period before: the previous month/quarter/half/year, or as many days just before
    Previous,
    /// The same period a year earlier
    LastYear,
    /// Court (法院+工会) against arbitration (人社+工会)
    Channel,
}

/// How success rates are judged against the baseline.
#[derive(Debug, Clone, Args)]
pub struct JudgementArgs {
    /// Target success rate the regions are judged against (0.5, or 50%)
    #[arg(long, default_value_t = Judgement::default().baseline, value_parser = parse_fraction)]
    pub baseline: f64,
    /// Significance level for the Benjamini–Hochberg-adjusted p-value
    #[arg(long, default_value_t = Judgement::default().alpha, value_parser = parse_fraction)]
    pub alpha: f64,
    /// Rows with fewer decided cases are judged "too few" and left out of the adjustment
    #[arg(long, default_value_t = Judgement::default().min_cases, value_name = "N")]
    pub min_cases: u64,
    /// Count withdrawn cases as failures (in the denominator)
    #[arg(long)]
    pub withdrawn_as_failure: bool,
}

impl JudgementArgs {
    pub fn judgement(&self) -> Judgement {
        Judgement {
            baseline: self.baseline,
            alpha: self.alpha,
            min_cases: self.min_cases,
            withdrawn_as_failure: self.withdrawn_as_failure,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct HotlineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Period by received_at (whole days, inclusive)
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Group by one or more of: prefecture, county, category, handling, month
    /// (comma-separated)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "prefecture",
        hide_possible_values = true
    )]
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
    #[command(flatten)]
    pub filters: FilterArgs,
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

/// The period of a report.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("report_period").multiple(false).args(["month", "quarter", "half", "year", "ytd", "from"])))]
#[command(group(ArgGroup::new("report_period_to").multiple(false).args(["month", "quarter", "half", "year", "ytd", "to"])))]
pub struct ReportPeriodArgs {
    /// One month, e.g. 2023-06 (default: the last month with closed cases)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// One quarter, e.g. 2023Q2
    #[arg(long, value_name = "YYYYQn")]
    pub quarter: Option<String>,
    /// One half-year, e.g. 2023H1
    #[arg(long, value_name = "YYYYHn")]
    pub half: Option<String>,
    /// One calendar year, e.g. 2023
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,
    /// Year to date: 1 January to the end of this month, e.g. 2023-06
    /// (folder reports/2023-01_2023-06)
    #[arg(long, value_name = "YYYY-MM")]
    pub ytd: Option<String>,
    /// First day of a free range (both --from and --to; folder named by them)
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day of a free range
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
}

impl ReportPeriodArgs {
    /// The period asked for; none for the default (the last month with a
    /// closed case).
    pub fn choice(&self) -> Option<PeriodChoice> {
        named_period(
            &self.month,
            &self.quarter,
            &self.half,
            &self.year,
            &self.ytd,
        )
        .or_else(|| {
            (self.from.is_some() || self.to.is_some()).then(|| PeriodChoice::Range {
                from: self.from.clone(),
                to: self.to.clone(),
            })
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub period: ReportPeriodArgs,
    #[command(flatten)]
    pub judgement: JudgementArgs,
    /// Folder to write (default reports/<period>, e.g. reports/2023-06)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the folder if it exists
    #[arg(long)]
    pub force: bool,
    /// Text printed as the report's generation time; none by default, so
    /// the same data and options give byte-identical files
    #[arg(long, value_name = "TEXT")]
    pub generated_at: Option<String>,
    /// Which prefectures get a county table
    #[arg(long, value_enum, default_value = "below")]
    pub counties: CountyScope,
    /// Hotline: a ticket closed within this many days counts as on time
    #[arg(long, default_value = "7", value_name = "DAYS")]
    pub sla_days: f64,
    /// Referral funnel: a referred ticket still without a case this many
    /// days after the call is listed as a finding
    #[arg(long, default_value = "30", value_name = "DAYS")]
    pub link_days: i64,
    /// Language of the report
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

const QUERY_HELP: &str = "\
Tables: mediation, hotline, regions, rejects, files (disputes query --schema lists columns and types).
Only queries run (SELECT, WITH, EXPLAIN); no table can be created or changed, no file read or written.

Examples:
  disputes query \"SELECT prefecture, count(*) AS cases FROM mediation GROUP BY prefecture ORDER BY cases DESC\"
  disputes query \"SELECT month, n, n - lag(n) OVER (ORDER BY month) AS change FROM (SELECT month, count(*) AS n FROM mediation GROUP BY month) ORDER BY month\"
  disputes query --schema
  disputes query            (interactive: statements end with ;  .schema  .rows N  .quit)

Exit codes:
  0  done
  2  a file cannot be used, or the query failed (the message lists the tables and columns)";

#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// SQL: one statement, or several separated by `;` (the last one's answer
    /// is shown); without it, an interactive prompt
    #[arg(value_name = "SQL")]
    pub sql: Option<String>,
    /// At most N rows in a table for reading (table and markdown formats;
    /// csv, json and xlsx always hold every row); 0 shows all
    #[arg(long, value_name = "N", default_value = "1000")]
    pub max_rows: usize,
    /// Print the tables and their columns
    #[arg(long, conflicts_with = "sql")]
    pub schema: bool,
    /// Show caller phone numbers in full (masked as 138****1234 otherwise)
    #[arg(long)]
    pub unmask: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

const EXPORT_HELP: &str = "\
Writes DIR/mediation.parquet, hotline.parquet, regions.parquet, rejects.parquet,
files.parquet (typed as disputes query --schema lists them; phone numbers masked
unless --unmask) and DIR/duckdb.sql. In DuckDB, inside DIR:
  duckdb disputes.duckdb -f duckdb.sql

Exit codes:
  0  done
  2  a file cannot be used, or the export cannot be written";

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder to write the Parquet files and duckdb.sql into (created if missing;
    /// files of the same names are replaced)
    #[arg(long, value_name = "DIR")]
    pub parquet: PathBuf,
    /// Keep caller phone numbers in full (masked as 138****1234 otherwise)
    #[arg(long)]
    pub unmask: bool,
    /// Language of messages
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
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
    /// Write the mediation cases as an Excel register (调解案件台账.xlsx: a
    /// sheet a month, title rows, 序号, 合计 rows) instead of mediation.csv;
    /// with --exports, also a register of 襄阳市's cases of the second half
    #[arg(long)]
    pub workbook: bool,
    /// Write only this kind's clean file (for benchmarks)
    #[arg(long, value_enum, conflicts_with_all = ["exports", "workbook"])]
    pub kind: Option<LogKind>,
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
