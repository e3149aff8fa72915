//! One module per subcommand, each with a single `run`; the helpers here
//! (loading input, choosing the period, writing output) are shared by all.

mod cache;
mod hotline;
mod query;
mod rates;
mod referral;
mod report;
mod sample;
mod validate;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::CommandFactory;

use disputes::analysis::filters::Filters;
use disputes::analysis::groups::Dimension;
use disputes::ingest::schema::LogKind;
use disputes::ingest::{self, Inputs, LoadOptions, Logs};
use disputes::messages::Message;
use disputes::period::Period;
use disputes::regions::RegionTable;
use disputes::render::{self, Format, RenderOptions};
use disputes::tables::Table;
use polars::prelude::DataFrame;

use crate::cli::{Cli, Command, FilterArgs, InputArgs, OutputArgs, PeriodArgs};

/// `--quiet`: no row accounting lines and no progress (warnings and errors
/// still show).
static QUIET: AtomicBool = AtomicBool::new(false);

/// `--no-cache`: every file read and checked again.
static NO_CACHE: AtomicBool = AtomicBool::new(false);

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    QUIET.store(cli.quiet, Ordering::Relaxed);
    NO_CACHE.store(cli.no_cache, Ordering::Relaxed);
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Rates(args) => rates::run(&args),
        Command::Hotline(args) => hotline::run(&args),
        Command::Funnel(args) => referral::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Query(args) => query::run(&args),
        Command::Export(args) => query::export(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Cache(args) => cache::run(&args),
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "disputes", &mut script);
            write_output(Path::new("-"), &script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(args) => {
            if let Some(dir) = &args.out {
                clap_mangen::generate_to(Cli::command(), dir).with_context(|| {
                    Message::CannotWrite {
                        path: dir.display().to_string(),
                    }
                })?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context(Message::CannotWriteStdout)?;
            write_output(Path::new("-"), &page)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub const DEFAULT_DATA_DIR: &str = "sample_data";

/// The longest `--sla-days` taken: ten years.
pub const MAX_SLA_DAYS: f64 = 3650.0;

/// The region table in use: `--regions FILE` or the built-in Hubei one.
pub fn region_table(input: &InputArgs) -> Result<RegionTable> {
    match &input.regions {
        Some(path) => Ok(RegionTable::from_file(path)?),
        None => Ok(RegionTable::hubei()),
    }
}

/// The files named on the command line, and those of `--data DIR`
/// (default sample_data/ when no file is named), whose headers say their kind.
pub fn input_files(input: &InputArgs) -> Result<Inputs> {
    let mut inputs = Inputs {
        hotline: input.hotline.clone(),
        mediation: input.mediation.clone(),
        by_header: Vec::new(),
    };
    let piped = inputs
        .hotline
        .iter()
        .chain(&inputs.mediation)
        .filter(|p| ingest::is_stdin(p))
        .count();
    if piped > 1 {
        return Err(Message::StdinTwice.into());
    }
    let explicit = !inputs.hotline.is_empty() || !inputs.mediation.is_empty();
    let dir = match (&input.data, explicit) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) => Some(PathBuf::from(DEFAULT_DATA_DIR)),
        (None, true) => None,
    };
    if let Some(dir) = dir {
        let folder = dir.display().to_string();
        let found = Inputs::from_dir(&dir).map_err(|e| {
            anyhow::Error::new(e).context(Message::DataFolderUnreadable {
                folder: folder.clone(),
            })
        })?;
        if found.is_empty() {
            return Err(Message::DataFolderEmpty { folder }.into());
        }
        inputs.by_header = found;
    }
    Ok(inputs)
}

/// A path made absolute with its symbolic links resolved, as far as it
/// exists (an output need not exist yet).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let absolute = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => resolved(parent).join(name),
        _ => absolute,
    }
}

/// Input files are only ever read: refuses (exit 2, before anything is
/// read or written) an output that is an input file, a folder that holds
/// one, or a path inside the data folder.
pub fn refuse_overwriting_inputs(input: &InputArgs, outputs: &[&Path]) -> Result<()> {
    if outputs.is_empty() {
        return Ok(());
    }
    let inputs = input_files(input)?;
    let data_dir = match (
        &input.data,
        inputs.hotline.is_empty() && inputs.mediation.is_empty(),
    ) {
        (Some(dir), _) => Some(dir.clone()),
        (None, true) => Some(PathBuf::from(DEFAULT_DATA_DIR)),
        (None, false) => None,
    };
    let files: Vec<PathBuf> = inputs
        .hotline
        .iter()
        .chain(&inputs.mediation)
        .chain(&inputs.by_header)
        .map(|p| resolved(p))
        .collect();
    let folder = data_dir.as_deref().map(resolved);
    for output in outputs {
        if is_stdout(output) {
            continue;
        }
        let out = resolved(output);
        let clash = files
            .iter()
            .find(|f| **f == out || f.starts_with(&out))
            .cloned()
            .or_else(|| {
                folder
                    .clone()
                    .filter(|d| out.starts_with(d) || d.starts_with(&out))
            });
        if let Some(input) = clash {
            return Err(Message::OutputIsInput {
                output: output.display().to_string(),
                input: input.display().to_string(),
            }
            .into());
        }
    }
    Ok(())
}

