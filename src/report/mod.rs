//! The report folder (month, quarter, half-year or year), split by job:
//!
//! - here: what the report holds, computed by the same analyses and
//!   tables as `rates`, `hotline` and `funnel` (so its numbers are theirs);
//! - [`wording`]: what it says (title, headline sentences, section headings);
//! - [`page`], [`markdown`], [`charts`]: how it is laid out;
//! - [`folder`]: the one function that writes the folder, charts included.

pub mod charts;
pub mod docx;
pub mod folder;
pub mod markdown;
pub mod page;
pub mod wording;

use polars::prelude::*;

use crate::Lang;
use crate::analysis::changes::{self, Comparison};
use crate::analysis::coverage::{self, DataRange};
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
use crate::tables::rates::CompareWith;
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
    /// A calendar month, quarter, half or year (else a span of days): how
    /// the periods it is compared with are found.
    pub named: bool,
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
    /// False when the table has nothing to show, as a comparison with a
    /// period outside the data: the page and the documents then give its
    /// title and notes only; the CSV file still holds every row.
    pub tabulated: bool,
}

pub struct Report {
    pub period: Period,
    pub named: bool,
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
    /// The whole province's counties, ranked (for the ranking section).
    pub counties: Rates,
    /// Hotline figures of the period's last `--sla-days` are not final yet.
    pub hotline_immature: bool,
    /// The hotline data reaches the period: otherwise its tables are a
    /// note (数据未覆盖), not a table of zeros.
    pub hotline_covered: bool,
    /// Every table, in the order the page shows them.
    pub sections: Sections,
}

pub struct Sections {
    pub headline: Section,
    pub prefectures: Section,
    /// Each prefecture against the period before (环比) and a year earlier (同比).
    pub changes_previous: Section,
    pub changes_last_year: Section,
    pub trend: Section,
    pub counties: Section,
    pub county_changes_previous: Section,
    pub county_changes_last_year: Section,
    /// The province's best and worst ranked counties.
    pub top_counties: Section,
    pub bottom_counties: Section,
    pub hotline: Section,
    pub referral: Section,
    pub files: Section,
    pub rejects: Section,
}

impl Sections {
    pub fn all(&self) -> [&Section; 14] {
        [
            &self.headline,
            &self.prefectures,
            &self.changes_previous,
            &self.changes_last_year,
            &self.trend,
            &self.counties,
            &self.county_changes_previous,
            &self.county_changes_last_year,
            &self.top_counties,
            &self.bottom_counties,
            &self.hotline,
            &self.referral,
            &self.files,
            &self.rejects,
        ]
    }
}

/// How many counties the ranking section lists at each end.
pub const RANKED_COUNTIES: usize = 10;

/// The region code of a prefecture row.
pub fn region_code(row: &RateRow) -> Option<u32> {
    row.keys.first()?.key.parse().ok()
}

fn region_name(row: &RateRow) -> String {
    row.keys.first().map_or("", |k| k.region_name()).to_string()
}

/// Keeps the rows of a table built over `all` whose keys are in `keys`.
fn retain_keys(table: &mut Table, all: &Rates, keys: &[String]) {
    let keep: Vec<bool> = all
        .rows
        .iter()
        .map(|r| r.keys.first().is_some_and(|k| keys.contains(&k.key)))
        .collect();
    let rows = std::mem::take(&mut table.rows);
    table.rows = rows
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(r, _)| r)
        .collect();
}

