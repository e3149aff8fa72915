//! `disputes rates`: mediation success rates per group against the baseline,
//! with the caseload, money and people of each group, a fair rank, and on
//! request the change from an earlier period or court against arbitration.
//!
//! The tables and their columns: [`disputes::tables::rates`]. Every region
//! appears, zeros included; the province total row closes the table.

use std::process::ExitCode;

use anyhow::Result;
use disputes::analysis::changes;
use disputes::analysis::coverage::{self, DataRange};
use disputes::analysis::groups::Dimension;
use disputes::analysis::rates::{self, RatesOptions};
use disputes::ingest::schema::LogKind;
use disputes::tables;
use disputes::tables::rates::CompareWith;

use crate::cli::{Compare, RateSort, RatesArgs};

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
    super::refuse_overwriting_inputs(&args.input, &args.output.files())?;
    let by = super::dimensions(
        &args.by,
        &RATES_DIMENSIONS,
        disputes::messages::pick("调解案件", "mediation cases"),
    )?;
    let (logs, regions, filters) =
        super::load_filtered(&args.input, &args.filters, &[LogKind::Mediation])?;
    let choice = args.period.choice();
    let period = choice.resolve()?;
    let range = DataRange::of_mediation(&logs.mediation)?;
    super::warn_if_outside(&period, range);
    let opts = RatesOptions {
        by,
        period: period.clone(),
        judgement: args.judgement.judgement(),
    };
    let lang = args.output.lang;
    let accounting = super::accounting_lines(&logs, LogKind::Mediation, lang);
    let mut table = match args.compare {
        None => {
            let mut result = rates::compute(&logs.mediation, &regions, &opts)?;
            result.rows.retain(|r| filters.shows(&opts.by, r));
            if args.sort == RateSort::Rate {
                rates::sort_by_rate(&mut result.rows);
            }
            keep_ranked(&mut result.rows, args.top, args.bottom);
            tables::rates::rates_table(&result, &opts, lang, &accounting)
        }
        Some(Compare::Channel) => {
            let (now, comparison) =
                changes::court_against_arbitration(&logs.mediation, &regions, &opts)?;
            let (now, comparison) = shown_rows(now, comparison, &filters, &opts.by);
            tables::rates::comparison_table(
                &now,
                &comparison,
                &opts,
                CompareWith::Channel,
                None,
                lang,
                &accounting,
            )
        }
        Some(with) => {
            let named = choice.is_named();
            let (earlier, kind) = match with {
                Compare::Previous => (period.previous(named), CompareWith::Previous),
                _ => (period.year_earlier(named), CompareWith::LastYear),
            };
            let Some(earlier) = earlier else {
                return Err(disputes::messages::Message::CompareNeedsPeriod.into());
            };
            let now = rates::compute(&logs.mediation, &regions, &opts)?;
            let then_opts = RatesOptions {
                period: earlier.clone(),
                ..opts.clone()
            };
            let then = rates::compute(&logs.mediation, &regions, &then_opts)?;
            let covered = coverage::reaches(range, &earlier);
            let matching = changes::Matching::new(&opts.by, &period, &earlier);
            let comparison =
                changes::against_earlier(&now, &then, matching, covered, &opts.judgement);
            let (now, comparison) = shown_rows(now, comparison, &filters, &opts.by);
            tables::rates::comparison_table(
                &now,
                &comparison,
                &opts,
                kind,
                Some(&earlier),
                lang,
                &accounting,
            )
        }
    };
    tables::mark_filtered(&mut table, &filters, lang);
    if args.top.is_some() || args.bottom.is_some() {
        table.notes.insert(0, top_note(args.top, args.bottom, lang));
    }
    super::emit(&table, &args.output, &accounting)?;
    Ok(ExitCode::SUCCESS)
}

/// The rows a filter shows, with their comparisons.
fn shown_rows(
    mut now: rates::Rates,
    comparison: changes::Comparison,
    filters: &disputes::analysis::filters::Filters,
    by: &[Dimension],
) -> (rates::Rates, changes::Comparison) {
    let keep: Vec<bool> = now.rows.iter().map(|r| filters.shows(by, r)).collect();
    let mut i = 0;
    now.rows.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let rows = comparison
        .rows
        .into_iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(d, _)| d)
        .collect();
    (
        now,
        changes::Comparison {
            rows,
            total: comparison.total,
        },
    )
}

/// `--top N` / `--bottom N`: the best or worst ranked rows, in rank order.
fn keep_ranked(rows: &mut Vec<rates::RateRow>, top: Option<u32>, bottom: Option<u32>) {
    let n = match (top, bottom) {
        (Some(n), _) | (None, Some(n)) => n as usize,
        (None, None) => return,
    };
    rows.retain(|r| r.ranking.is_some());
    rows.sort_by_key(|r| r.ranking.map_or(u32::MAX, |k| k.rank));
    if top.is_some() {
        rows.truncate(n);
    } else {
        rows.reverse();
        rows.truncate(n);
    }
}

fn top_note(top: Option<u32>, bottom: Option<u32>, lang: disputes::Lang) -> String {
    match (top, lang) {
        (Some(n), disputes::Lang::Zh) => format!("按收敛成功率排名的前 {n} 名"),
        (Some(n), disputes::Lang::En) => format!("the {n} best ranked by shrunken rate"),
        (None, disputes::Lang::Zh) => format!(
            "按收敛成功率排名的后 {} 名（从最后一名起）",
            bottom.unwrap_or(0)
        ),
        (None, disputes::Lang::En) => format!(
            "the {} worst ranked by shrunken rate, worst first",
            bottom.unwrap_or(0)
        ),
    }
}
