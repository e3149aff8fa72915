//! The hotline → mediation referral funnel, by the ticket's region.
//!
//! Over tickets handled 转调解 (received in the period, when one is given):
//! referred → linked (named by at least one case's hotline_ticket_id) →
//! closed (at least one linked case closed: success, failure or withdrawn)
//! → successes (at least one linked case succeeded). Also the data-quality
//! findings that links raise.

use chrono::NaiveDate;
use polars::prelude::*;

use super::Streamed;
use super::groups::{self, Dimension, KeyValue};
use crate::period::{Period, day_lit};
use crate::regions::RegionTable;

#[derive(Debug, Clone)]
pub struct ReferralOptions {
    pub by: Dimension,
    pub period: Period,
    /// A referred ticket with no case this many days after the call is a finding.
    pub link_days: i64,
}

#[derive(Debug, Clone)]
pub struct ReferralRow {
    pub keys: Vec<KeyValue>,
    pub referred: u64,
    pub linked: u64,
    pub closed: u64,
    pub successes: u64,
}

impl groups::Grouped for ReferralRow {
    fn keys(&self) -> &[KeyValue] {
        &self.keys
    }
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl ReferralRow {
    pub fn referred_to_linked(&self) -> Option<f64> {
        ratio(self.linked, self.referred)
    }
    pub fn linked_to_closed(&self) -> Option<f64> {
        ratio(self.closed, self.linked)
    }
    pub fn closed_to_success(&self) -> Option<f64> {
        ratio(self.successes, self.closed)
    }
}

/// A case linked to a ticket of another prefecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRegionLink {
    pub case_id: String,
    pub ticket_id: String,
    pub case_prefecture: u32,
    pub ticket_prefecture: u32,
}

/// How many ids a finding lists; its count is always given in full.
pub const LISTED_IDS: usize = 50;

/// A finding: how many rows raise it and the first [`LISTED_IDS`] of
/// them in id order — all that is shown, so a list of a million orphan
/// links is counted, not sorted and copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    pub count: usize,
    pub first: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed {
            count: 0,
            first: Vec::new(),
        }
    }
}

/// The count of `ids` and the first [`LISTED_IDS`] of them in byte order
/// (Polars' string order), chosen without sorting them all.
pub fn first_ids<'a>(ids: impl Iterator<Item = &'a str>) -> Listed<String> {
    let mut all: Vec<&str> = ids.collect();
    let count = all.len();
    if count > LISTED_IDS {
        all.select_nth_unstable(LISTED_IDS);
        all.truncate(LISTED_IDS);
    }
    all.sort_unstable();
    Listed {
        count,
        first: all.into_iter().map(str::to_string).collect(),
    }
}

#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Cases whose hotline_ticket_id matches no ticket.
    pub orphan_links: Listed<String>,
    /// 12351转入 cases with no ticket id.
    pub hotline_cases_without_ticket: Listed<String>,
    /// Referred tickets with no case `link_days` after the call, as of `as_of`.
    pub unlinked_tickets: Listed<String>,
    pub cross_region_links: Listed<CrossRegionLink>,
    /// The latest date in the data: "now" for the link deadline.
    pub as_of: Option<NaiveDate>,
}

pub struct Referrals {
    pub rows: Vec<ReferralRow>,
    pub total: ReferralRow,
    pub findings: Findings,
}

/// The texts of the column `name` of `df` (never null where it is asked).
fn texts<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<impl Iterator<Item = &'a str>> {
    Ok(df.column(name)?.str()?.iter().map(|s| s.unwrap_or("")))
}

/// A finding's ids: the column `name` of `df`.
fn listed(df: &DataFrame, name: &str) -> PolarsResult<Listed<String>> {
    Ok(first_ids(texts(df, name)?))
}

fn latest_date(hotline: &DataFrame, mediation: &DataFrame) -> PolarsResult<Option<NaiveDate>> {
    let days = |df: &DataFrame, columns: [Expr; 2]| -> PolarsResult<Vec<Option<i32>>> {
        let maxima = df
            .clone()
            .lazy()
            .select(columns.map(|c| c.max().cast(DataType::Int32)))
            .collect_streamed()?;
        maxima
            .columns()
            .iter()
            .map(|c| Ok(c.i32()?.get(0)))
            .collect()
    };
    let mut all = days(
        hotline,
        [col("received_at").dt().date(), col("closed_at").dt().date()],
    )?;
    all.extend(days(mediation, [col("received_on"), col("closed_on")])?);
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    Ok(all
        .into_iter()
        .flatten()
        .max()
        .map(|d| epoch + chrono::Duration::days(d as i64)))
}

