//! Filters shared by the analysis commands (`--prefecture`, `--county`,
//! `--channel`, `--source`, `--dispute-type`, `--category`): resolved once
//! against the region table and the enum spellings the loader accepts,
//! then applied to the checked rows before any figure is computed.
//!
//! Regions given with `--prefecture` and `--county` are one selection (a
//! row in any of them is kept); different filters combine (a row must pass
//! each). Per-region tables then list only the selected regions.

use polars::prelude::*;

use super::Streamed;
use super::groups::{Dimension, Grouped};
use crate::ingest::schema::{CHANNEL, EnumSpec, LogKind, SOURCE, normalize_token};
use crate::messages::{Message, quote};
use crate::regions::{CountyMatch, RegionTable};

/// The filter values as typed on the command line.
#[derive(Debug, Clone, Default)]
pub struct FilterValues {
    pub prefectures: Vec<String>,
    pub counties: Vec<String>,
    pub channels: Vec<String>,
    pub sources: Vec<String>,
    pub dispute_types: Vec<String>,
    pub categories: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilterError {
    #[error("{}", Message::UnknownPrefecture { value: quote(.0) })]
    UnknownPrefecture(String),
    #[error("{}", Message::UnknownCounty { value: quote(.0) })]
    UnknownCounty(String),
    #[error("{}", Message::UnknownFilterValue { flag: flag.to_string(), value: quote(value), accepted: accepted.clone() })]
    UnknownValue {
        flag: &'static str,
        value: String,
        accepted: String,
    },
    #[error("{}", Message::FilterWrongKind { flag: flag.to_string(), kind: kind.to_string(), other: other.to_string() })]
    WrongKind {
        flag: &'static str,
        kind: &'static str,
        other: &'static str,
    },
}

/// Resolved filters: region codes and stored enum codes.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Prefectures selected whole.
    prefectures: Vec<u32>,
    /// County-level divisions selected, with their prefecture.
    counties: Vec<(u32, u32)>,
    channels: Vec<&'static str>,
    sources: Vec<&'static str>,
    dispute_types: Vec<String>,
    categories: Vec<String>,
    /// The selection as people read it, for table notes.
    labels: Vec<(&'static str, String)>,
}

fn enum_codes(
    spec: &EnumSpec,
    flag: &'static str,
    values: &[String],
) -> Result<Vec<&'static str>, FilterError> {
    values
        .iter()
        .map(|v| {
            spec.parse(v).ok_or_else(|| FilterError::UnknownValue {
                flag,
                value: v.clone(),
                accepted: spec.describe(),
            })
        })
        .collect()
}