/// Computes everything the report shows, from `logs` (filtered as
/// `opts.filters` says; `unfiltered` holds every row when a filter took some
/// out, for the referral funnel's links).
pub fn build(
    logs: &Logs,
    unfiltered: Option<(&DataFrame, &DataFrame)>,
    regions: &RegionTable,
    opts: &ReportOptions,
) -> PolarsResult<Report> {
    let lang = opts.lang;
    let period = &opts.period;
    let judgement = &opts.judgement;
    let mediation_range = DataRange::of_mediation(&logs.mediation)?;
    let range = DataRange::union(mediation_range, DataRange::of_hotline(&logs.hotline)?);
    let headline = headline::compute(
        logs,
        regions,
        period,
        opts.named,
        judgement,
        opts.sla_days,
        range,
    )?;

    // Each rates table of the period is computed once (a scan of every
    // case): the tables the filters narrow are copies with rows left out.
    let period_opts = |dim: Dimension| RatesOptions {
        by: vec![dim],
        period: period.clone(),
        judgement: judgement.clone(),
    };
    let prefecture_opts = period_opts(Dimension::Prefecture);
    let prefectures_all = rates::compute(&logs.mediation, regions, &prefecture_opts)?;
    // The county table of the whole province, judged as `rates --by county`
    // judges it; the report shows the counties of the chosen prefectures.
    let province_counties =
        rates::compute(&logs.mediation, regions, &period_opts(Dimension::County))?;
    let shown = |all: &Rates, dim: Dimension| {
        let mut rates = all.clone();
        rates.rows.retain(|r| opts.filters.shows(&[dim], r));
        rates
    };
    let prefectures = shown(&prefectures_all, Dimension::Prefecture);
    let counties = shown(&province_counties, Dimension::County);
    let county_prefectures: Vec<(u32, String)> = prefectures
        .rows
        .iter()
        .filter(|r| opts.counties == CountyScope::All || r.verdict == Verdict::Below)
        .filter_map(|r| Some((region_code(r)?, region_name(r))))
        .collect();

    // Each prefecture (and county) against the period before and a year earlier.
    let earlier = [period.previous(opts.named), period.year_earlier(opts.named)];
    let compared =
        |dim: Dimension, now: &Rates| -> PolarsResult<Vec<(Comparison, Option<Period>)>> {
            let mut out = Vec::new();
            for then_period in &earlier {
                let Some(p) = then_period else {
                    let none = changes::Matching::default();
                    out.push((
                        changes::against_earlier(now, now, none, false, judgement),
                        None,
                    ));
                    continue;
                };
                let then_opts = RatesOptions {
                    period: p.clone(),
                    ..period_opts(dim)
                };
                let then = rates::compute(&logs.mediation, regions, &then_opts)?;
                let covered = coverage::reaches(mediation_range, p);
                let matching = changes::Matching::new(&[dim], period, p);
                out.push((
                    changes::against_earlier(now, &then, matching, covered, judgement),
                    Some(p.clone()),
                ));
            }
            Ok(out)
        };
    let prefecture_changes = compared(Dimension::Prefecture, &prefectures_all)?;
    let county_changes = compared(Dimension::County, &province_counties)?;

    let trend = trend::compute(&logs.mediation, regions, period, judgement, mediation_range)?;
    let hotline_range = DataRange::of_hotline(&logs.hotline)?;
    let hotline_covered = crate::analysis::coverage::reaches(hotline_range, period);
    let hotline_immature = hotline::immature(&logs.hotline, period, opts.sla_days)?;

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
    let referral_logs = referral::ReferralLogs {
        hotline: &logs.hotline,
        mediation: &logs.mediation,
        unfiltered,
    };
    let mut referrals = referral::compute(referral_logs, regions, &referral_opts)?;
    referrals
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::Prefecture], r));
    let findings =
        tables::referral::findings_lines(&referrals.findings, regions, opts.link_days, lang);

    let section = |file_stem, table| Section {
        file_stem,
        table,
        tabulated: true,
    };
    let change_section = |file_stem,
                          dim: Dimension,
                          (c, p): &(Comparison, Option<Period>),
                          with| {
        let now_opts = period_opts(dim);
        let now = if dim == Dimension::Prefecture {
            &prefectures_all
        } else {
            &province_counties
        };
        Section {
            file_stem,
            table: tables::rates::comparison_table(now, c, &now_opts, with, p.as_ref(), lang, &[]),
            tabulated: c.total.is_some(),
        }
    };
    let mut sections = Sections {
        headline: section("headline", tables::report::headline_table(&headline, lang)),
        prefectures: section(
            "prefectures",
            tables::rates::rates_table(&prefectures, &prefecture_opts, lang, &[]),
        ),
        changes_previous: change_section(
            "prefecture_changes_previous",
            Dimension::Prefecture,
            &prefecture_changes[0],
            CompareWith::Previous,
        ),
        changes_last_year: change_section(
            "prefecture_changes_last_year",
            Dimension::Prefecture,
            &prefecture_changes[1],
            CompareWith::LastYear,
        ),
        county_changes_previous: change_section(
            "county_changes_previous",
            Dimension::County,
            &county_changes[0],
            CompareWith::Previous,
        ),
        county_changes_last_year: change_section(
            "county_changes_last_year",
            Dimension::County,
            &county_changes[1],
            CompareWith::LastYear,
        ),
        top_counties: section(
            "ranking_top_counties",
            tables::report::ranked_counties(&province_counties, RANKED_COUNTIES, true, lang),
        ),
        bottom_counties: section(
            "ranking_bottom_counties",
            tables::report::ranked_counties(&province_counties, RANKED_COUNTIES, false, lang),
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
    // Comparison tables show the rows the other tables show.
    let prefecture_keys: Vec<String> = prefectures
        .rows
        .iter()
        .map(|r| r.keys[0].key.clone())
        .collect();
    retain_keys(
        &mut sections.changes_previous.table,
        &prefectures_all,
        &prefecture_keys,
    );
    retain_keys(
        &mut sections.changes_last_year.table,
        &prefectures_all,
        &prefecture_keys,
    );
    let county_keys: Vec<String> = province_counties
        .rows
        .iter()
        .map(|r| r.keys[0].key.clone())
        .filter(|k| {
            county_prefectures
                .iter()
                .any(|(code, _)| k.starts_with(&format!("{code}:")))
        })
        .collect();
    for t in [
        &mut sections.county_changes_previous.table,
        &mut sections.county_changes_last_year.table,
    ] {
        retain_keys(t, &province_counties, &county_keys);
        t.total = None;
    }
    if !hotline_covered {
        for section in [&mut sections.hotline, &mut sections.referral] {
            section.tabulated = false;
            section
                .table
                .notes
                .insert(0, tables::hotline::not_covered_note(lang));
        }
    }
    if hotline_immature && hotline_covered {
        sections
            .hotline
            .table
            .notes
            .insert(0, tables::hotline::immature_note(opts.sla_days, lang));
    }
    for section in [
        &mut sections.prefectures,
        &mut sections.changes_previous,
        &mut sections.changes_last_year,
        &mut sections.trend,
        &mut sections.counties,
        &mut sections.county_changes_previous,
        &mut sections.county_changes_last_year,
        &mut sections.hotline,
        &mut sections.referral,
    ] {
        tables::mark_filtered(&mut section.table, &opts.filters, lang);
    }
    Ok(Report {
        period: period.clone(),
        named: opts.named,
        counties: province_counties,
        hotline_immature,
        hotline_covered,
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
