//! `disputes hotline`: how the 12351 hotline served callers, per group.
//!
//! The table and its columns: [`disputes::tables::hotline`]. Every region
//! appears, zeros included; the province total row closes the table.

use std::process::ExitCode;

use anyhow::Result;
use disputes::analysis::coverage::DataRange;
use disputes::analysis::groups::Dimension;
use disputes::analysis::hotline::{self, HotlineOptions};
use disputes::ingest::schema::LogKind;
use disputes::messages::Message;
use disputes::tables;

use crate::cli::HotlineArgs;

/// The groupings a hotline table can use.
const HOTLINE_DIMENSIONS: [Dimension; 5] = [
    Dimension::Prefecture,
    Dimension::County,
    Dimension::Category,
    Dimension::Handling,
    Dimension::Month,
];

pub fn run(args: &HotlineArgs) -> Result<ExitCode> {
    super::refuse_overwriting_inputs(&args.input, &args.output.files())?;
    let by = super::dimensions(
        &args.by,
        &HOTLINE_DIMENSIONS,
        disputes::messages::pick("热线工单", "hotline tickets"),
    )?;
    if !(args.sla_days > 0.0 && args.sla_days <= super::MAX_SLA_DAYS) {
        return Err(Message::SlaDays.into());
    }
    let (logs, regions, filters) =
        super::load_filtered(&args.input, &args.filters, &[LogKind::Hotline])?;
    let opts = HotlineOptions {
        by,
        period: super::period(&args.period)?,
        sla_days: args.sla_days,
    };
    let range = DataRange::of_hotline(&logs.hotline)?;
    super::warn_if_outside(&opts.period, range);
    let lang = args.output.lang;
    let mut result = hotline::compute(&logs.hotline, &regions, &opts)?;
    result.rows.retain(|r| filters.shows(&opts.by, r));
    let accounting = super::accounting_lines(&logs, LogKind::Hotline, lang);
    let mut table = tables::hotline::hotline_table(&result, &opts, lang, &accounting);
    if hotline::immature(&logs.hotline, &opts.period, opts.sla_days)? {
        table
            .notes
            .insert(0, tables::hotline::immature_note(opts.sla_days, lang));
    }
    tables::mark_filtered(&mut table, &filters, lang);
    super::emit(&table, &args.output, &accounting)?;
    Ok(ExitCode::SUCCESS)
}