/// What a funnel is computed over: the rows it reports on (filtered by
/// region, category or a case's channel, source or type) and every row,
/// among which links are looked up: a 武汉市 case may name a 黄石市 ticket,
/// and a ticket named by a case of another channel is still linked.
#[derive(Clone, Copy)]
pub struct ReferralLogs<'a> {
    pub hotline: &'a DataFrame,
    pub mediation: &'a DataFrame,
    /// Every hotline and mediation row, when the two above are filtered.
    pub unfiltered: Option<(&'a DataFrame, &'a DataFrame)>,
}

impl ReferralLogs<'_> {
    fn all_hotline(&self) -> &DataFrame {
        self.unfiltered.map_or(self.hotline, |(h, _)| h)
    }

    fn all_mediation(&self) -> &DataFrame {
        self.unfiltered.map_or(self.mediation, |(_, m)| m)
    }
}

pub fn compute(
    logs: ReferralLogs,
    regions: &RegionTable,
    opts: &ReferralOptions,
) -> PolarsResult<Referrals> {
    let hotline = logs.hotline;
    let day = col("received_at").dt().date();
    let dims = [opts.by];
    let referred = hotline
        .clone()
        .lazy()
        .filter(
            opts.period
                .contains(day.clone())
                .and(col("handling").eq(lit("referred"))),
        )
        .with_column(groups::key_expr(opts.by, regions, day.clone()))
        .collect_streamed()?;
    // Per referred ticket: how many cases name it, whether one is closed /
    // succeeded. Only the cases naming a referred ticket are grouped (a
    // semi join on the referred ids): without it every linked case's
    // ticket id would be, and with no hotline file those are all orphans.
    let referred_ids = referred.clone().lazy().select([col("ticket_id")]);
    let links = logs
        .all_mediation()
        .clone()
        .lazy()
        .filter(col("hotline_ticket_id").is_not_null())
        .join(
            referred_ids,
            [col("hotline_ticket_id")],
            [col("ticket_id")],
            JoinArgs::new(JoinType::Semi),
        )
        .group_by([col("hotline_ticket_id").alias("ticket_id")])
        .agg([
            len().alias("__cases"),
            col("outcome")
                .neq(lit("pending"))
                .any(true)
                .alias("__closed"),
            col("outcome")
                .eq(lit("success"))
                .any(true)
                .alias("__success"),
        ]);
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    let tickets = referred
        .lazy()
        .join(links, [col("ticket_id")], [col("ticket_id")], args)
        .with_columns([
            col("__cases").is_not_null().alias("__linked"),
            col("__closed").fill_null(lit(false)),
            col("__success").fill_null(lit(false)),
        ])
        .collect_streamed()?;
    let counts = [
        len().alias("referred"),
        col("__linked").sum().alias("linked"),
        col("__closed").sum().alias("closed"),
        col("__success").sum().alias("successes"),
    ];
    let agg = tickets
        .clone()
        .lazy()
        .group_by(groups::key_columns(&dims))
        .agg(counts.clone())
        .collect_streamed()?;
    let row =
        |keys: Vec<KeyValue>, df: &DataFrame, i: Option<usize>| -> PolarsResult<ReferralRow> {
            Ok(ReferralRow {
                keys,
                referred: groups::count_at(df, "referred", i)?,
                linked: groups::count_at(df, "linked", i)?,
                closed: groups::count_at(df, "closed", i)?,
                successes: groups::count_at(df, "successes", i)?,
            })
        };
    let rows = groups::full_table(&agg, &dims, regions, &opts.period)?
        .into_iter()
        .map(|(keys, i)| row(keys, &agg, i))
        .collect::<PolarsResult<Vec<_>>>()?;
    let total_agg = tickets.clone().lazy().select(counts).collect_streamed()?;
    let total = row(Vec::new(), &total_agg, Some(0))?;

    let findings = findings(logs, &tickets, opts)?;
    Ok(Referrals {
        rows,
        total,
        findings,
    })
}

