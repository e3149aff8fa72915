//! One module per subcommand, each with a single `run`; the helpers here
//! (loading input, choosing the period, writing output) are shared by all.

pub mod funnel;
pub mod hotline;
pub mod query;
pub mod rates;
pub mod report;
pub mod sample;
pub mod validate;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::Lang;
use crate::analysis::filters::Filters;
use crate::analysis::groups::Grouped;
use crate::cli::{Cli, Command, FilterArgs, InputArgs, OutputArgs, PeriodArgs};
use crate::ingest::schema::LogKind;
use crate::ingest::{self, FileAccount, Inputs, LoadOptions, Logs};
use crate::period::Period;
use crate::regions::RegionTable;
use crate::render::{self, Column, Format, RenderOptions, Table, Value};

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Rates(args) => rates::run(&args),
        Command::Hotline(args) => hotline::run(&args),
        Command::Funnel(args) => funnel::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Query(args) => query::run(&args),
        Command::Sample(args) => sample::run(&args),
    }
}

pub const DEFAULT_DATA_DIR: &str = "sample_data";

/// The region table in use: `--regions FILE` or the built-in Hubei one.
pub fn region_table(input: &InputArgs) -> Result<RegionTable> {
    match &input.regions {
        Some(path) => Ok(RegionTable::from_file(path)?),
        None => Ok(RegionTable::hubei()),
    }
}

/// The files named on the command line, or those of `--data DIR`
/// (default sample_data/).
pub fn input_files(input: &InputArgs) -> Result<Inputs> {
    let mut inputs = Inputs {
        hotline: input.hotline.clone(),
        mediation: input.mediation.clone(),
    };
    let explicit = !inputs.hotline.is_empty() || !inputs.mediation.is_empty();
    let dir = match (&input.data, explicit) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) => Some(PathBuf::from(DEFAULT_DATA_DIR)),
        (None, true) => None,
    };
    if let Some(dir) = dir {
        let found = Inputs::from_dir(&dir)
            .with_context(|| format!("{}: cannot read the data folder", dir.display()))?;
        if found.hotline.is_empty() && found.mediation.is_empty() {
            anyhow::bail!(
                "{}: no hotline*.csv or mediation*.csv files in the data folder",
                dir.display()
            );
        }
        inputs.hotline.extend(found.hotline);
        inputs.mediation.extend(found.mediation);
    }
    Ok(inputs)
}

/// Reads, checks and merges the input; an unusable file ends the run.
pub fn load(input: &InputArgs) -> Result<(Logs, RegionTable)> {
    let regions = region_table(input)?;
    let inputs = input_files(input)?;
    let logs = ingest::load(
        &inputs,
        &LoadOptions {
            encoding: input.encoding,
            regions: &regions,
            block_bytes: crate::ingest::csv_reader::BLOCK_BYTES,
        },
    )?;
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
    let (mut logs, regions) = load(input)?;
    let filters = Filters::resolve(&filter_args.values(), &regions)?;
    filters.check_applies(kinds)?;
    if !filters.is_empty() {
        let (mediation, mut unmatched) = filters.apply(&logs.mediation, LogKind::Mediation)?;
        let (hotline, more) = filters.apply(&logs.hotline, LogKind::Hotline)?;
        unmatched.extend(more);
        for value in unmatched {
            eprintln!("disputes: warning: {value} matches no row in the data");
        }
        logs.mediation = mediation;
        logs.hotline = hotline;
    }
    Ok((logs, regions, filters))
}

pub fn period(args: &PeriodArgs) -> Result<Period> {
    let p = if let Some(m) = &args.month {
        Period::month(m)?
    } else if let Some(q) = &args.quarter {
        Period::quarter(q)?
    } else if let Some(h) = &args.half {
        Period::half(h)?
    } else if let Some(y) = &args.year {
        Period::year(y)?
    } else {
        Period::range(args.from.as_deref(), args.to.as_deref())?
    };
    Ok(p)
}

/// The groupings a command accepts; any other `--by` is a usage error.
pub fn dimensions(
    by: &[crate::analysis::groups::Dimension],
    allowed: &[crate::analysis::groups::Dimension],
    what: &str,
) -> Result<Vec<crate::analysis::groups::Dimension>> {
    let mut out = Vec::new();
    for d in by {
        if !allowed.contains(d) {
            let names: Vec<&str> = allowed.iter().map(|a| a.name()).collect();
            anyhow::bail!(
                "--by {}: {what} can be grouped by {}",
                d.name(),
                names.join(", ")
            );
        }
        if !out.contains(d) {
            out.push(*d);
        }
    }
    Ok(out)
}

