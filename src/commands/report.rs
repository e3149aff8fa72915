//! `disputes report`: the monthly (quarterly, half-yearly, yearly) report
//! folder, with the key tables printed to the terminal as it goes. What the
//! folder holds and how it is written: [`disputes::report`].

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use disputes::Lang;
use disputes::analysis::coverage::DataRange;
use disputes::analysis::headline;
use disputes::ingest::Logs;
use disputes::ingest::schema::LogKind;
use disputes::messages::Message;
use disputes::period::PeriodChoice;
use disputes::render::{self, Format, RenderOptions};
use disputes::report::{self, ReportOptions, folder};

use crate::cli::ReportArgs;

pub const REPORTS_DIR: &str = "reports";

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    if !(args.sla_days > 0.0 && args.sla_days <= super::MAX_SLA_DAYS) {
        return Err(Message::SlaDays.into());
    }
    if !(0..=super::referral::MAX_LINK_DAYS).contains(&args.link_days) {
        return Err(Message::LinkDays.into());
    }
    let (logs, unfiltered, regions, filters) = super::load_filtered_keeping_all(
        &args.input,
        &args.filters,
        &[LogKind::Hotline, LogKind::Mediation],
    )?;
    // By default the last month with a closed case.
    let choice = match args.period.choice() {
        Some(choice) => choice,
        None => match headline::latest_month(&logs)? {
            Some(month) => PeriodChoice::Month(month),
            None => return Err(Message::NoClosedCase.into()),
        },
    };
    let (period, name) = choice.resolve_named()?;
    let Some(period_name) = name else {
        return Err(Message::ReportNeedsWholeMonths.into());
    };
    // A report of a period the data does not reach would be all zeros.
    let range = DataRange::union(
        DataRange::of_mediation(&logs.mediation)?,
        DataRange::of_hotline(&logs.hotline)?,
    );
    match range {
        Some(r) if !r.covers(&period) => {
            return Err(Message::ReportOutsideTheData {
                period: period.label(args.lang),
                first: r.first.to_string(),
                last: r.last.to_string(),
            }
            .into());
        }
        _ => {}
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new(REPORTS_DIR).join(&period_name));
    super::refuse_overwriting_inputs(&args.input, &[out.as_path()])?;
    if out.exists() && !args.force {
        return Err(Message::ReportExists {
            folder: out.display().to_string(),
        }
        .into());
    }
    let opts = ReportOptions {
        period,
        named: choice.is_named(),
        judgement: args.judgement.judgement(),
        counties: args.counties,
        sla_days: args.sla_days,
        link_days: args.link_days,
        lang: args.lang,
        generated_at: args.generated_at.clone(),
        period_name,
        filters,
    };
    let unfiltered = unfiltered.as_ref().map(|u| (&u.hotline, &u.mediation));
    let report = report::build(&logs, unfiltered, &regions, &opts)?;
    let count = folder::write(&report, &regions, &out, args.force)?;
    print_summary(&report, &logs, &out, count)?;
    Ok(ExitCode::SUCCESS)
}

/// The headline, the prefecture and hotline tables and the row accounting,
/// as the terminal shows them.
fn print_summary(report: &report::Report, logs: &Logs, out: &Path, count: usize) -> Result<()> {
    let lang = report.lang;
    let to_terminal = std::io::stdout().is_terminal();
    let opts = RenderOptions {
        lang,
        colour: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: super::terminal_width(true),
    };
    let mut text = render::terminal::wrapped(&report.title(), "", opts.width);
    for item in report.headline_items() {
        let line = match item.details.is_empty() {
            true => format!("{}: {}", item.label, item.value),
            false => format!(
                "{}: {}  ({})",
                item.label,
                item.value,
                item.details.join("; ")
            ),
        };
        text.push_str(&render::terminal::wrapped(&line, "  ", opts.width));
    }
    for section in [&report.sections.prefectures, &report.sections.hotline] {
        text.push('\n');
        if section.tabulated {
            text.push_str(&render::render(&section.table, Format::Table, &opts));
        } else {
            // A table the data does not reach: its title and why, no zeros.
            text.push_str(&render::terminal::wrapped(
                &section.table.title,
                "",
                opts.width,
            ));
            for note in &section.table.notes {
                text.push_str(&render::terminal::wrapped(note, "  ", opts.width));
            }
        }
    }
    text.push('\n');
    for kind in [LogKind::Mediation, LogKind::Hotline] {
        for line in super::accounting_lines(logs, kind, lang) {
            text.push_str(&render::terminal::wrapped(&line, "", opts.width));
        }
    }
    text.push_str(&match lang {
        Lang::Zh => format!("报告已写入 {}/（{count} 个文件）\n", out.display()),
        Lang::En => format!("report written to {}/ ({count} files)\n", out.display()),
    });
    super::print_out(&text)
}