impl Filters {
    pub fn resolve(values: &FilterValues, regions: &RegionTable) -> Result<Filters, FilterError> {
        let mut f = Filters::default();
        for p in &values.prefectures {
            let code = regions
                .lookup_prefecture(p)
                .ok_or_else(|| FilterError::UnknownPrefecture(p.clone()))?;
            f.prefectures.push(code);
            f.labels
                .push(("prefecture", regions.name_of(code).to_string()));
        }
        for c in &values.counties {
            let unknown = || FilterError::UnknownCounty(c.clone());
            let (prefecture, unit) = match regions.lookup_county(c) {
                Some(CountyMatch::County(code)) => {
                    let parent = regions
                        .get(code)
                        .and_then(|r| r.parent_code)
                        .ok_or_else(unknown)?;
                    (parent, code)
                }
                // A direct unit (仙桃, 潜江, 天门, 神农架) is its own county level.
                Some(CountyMatch::Prefecture(code))
                    if regions.counties_of(code).next().is_none() =>
                {
                    (code, code)
                }
                _ => match regions.lookup_prefecture(c) {
                    Some(code) if regions.counties_of(code).next().is_none() => (code, code),
                    _ => return Err(unknown()),
                },
            };
            f.counties.push((prefecture, unit));
            f.labels.push(("county", regions.name_of(unit).to_string()));
        }
        f.channels = enum_codes(&CHANNEL, "channel", &values.channels)?;
        f.sources = enum_codes(&SOURCE, "source", &values.sources)?;
        for code in &f.channels {
            f.labels
                .push(("channel", CHANNEL.label(code, crate::Lang::Zh)));
        }
        for code in &f.sources {
            f.labels
                .push(("source", SOURCE.label(code, crate::Lang::Zh)));
        }
        f.dispute_types = values
            .dispute_types
            .iter()
            .map(|v| v.trim().to_string())
            .collect();
        f.categories = values
            .categories
            .iter()
            .map(|v| v.trim().to_string())
            .collect();
        for d in &f.dispute_types {
            f.labels.push(("dispute_type", d.clone()));
        }
        for c in &f.categories {
            f.labels.push(("category", c.clone()));
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Refuses filters on columns that none of the command's logs have
    /// (e.g. `rates --category`).
    pub fn check_applies(&self, kinds: &[LogKind]) -> Result<(), FilterError> {
        let has = |k: LogKind| kinds.contains(&k);
        let mediation_only = [
            ("channel", !self.channels.is_empty()),
            ("source", !self.sources.is_empty()),
            ("dispute-type", !self.dispute_types.is_empty()),
        ];
        for (flag, given) in mediation_only {
            if given && !has(LogKind::Mediation) {
                return Err(FilterError::WrongKind {
                    flag,
                    kind: "mediation",
                    other: "hotline",
                });
            }
        }
        if !self.categories.is_empty() && !has(LogKind::Hotline) {
            return Err(FilterError::WrongKind {
                flag: "category",
                kind: "hotline",
                other: "mediation",
            });
        }
        Ok(())
    }

    /// Whether a region filter is given (per-region tables then list only
    /// the selected regions).
    pub fn has_regions(&self) -> bool {
        !self.prefectures.is_empty() || !self.counties.is_empty()
    }

    /// The rows of a log (of `kind`) that pass every filter that concerns
    /// it, and the filter values that match no row at all (likely typos).
    pub fn apply(
        &self,
        frame: &DataFrame,
        kind: LogKind,
    ) -> PolarsResult<(DataFrame, Vec<String>)> {
        let mut conditions: Vec<Expr> = Vec::new();
        if self.has_regions() {
            let mut region = lit(false);
            if !self.prefectures.is_empty() {
                let codes = Series::new("".into(), self.prefectures.clone());
                region = region.or(col("prefecture_code").is_in(lit(codes).implode(false), false));
            }
            for &(prefecture, unit) in &self.counties {
                region = region.or(if prefecture == unit {
                    col("prefecture_code").eq(lit(prefecture))
                } else {
                    col("county_code").eq(lit(unit)).fill_null(lit(false))
                });
            }
            conditions.push(region);
        }
        let mut unmatched = Vec::new();
        let mut text_filter = |column: &str, flag: &str, wanted: &[String]| -> PolarsResult<()> {
            if wanted.is_empty() {
                return Ok(());
            }
            // Match as the loader matches spellings: case, width and space aside.
            let present = frame
                .column(column)?
                .as_materialized_series()
                .unique()?
                .cast(&DataType::String)?;
            let present: Vec<String> = present
                .str()?
                .iter()
                .flatten()
                .map(str::to_string)
                .collect();
            let mut keep: Vec<String> = Vec::new();
            for w in wanted {
                let token = normalize_token(w);
                let hits: Vec<&String> = present
                    .iter()
                    .filter(|p| normalize_token(p) == token)
                    .collect();
                if hits.is_empty() {
                    unmatched.push(format!("--{flag} {w:?}"));
                }
                keep.extend(hits.into_iter().cloned());
            }
            let keep = Series::new("".into(), keep);
            conditions.push(
                col(column)
                    .cast(DataType::String)
                    .is_in(lit(keep).implode(false), false)
                    .fill_null(lit(false)),
            );
            Ok(())
        };
        match kind {
            LogKind::Mediation => {
                text_filter("dispute_type", "dispute-type", &self.dispute_types)?;
                for (column, codes) in [("channel", &self.channels), ("source", &self.sources)] {
                    if !codes.is_empty() {
                        let codes = Series::new("".into(), codes.clone());
                        conditions.push(
                            col(column)
                                .cast(DataType::String)
                                .is_in(lit(codes).implode(false), false)
                                .fill_null(lit(false)),
                        );
                    }
                }
            }
            LogKind::Hotline => text_filter("category", "category", &self.categories)?,
        }
        if conditions.is_empty() {
            return Ok((frame.clone(), unmatched));
        }
        let all = conditions
            .into_iter()
            .reduce(|a, b| a.and(b))
            .expect("not empty");
        Ok((
            frame.clone().lazy().filter(all).collect_streamed()?,
            unmatched,
        ))
    }

    /// Whether a per-region table shows this row: with a region filter,
    /// only the selected regions (the others hold no rows after filtering).
    pub fn shows(&self, by: &[Dimension], row: &impl Grouped) -> bool {
        if !self.has_regions() {
            return true;
        }
        by.iter().zip(row.keys()).all(|(dim, key)| match dim {
            Dimension::Prefecture => key.key.parse::<u32>().is_ok_and(|p| {
                self.prefectures.contains(&p) || self.counties.iter().any(|c| c.0 == p)
            }),
            Dimension::County => {
                let (p, unit) = key.key.split_once(':').unwrap_or((&key.key, ""));
                let p: u32 = p.parse().unwrap_or(0);
                let unit: Option<u32> = unit.parse().ok();
                self.prefectures.contains(&p)
                    || self
                        .counties
                        .iter()
                        .any(|&(cp, cu)| cp == p && unit == Some(cu))
            }
            _ => true,
        })
    }

    /// The selection as people read it: (what, value) pairs such as
    /// ("prefecture", "襄阳市"), in the order given.
    pub fn selection(&self) -> &[(&'static str, String)] {
        &self.labels
    }
}
