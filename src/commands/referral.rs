//! `disputes funnel`: the hotline → mediation referral funnel per region,
//! the data-quality findings its links raise, and the success rate of
//! hotline-referred cases beside court- and arbitration-referred ones.
//!
//! (In the code the referral funnel is "referral", so that "funnel" can
//! only mean the funnel plot of the report.) The table and its columns:
//! [`disputes::tables::referral`].

use std::process::ExitCode;

use anyhow::Result;
use disputes::analysis::coverage::DataRange;
use disputes::analysis::groups::Dimension;
use disputes::analysis::rates::{self, Judgement, RatesOptions};
use disputes::analysis::referral::{self, ReferralLogs, ReferralOptions};
use disputes::ingest::schema::LogKind;
use disputes::messages::Message;
use disputes::tables;

use crate::cli::{FunnelArgs, FunnelBy};

/// The longest `--link-days` taken: a hundred years.
pub const MAX_LINK_DAYS: i64 = 36_500;

pub fn run(args: &FunnelArgs) -> Result<ExitCode> {
    super::refuse_overwriting_inputs(&args.input, &args.output.files())?;
    if !(0..=MAX_LINK_DAYS).contains(&args.link_days) {
        return Err(Message::LinkDays.into());
    }
    let (logs, unfiltered, regions, filters) = super::load_filtered_keeping_all(
        &args.input,
        &args.filters,
        &[LogKind::Hotline, LogKind::Mediation],
    )?;
    let period = super::period(&args.period)?;
    super::warn_if_outside(
        &period,
        DataRange::union(
            DataRange::of_hotline(&logs.hotline)?,
            DataRange::of_mediation(&logs.mediation)?,
        ),
    );
    let opts = ReferralOptions {
        by: match args.by {
            FunnelBy::Prefecture => Dimension::Prefecture,
            FunnelBy::County => Dimension::County,
        },
        period: period.clone(),
        link_days: args.link_days,
    };
    let lang = args.output.lang;
    let referral_logs = ReferralLogs {
        hotline: &logs.hotline,
        mediation: &logs.mediation,
        unfiltered: unfiltered.as_ref().map(|u| (&u.hotline, &u.mediation)),
    };
    let mut result = referral::compute(referral_logs, &regions, &opts)?;
    result.rows.retain(|r| filters.shows(&[opts.by], r));

    let mut accounting = super::accounting_lines(&logs, LogKind::Hotline, lang);
    accounting.extend(super::accounting_lines(&logs, LogKind::Mediation, lang));
    let mut table = tables::referral::referral_table(&result, &opts, lang, &accounting);
    tables::mark_filtered(&mut table, &filters, lang);
    let remarks =
        tables::referral::findings_lines(&result.findings, &regions, args.link_days, lang);

    // The same computation as `rates --by source`, so the two always agree.
    let by_source = RatesOptions {
        by: vec![Dimension::Source],
        period,
        judgement: Judgement::default(),
    };
    let source_rates = rates::compute(&logs.mediation, &regions, &by_source)?;
    let mut comparison = tables::rates::rates_table(&source_rates, &by_source, lang, &[]);
    tables::mark_filtered(&mut comparison, &filters, lang);
    super::emit_with(&table, &remarks, &[comparison], &args.output, &accounting)?;
    Ok(ExitCode::SUCCESS)
}