/// `-` as an output: standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Warns (standard error) when the period lies entirely outside the data.
pub fn warn_if_outside(period: &Period, range: Option<disputes::analysis::coverage::DataRange>) {
    let Some(r) = range else {
        // No accepted row at all: every figure will be 0.
        warn(Message::NoRowsAtAll);
        return;
    };
    if !r.covers(period) {
        warn(Message::OutsideTheData {
            period: period.label(disputes::messages::language()),
            first: r.first.to_string(),
            last: r.last.to_string(),
        });
    }
}

/// A warning on standard error, in the run's language.
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(
        std::io::stderr(),
        "{}{}",
        Message::WarningPrefix,
        render::for_terminal(&message.to_string())
    );
}

/// Text on standard output. A reader that stops early (`| head`) closes
/// the pipe: the error travels up and `main` ends the run quietly, exit 0.
pub fn print_out(text: &str) -> Result<()> {
    print_bytes(text.as_bytes())
}

fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context(Message::CannotWriteStdout)
}

/// The width terminal tables must fit: `$COLUMNS` when set (as `ls` and
/// `git` read it), else the terminal's when standard output is one; no
/// limit when output goes to a file or a pipe.
pub fn terminal_width(to_stdout: bool) -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 20)
    {
        return Some(columns);
    }
    if !to_stdout || !std::io::stdout().is_terminal() {
        return None;
    }
    comfy_table::Table::new().width().map(usize::from)
}

/// The row accounting lines of a kind of log; none under `--quiet`.
pub fn accounting_lines(logs: &Logs, kind: LogKind, lang: disputes::Lang) -> Vec<String> {
    if quiet() {
        return Vec::new();
    }
    disputes::tables::accounting::accounting_lines(logs, kind, lang)
}

/// A spinner on standard error while the logs load, when it is a terminal
/// and `--quiet` is not given (silent when piped).
fn progress_spinner() -> Option<indicatif::ProgressBar> {
    if quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(spinner)
}

/// Reads, checks and merges the input; an unusable file ends the run.
/// Files and sheets left out are named on standard error.
pub fn load(input: &InputArgs, kinds: &[LogKind]) -> Result<(Logs, RegionTable)> {
    let regions = region_table(input)?;
    let inputs = input_files(input)?;
    let cache_dir = (!NO_CACHE.load(Ordering::Relaxed))
        .then(cache::folder)
        .flatten();
    let spinner = progress_spinner();
    let show = |name: &str, rows: usize| {
        if let Some(s) = &spinner {
            s.set_message(
                disputes::messages::pick(
                    &format!("正在读取并核对 {name}：{rows} 行"),
                    &format!("reading and checking {name}: {rows} rows"),
                )
                .to_string(),
            );
        }
    };
    let loaded = ingest::load(
        &inputs,
        &LoadOptions {
            encoding: input.encoding,
            regions: &regions,
            block_bytes: ingest::csv_reader::BLOCK_BYTES,
            sheets: &input.sheet,
            kinds,
            cache: cache_dir.as_deref(),
            progress: spinner.as_ref().map(|_| &show as &ingest::Progress),
        },
    );
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let logs = loaded?;
    for skipped in &logs.skipped {
        warn(skipped);
    }
    if logs.files.is_empty() && !inputs.by_header.is_empty() {
        let folder = input
            .data
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        return Err(Message::DataFolderEmpty {
            folder: folder.display().to_string(),
        }
        .into());
    }
    Ok((logs, regions))
}

/// As [`load`], keeping only the rows the filters select. `kinds` are the
/// logs the command reads: a filter on a column none of them has is refused.
/// Filter values that match no row are reported on standard error.
pub fn load_filtered(
    input: &InputArgs,
    filter_args: &FilterArgs,
    kinds: &[LogKind],
) -> Result<(Logs, RegionTable, Filters)> {
    let (logs, _, regions, filters) = load_filtered_keeping_all(input, filter_args, kinds)?;
    Ok((logs, regions, filters))
}

/// Every hotline and mediation row, before the filters.
pub struct Unfiltered {
    pub hotline: DataFrame,
    pub mediation: DataFrame,
}

