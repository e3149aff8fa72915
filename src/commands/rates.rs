//! `disputes rates`: mediation success rates per group against the baseline.
//!
//! The table and its columns: [`disputes::tables::rates`]. Every region
//! appears, zeros included; the province total row closes the table.

use std::process::ExitCode;

use anyhow::Result;
use disputes::analysis::groups::Dimension;
use disputes::analysis::rates::{self, RatesOptions};
use disputes::ingest::schema::LogKind;
use disputes::tables::{self, accounting};

use crate::cli::{RateSort, RatesArgs};

/// The groupings a mediation table can use.
const RATES_DIMENSIONS: [Dimension; 6] = [
    Dimension::Prefecture,
    Dimension::County,
    Dimension::Channel,
    Dimension::Source,
    Dimension::DisputeType,
    Dimension::Month,
];

pub fn run(args: &RatesArgs) -> Result<ExitCode> {
    super::refuse_overwriting_inputs(
        &args.input,
        &args
            .output
            .output
            .iter()
            .map(|p| p.as_path())
            .collect::<Vec<_>>(),
    )?;
    let by = super::dimensions(
        &args.by,
        &RATES_DIMENSIONS,
        disputes::messages::pick("调解案件", "mediation cases"),
    )?;
    let (logs, regions, filters) =
        super::load_filtered(&args.input, &args.filters, &[LogKind::Mediation])?;
    let opts = RatesOptions {
        by,
        period: super::period(&args.period)?,
        judgement: args.judgement.judgement(),
    };
    let lang = args.output.lang;
    let mut result = rates::compute(&logs.mediation, &regions, &opts)?;
    result.rows.retain(|r| filters.shows(&opts.by, r));
    if args.sort == RateSort::Rate {
        rates::sort_by_rate(&mut result.rows);
    }
    let accounting = accounting::accounting_lines(&logs, LogKind::Mediation, lang);
    let mut table = tables::rates::rates_table(&result, &opts, lang, &accounting);
    tables::mark_filtered(&mut table, &filters, lang);
    super::emit(&table, &args.output, &accounting)?;
    Ok(ExitCode::SUCCESS)
}
