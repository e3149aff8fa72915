//! The report folder (month, quarter, half-year or year), split by job:
//!
//! - here: what the report holds, computed by the same analyses and
//!   tables as `rates`, `hotline` and `funnel` (so its numbers are theirs);
//! - [`wording`]: what it says (title, headline sentences, section headings);
//! - [`page`], [`markdown`], [`charts`]: how it is laid out;
//! - [`folder`]: the one function that writes the folder, charts included.

pub mod charts;
pub mod folder;
pub mod markdown;
pub mod page;
pub mod wording;

use polars::prelude::*;

use crate::Lang;
use crate::analysis::filters::Filters;
use crate::analysis::groups::Dimension;
use crate::analysis::headline::{self, Headline};
use crate::analysis::hotline::{self, HotlineOptions};
use crate::analysis::rates::{self, Judgement, RateRow, Rates, RatesOptions, Verdict};
use crate::analysis::referral::{self, ReferralOptions};
use crate::analysis::trend::{self, TrendMonth};
use crate::ingest::Logs;
use crate::period::Period;
use crate::regions::RegionTable;
use crate::tables::{self, Table, accounting};

/// Which prefectures get a county table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CountyScope {
    /// The county tables of the prefectures judged below the baseline
    #[default]
    Below,
    /// The county tables of every prefecture
    All,
}

pub struct ReportOptions {
    pub period: Period,
    pub judgement: Judgement,
    pub counties: CountyScope,
    pub sla_days: f64,
    pub link_days: i64,
    pub lang: Lang,
    pub generated_at: Option<String>,
    /// Folder-style name of the period: 2023-06, 2023Q2, 2023H1 or 2023.
    pub period_name: String,
    /// Rows outside these were dropped at loading; per-region tables list
    /// the selected regions only.
    pub filters: Filters,
}

/// A table of the report, and the CSV file it is written to.
pub struct Section {
    pub file_stem: &'static str,
    pub table: Table,
}

pub struct Report {
    pub period: Period,
    /// Folder-style name of the period: 2023-06, 2023Q2, 2023H1 or 2023.
    pub period_name: String,
    pub lang: Lang,
    pub baseline: f64,
    pub generated_at: Option<String>,
    /// "筛选：…" when the report covers filtered rows only.
    pub filter_note: Option<String>,
    pub headline: Headline,
    pub prefectures: Rates,
    /// The prefectures whose county table is shown, in code order.
    pub county_prefectures: Vec<(u32, String)>,
    pub trend: Vec<TrendMonth>,
    /// The referral funnel's data-quality findings, one line each.
    pub findings: Vec<String>,
    /// Every table, in the order the page shows them.
    pub sections: Sections,
}

pub struct Sections {
    pub headline: Section,
    pub prefectures: Section,
    pub trend: Section,
    pub counties: Section,
    pub hotline: Section,
    pub referral: Section,
    pub files: Section,
    pub rejects: Section,
}

impl Sections {
    pub fn all(&self) -> [&Section; 8] {
        [
            &self.headline,
            &self.prefectures,
            &self.trend,
            &self.counties,
            &self.hotline,
            &self.referral,
            &self.files,
            &self.rejects,
        ]
    }
}

/// The region code of a prefecture row.
pub fn region_code(row: &RateRow) -> Option<u32> {
    row.keys.first()?.key.parse().ok()
}

fn region_name(row: &RateRow) -> String {
    row.keys.first().map_or("", |k| k.region_name()).to_string()
}

/// Computes everything the report shows.
pub fn build(logs: &Logs, regions: &RegionTable, opts: &ReportOptions) -> PolarsResult<Report> {
    let lang = opts.lang;
    let period = &opts.period;
    let judgement = &opts.judgement;
    let headline = headline::compute(logs, regions, period, judgement, opts.sla_days)?;

    let rates_by = |dim: Dimension| -> PolarsResult<(Rates, RatesOptions)> {
        let ropts = RatesOptions {
            by: vec![dim],
            period: period.clone(),
            judgement: judgement.clone(),
        };
        let mut result = rates::compute(&logs.mediation, regions, &ropts)?;
        result.rows.retain(|r| opts.filters.shows(&[dim], r));
        Ok((result, ropts))
    };
    let (prefectures, prefecture_opts) = rates_by(Dimension::Prefecture)?;
    // The county table of the whole province, judged as `rates --by county`
    // judges it; the report shows the counties of the chosen prefectures.
    let (counties, _) = rates_by(Dimension::County)?;
    let county_prefectures: Vec<(u32, String)> = prefectures
        .rows
        .iter()
        .filter(|r| opts.counties == CountyScope::All || r.verdict == Verdict::Below)
        .filter_map(|r| Some((region_code(r)?, region_name(r))))
        .collect();

    let trend = trend::compute(&logs.mediation, regions, period, judgement)?;

    let hotline_opts = HotlineOptions {
        by: vec![Dimension::Prefecture],
        period: period.clone(),
        sla_days: opts.sla_days,
    };
    let mut hotline_figures = hotline::compute(&logs.hotline, regions, &hotline_opts)?;
    hotline_figures
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::Prefecture], r));
    let referral_opts = ReferralOptions {
        by: Dimension::Prefecture,
        period: period.clone(),
        link_days: opts.link_days,
    };
    let mut referrals = referral::compute(&logs.hotline, &logs.mediation, regions, &referral_opts)?;
    referrals
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::Prefecture], r));
    let findings =
        tables::referral::findings_lines(&referrals.findings, regions, opts.link_days, lang);

    let section = |file_stem, table| Section { file_stem, table };
    let mut sections = Sections {
        headline: section("headline", tables::report::headline_table(&headline, lang)),
        prefectures: section(
            "prefectures",
            tables::rates::rates_table(&prefectures, &prefecture_opts, lang, &[]),
        ),
        trend: section(
            "trend",
            tables::report::trend_table(&trend, judgement, lang),
        ),
        counties: section(
            "counties",
            tables::report::county_table(
                &counties,
                &county_prefectures,
                opts.counties == CountyScope::All,
                period,
                judgement,
                lang,
            ),
        ),
        hotline: section(
            "hotline",
            tables::hotline::hotline_table(&hotline_figures, &hotline_opts, lang, &[]),
        ),
        referral: section(
            "referral_funnel",
            tables::referral::referral_table(&referrals, &referral_opts, lang, &[]),
        ),
        files: section("files", accounting::files_table(&logs.files, lang)),
        rejects: section(
            "rejects_by_reason",
            accounting::rejects_by_reason_table(&logs.rejects, lang),
        ),
    };
    for section in [
        &mut sections.prefectures,
        &mut sections.trend,
        &mut sections.counties,
        &mut sections.hotline,
        &mut sections.referral,
    ] {
        tables::mark_filtered(&mut section.table, &opts.filters, lang);
    }
    Ok(Report {
        period: period.clone(),
        period_name: opts.period_name.clone(),
        lang,
        baseline: judgement.baseline,
        generated_at: opts.generated_at.clone(),
        filter_note: tables::filter_note(&opts.filters, lang),
        headline,
        prefectures,
        county_prefectures,
        trend,
        findings,
        sections,
    })
}