/// A table of figures per group with a province total row: the group's
/// key columns first (the total's label in the first one a table shows),
/// then the figure columns that `figures` fills. Title and notes are the
/// caller's to set.
pub fn grouped_table<R: Grouped>(
    key_columns: Vec<Column>,
    figure_columns: Vec<Column>,
    rows: &[R],
    total: &R,
    figures: impl Fn(&R) -> Vec<Value>,
    lang: Lang,
) -> Table {
    let label_at = key_columns.iter().position(|c| c.in_tables).unwrap_or(0);
    let label = match lang {
        Lang::Zh => "全省合计",
        Lang::En => "Province total",
    };
    let mut total_row: Vec<Value> = (0..key_columns.len())
        .map(|i| {
            if i == label_at {
                Value::text(label)
            } else {
                Value::Null
            }
        })
        .collect();
    total_row.extend(figures(total));
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Value> = r.keys().iter().flat_map(|k| k.cells.clone()).collect();
            cells.extend(figures(r));
            cells
        })
        .collect();
    let mut columns = key_columns;
    columns.extend(figure_columns);
    Table {
        title: String::new(),
        notes: Vec::new(),
        columns,
        rows,
        total: Some(total_row),
    }
}

/// Marks a table as covering the filtered rows only: the filter named in
/// its notes, the total row labelled as the selection's total.
pub fn mark_filtered(table: &mut Table, filters: &Filters, lang: Lang) {
    let Some(note) = filters.note(lang) else {
        return;
    };
    table.notes.insert(0, note);
    let label = match lang {
        Lang::Zh => "筛选合计",
        Lang::En => "Total (filtered)",
    };
    if let Some(total) = &mut table.total {
        for cell in total.iter_mut() {
            if let Value::Text { value, .. } = cell {
                *value = label.to_string();
                break;
            }
        }
    }
}

/// The accounting lines of the files of one kind.
pub fn accounting_lines(
    logs: &Logs,
    kind: crate::ingest::schema::LogKind,
    lang: Lang,
) -> Vec<String> {
    logs.files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| accounting_line(f, lang))
        .collect()
}

/// `file (UTF-8): read N = accepted + duplicates + superseded + rejected`.
pub fn accounting_line(f: &FileAccount, lang: Lang) -> String {
    let [read, accepted, duplicates, superseded, rejected] = match lang {
        Lang::Zh => ["读入", "采用", "重复", "被更新", "拒收"],
        Lang::En => ["read", "accepted", "duplicates", "superseded", "rejected"],
    };
    format!(
        "{} ({}, {}): {read} {} = {accepted} {} + {duplicates} {} + {superseded} {} + {rejected} {}",
        f.path,
        f.kind.name(),
        f.encoding,
        f.read,
        f.accepted,
        f.duplicates,
        f.superseded,
        f.rejected
    )
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
    let to_terminal = output.output.is_none() && std::io::stdout().is_terminal();
    let colour = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let opts = RenderOptions {
        lang: output.lang,
        colour,
    };
    if format == Format::Xlsx && output.output.is_none() {
        anyhow::bail!("--format xlsx writes a workbook: give --output FILE.xlsx");
    }
    let for_people = matches!(format, Format::Table | Format::Markdown);
    if !for_people {
        for line in accounting.iter().chain(remarks) {
            eprintln!("{line}");
        }
    }
    if let (Format::Xlsx, Some(path)) = (format, &output.output) {
        let tables: Vec<&Table> = std::iter::once(table).chain(supplements).collect();
        let bytes = render::xlsx::workbook(&tables, output.lang)
            .with_context(|| format!("{}: cannot build the workbook", path.display()))?;
        return write_output(path, &bytes);
    }
    let mut text = render::render(table, format, &opts);
    if for_people {
        for remark in remarks {
            match format {
                Format::Markdown => text.push_str(&format!("\n- {remark}")),
                _ => text.push_str(&format!("{remark}\n")),
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
    match &output.output {
        Some(path) => {
            let mut bytes = Vec::new();
            if format == Format::Csv && !output.no_bom {
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            bytes.extend_from_slice(text.as_bytes());
            write_output(path, &bytes)?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .context("cannot write to standard output")?;
        }
    }
    Ok(())
}

pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    render::write_atomic(path, bytes).with_context(|| format!("{}: cannot write", path.display()))
}
