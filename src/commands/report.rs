//! `disputes report`: the monthly (quarterly, half-yearly, yearly) report
//! folder — index.html, report.md, one CSV per table, the SVG charts —
//! with the key tables printed to the terminal as it goes.
//!
//! The folder is built beside its destination and renamed into place, so it
//! appears whole or not at all; an existing folder is replaced only with
//! `--force`. Nothing in it depends on the clock unless `--generated-at`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::Datelike;

use crate::analysis::rates::Verdict;
use crate::cli::{ReportArgs, ReportPeriodArgs};
use crate::ingest::schema::LogKind;
use crate::period::Period;
use crate::render::{self, Format, RenderOptions};
use crate::report::{self, ReportOptions, charts, page};

pub const REPORTS_DIR: &str = "reports";

/// The period and its folder name (2023-06, 2023Q2, 2023H1, 2023); by
/// default the last month with a closed case.
fn report_period(args: &ReportPeriodArgs, logs: &crate::ingest::Logs) -> Result<(Period, String)> {
    let (period, kind) = if let Some(m) = &args.month {
        (Period::month(m)?, 'M')
    } else if let Some(q) = &args.quarter {
        (Period::quarter(q)?, 'Q')
    } else if let Some(h) = &args.half {
        (Period::half(h)?, 'H')
    } else if let Some(y) = &args.year {
        (Period::year(y)?, 'Y')
    } else {
        let Some(month) = report::latest_month(logs)? else {
            bail!("no closed mediation case in the data to choose a month; give --month YYYY-MM");
        };
        (Period::month(&month)?, 'M')
    };
    let first = period.from.expect("a named period has a first day");
    let (year, month) = (first.year(), first.month());
    let name = match kind {
        'M' => format!("{year:04}-{month:02}"),
        'Q' => format!("{year:04}Q{}", month.div_ceil(3)),
        'H' => format!("{year:04}H{}", month.div_ceil(6)),
        _ => format!("{year:04}"),
    };
    Ok((period, name))
}

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    if !(args.sla_days > 0.0 && args.sla_days.is_finite()) {
        bail!("--sla-days must be a positive number of days");
    }
    if args.link_days < 0 {
        bail!("--link-days must not be negative");
    }
    let (logs, regions, filters) = super::load_filtered(
        &args.input,
        &args.filters,
        &[LogKind::Hotline, LogKind::Mediation],
    )?;
    let (period, period_name) = report_period(&args.period, &logs)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new(REPORTS_DIR).join(&period_name));
    if out.exists() && !args.force {
        bail!(
            "{}: the report folder exists; give --force to replace it",
            out.display()
        );
    }
    let lang = args.lang;
    let opts = ReportOptions {
        period,
        judgement: args.judgement.options(),
        counties: args.counties,
        sla_days: args.sla_days,
        link_days: args.link_days,
        lang,
        generated_at: args.generated_at.clone(),
        period_name,
        filters,
    };
    let report = report::build(&logs, &regions, &opts)?;

    let points = report.prefecture_points(&regions);
    let below: Vec<(u32, String)> = points
        .iter()
        .filter(|p| p.row.verdict == Verdict::Below)
        .filter_map(|p| Some((report::region_code(p.row)?, p.name.clone())))
        .collect();
    let charts = page::Charts {
        rates: charts::rates_bars(&points, report.baseline, lang)?,
        funnel: charts::funnel_plot(&points, report.baseline, lang)?,
        trend: charts::trend_chart(&report.trend, &below, report.baseline, lang)?,
    };

    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "index.html".into(),
            page::render(&report, &charts).into_bytes(),
        ),
        (
            "report.md".into(),
            report::markdown::render(&report).into_bytes(),
        ),
        ("rates.svg".into(), charts.rates.clone().into_bytes()),
        ("funnel.svg".into(), charts.funnel.clone().into_bytes()),
        ("trend.svg".into(), charts.trend.clone().into_bytes()),
    ];
    for section in report.sections.all() {
        files.push((
            format!("{}.csv", section.file_stem),
            render::csv::for_excel(&section.table),
        ));
    }
    let tables: Vec<&render::Table> = report.sections.all().iter().map(|s| &s.table).collect();
    files.push(("report.xlsx".into(), render::xlsx::workbook(&tables, lang)?));
    write_folder(&out, &files, args.force)?;

    print_summary(&report, &logs, &out, files.len());
    Ok(ExitCode::SUCCESS)
}

/// The headline, the prefecture and hotline tables and the row accounting,
/// as the terminal shows them.
fn print_summary(report: &report::Report, logs: &crate::ingest::Logs, out: &Path, count: usize) {
    let lang = report.lang;
    let to_terminal = std::io::stdout().is_terminal();
    let opts = RenderOptions {
        lang,
        colour: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    println!("{}", report.title());
    for item in report.headline_items() {
        println!(
            "  {}: {}  ({})",
            item.label,
            item.value,
            item.details.join("; ")
        );
    }
    println!();
    print!(
        "{}",
        render::render(&report.sections.prefectures.table, Format::Table, &opts)
    );
    println!();
    print!(
        "{}",
        render::render(&report.sections.hotline.table, Format::Table, &opts)
    );
    println!();
    for kind in [LogKind::Mediation, LogKind::Hotline] {
        for line in super::accounting_lines(logs, kind, lang) {
            println!("{line}");
        }
    }
    match lang {
        crate::Lang::Zh => println!("报告已写入 {}/（{count} 个文件）", out.display()),
        crate::Lang::En => println!("report written to {}/ ({count} files)", out.display()),
    }
}

/// Writes the files into a fresh folder beside `out`, then renames it into
/// place (replacing an existing folder only when `force`).
fn write_folder(out: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".report-")
        .tempdir_in(parent)
        .with_context(|| format!("{}: cannot write", parent.display()))?;
    for (name, bytes) in files {
        let path = staging.path().join(name);
        render::write_atomic(&path, bytes)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    // Folders from tempdir are private (0700); a report is for reading.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    let staged: PathBuf = staging.keep();
    if out.exists() {
        if !force {
            let _ = std::fs::remove_dir_all(&staged);
            bail!(
                "{}: the report folder exists; give --force to replace it",
                out.display()
            );
        }
        let old = tempfile::Builder::new()
            .prefix(".report-old-")
            .tempdir_in(parent)?
            .keep();
        std::fs::remove_dir(&old)?;
        std::fs::rename(out, &old)
            .with_context(|| format!("{}: cannot move the old report aside", out.display()))?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e).with_context(|| format!("{}: cannot write", out.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("{}: cannot remove the old report", old.display()))?;
    } else if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e).with_context(|| format!("{}: cannot write", out.display()));
    }
    Ok(())
}