/// [`load_filtered`], keeping every row as well when a filter took some out
/// (the referral funnel looks links up among all of them).
pub fn load_filtered_keeping_all(
    input: &InputArgs,
    filter_args: &FilterArgs,
    kinds: &[LogKind],
) -> Result<(Logs, Option<Unfiltered>, RegionTable, Filters)> {
    let (mut logs, regions) = load(input, kinds)?;
    let filters = Filters::resolve(&filter_args.values(), &regions)?;
    filters.check_applies(kinds)?;
    if filters.is_empty() {
        return Ok((logs, None, regions, filters));
    }
    let (mediation, mut unmatched) = filters.apply(&logs.mediation, LogKind::Mediation)?;
    let (hotline, more) = filters.apply(&logs.hotline, LogKind::Hotline)?;
    unmatched.extend(more);
    for value in unmatched {
        warn(Message::FilterMatchesNothing { value });
    }
    let unfiltered = Unfiltered {
        hotline: std::mem::replace(&mut logs.hotline, hotline),
        mediation: std::mem::replace(&mut logs.mediation, mediation),
    };
    Ok((logs, Some(unfiltered), regions, filters))
}

pub fn period(args: &PeriodArgs) -> Result<Period> {
    Ok(args.choice().resolve()?)
}

/// The groupings a command accepts; any other `--by` is a usage error.
pub fn dimensions(by: &[Dimension], allowed: &[Dimension], what: &str) -> Result<Vec<Dimension>> {
    let mut out = Vec::new();
    for d in by {
        if !allowed.contains(d) {
            let names: Vec<&str> = allowed.iter().map(|a| a.name()).collect();
            return Err(Message::GroupingNotAllowed {
                by: d.name().to_string(),
                what: what.to_string(),
                allowed: names.join(", "),
            }
            .into());
        }
        if !out.contains(d) {
            out.push(*d);
        }
    }
    Ok(out)
}

/// Writes a rendered table to `--output` (atomically; CSV with a BOM for
/// Excel) or to standard output. For machine formats on standard output the
/// row accounting goes to standard error, so every run still shows it.
pub fn emit(table: &Table, output: &OutputArgs, accounting: &[String]) -> Result<()> {
    emit_with(table, &[], &[], output, accounting)
}

/// As [`emit`], with remarks (findings) and further tables after the main
/// one. Machine formats (csv, json) carry the main table only; the remarks
/// then go to standard error with the accounting.
pub fn emit_with(
    table: &Table,
    remarks: &[String],
    supplements: &[Table],
    output: &OutputArgs,
    accounting: &[String],
) -> Result<()> {
    let format = output.effective_format();
    // `--output -` is standard output, as no `--output` is.
    let file = output.output.as_deref().filter(|p| !is_stdout(p));
    let to_terminal = file.is_none() && std::io::stdout().is_terminal();
    let colour = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let opts = RenderOptions {
        lang: output.lang,
        colour,
        width: terminal_width(file.is_none()).filter(|_| format == Format::Table),
    };
    if format == Format::Xlsx && output.output.is_none() {
        return Err(Message::XlsxNeedsOutput.into());
    }
    let for_people = matches!(format, Format::Table | Format::Markdown);
    if !for_people {
        let mut stderr = std::io::stderr().lock();
        for line in accounting.iter().chain(remarks) {
            let _ = writeln!(stderr, "{}", render::for_terminal(line));
        }
    }
    if let (Format::Xlsx, Some(path)) = (format, &output.output) {
        // A workbook on standard output only when asked for by `-`.
        let tables: Vec<&Table> = std::iter::once(table).chain(supplements).collect();
        let bytes = render::xlsx::workbook(&tables, output.lang).with_context(|| {
            Message::CannotBuildWorkbook {
                path: path.display().to_string(),
            }
        })?;
        return write_output(path, &bytes);
    }
    let mut text = render::render(table, format, &opts);
    if for_people {
        for remark in remarks {
            match format {
                Format::Markdown => {
                    text.push_str(&format!("\n- {}", render::markdown::escape(remark)))
                }
                _ => text.push_str(&render::terminal::wrapped(
                    &render::for_terminal(remark),
                    "",
                    opts.width,
                )),
            }
        }
        if format == Format::Markdown && !remarks.is_empty() {
            text.push('\n');
        }
        for s in supplements {
            text.push('\n');
            text.push_str(&render::render(s, format, &opts));
        }
    }
    match file {
        Some(path) => {
            let mut bytes = Vec::new();
            if format == Format::Csv && !output.no_bom {
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            bytes.extend_from_slice(text.as_bytes());
            write_output(path, &bytes)?;
        }
        None => print_out(&text)?,
    }
    Ok(())
}

pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    if is_stdout(path) {
        return print_bytes(bytes);
    }
    render::write_atomic(path, bytes).with_context(|| Message::CannotWrite {
        path: path.display().to_string(),
    })
}