/// The link checks' findings, each counted and its first ids listed: the
/// orphan links alone can be a fifth of all cases.
fn findings(
    logs: ReferralLogs,
    referred: &DataFrame,
    opts: &ReferralOptions,
) -> PolarsResult<Findings> {
    let (hotline, mediation) = (logs.all_hotline(), logs.all_mediation());
    // The cases reported on: a link of one of them is looked up among all
    // tickets.
    let cases = logs.mediation;
    let ticket_ids = hotline
        .column("ticket_id")?
        .as_materialized_series()
        .clone();
    let orphans = cases
        .clone()
        .lazy()
        .filter(
            col("hotline_ticket_id").is_not_null().and(
                col("hotline_ticket_id")
                    .is_in(lit(ticket_ids).implode(false), false)
                    .not(),
            ),
        )
        .select([col("case_id")])
        .collect_streamed()?;
    let without_ticket = cases
        .clone()
        .lazy()
        .filter(
            col("source")
                .eq(lit("hotline"))
                .and(col("hotline_ticket_id").is_null()),
        )
        .select([col("case_id")])
        .collect_streamed()?;

    let as_of = latest_date(hotline, mediation)?;
    let unlinked = match as_of {
        Some(as_of) => {
            let deadline = as_of - chrono::Duration::days(opts.link_days);
            referred
                .clone()
                .lazy()
                .filter(
                    col("__linked")
                        .not()
                        .and(col("received_at").dt().date().lt(day_lit(deadline))),
                )
                .select([col("ticket_id")])
                .collect_streamed()?
        }
        None => referred.clear(),
    };

    // Cases linked to a ticket of another prefecture.
    let tickets = hotline.clone().lazy().select([
        col("ticket_id").alias("hotline_ticket_id"),
        col("prefecture_code").alias("__ticket_prefecture"),
    ]);
    // Reported when the case or its ticket is among the rows reported on.
    let reported = match logs.unfiltered {
        None => lit(true),
        Some(_) => {
            let ids = |df: &DataFrame, name: &str| -> PolarsResult<Expr> {
                Ok(lit(df.column(name)?.as_materialized_series().clone()).implode(false))
            };
            col("case_id")
                .is_in(ids(cases, "case_id")?, false)
                .or(col("hotline_ticket_id").is_in(ids(logs.hotline, "ticket_id")?, false))
        }
    };
    let cross = mediation
        .clone()
        .lazy()
        .filter(col("hotline_ticket_id").is_not_null().and(reported))
        .join(
            tickets,
            [col("hotline_ticket_id")],
            [col("hotline_ticket_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("prefecture_code").neq(col("__ticket_prefecture")))
        .select([
            col("case_id"),
            col("hotline_ticket_id"),
            col("prefecture_code"),
            col("__ticket_prefecture"),
        ])
        .sort(["case_id"], SortMultipleOptions::default())
        .collect_streamed()?;
    let shown = cross.head(Some(LISTED_IDS));
    let case_pref = shown.column("prefecture_code")?.u32()?;
    let ticket_pref = shown.column("__ticket_prefecture")?.u32()?;
    let first = texts(&shown, "case_id")?
        .zip(texts(&shown, "hotline_ticket_id")?)
        .enumerate()
        .map(|(i, (case_id, ticket_id))| CrossRegionLink {
            case_id: case_id.to_string(),
            ticket_id: ticket_id.to_string(),
            case_prefecture: case_pref.get(i).unwrap_or(0),
            ticket_prefecture: ticket_pref.get(i).unwrap_or(0),
        })
        .collect();
    let cross_region_links = Listed {
        count: cross.height(),
        first,
    };

    Ok(Findings {
        orphan_links: listed(&orphans, "case_id")?,
        hotline_cases_without_ticket: listed(&without_ticket, "case_id")?,
        unlinked_tickets: listed(&unlinked, "ticket_id")?,
        cross_region_links,
        as_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_ids_are_the_sorted_list_cut_after_the_listed_count() {
        let mut below = crate::testing::below(17);
        for n in [0, 1, LISTED_IDS - 1, LISTED_IDS, LISTED_IDS + 1, 1000] {
            // Ids drawn from a small range repeat, as copied cases do.
            let ids: Vec<String> = (0..n).map(|_| format!("TJ-{:04}", below(700))).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.truncate(LISTED_IDS);
            let got = first_ids(ids.iter().map(String::as_str));
            assert_eq!(got.count, n);
            assert_eq!(got.first, sorted, "{n} ids");
        }
    }
}
