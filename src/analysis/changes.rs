//! Rates compared, row by row (bulletin.md): against an earlier period
//! (环比 the period before, 同比 the same period a year earlier), and court
//! against arbitration. Each difference gets Newcombe's interval and
//! Fisher's exact test, adjusted by Benjamini–Hochberg over the rows with
//! at least min-cases decided on both sides, and a verdict.

use polars::prelude::*;

use chrono::Datelike;

use super::Streamed;
use super::groups::{Dimension, KeyValue};
use super::rates::{self, Judgement, RateRow, Rates, RatesOptions};
use crate::period::Period;
use crate::regions::RegionTable;
use crate::stats;

/// One side of a comparison: successes out of decided cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Side {
    pub successes: u64,
    pub decided: u64,
}

impl Side {
    fn of(row: &RateRow) -> Side {
        Side {
            successes: row.counts.successes,
            decided: row.decided,
        }
    }

    pub fn rate(self) -> Option<f64> {
        (self.decided > 0).then(|| self.successes as f64 / self.decided as f64)
    }
}

/// The verdict on a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffVerdict {
    /// The first side is higher (the rate went up; court higher).
    Higher,
    Lower,
    NoClearDifference,
    TooFew,
}

/// A row's difference, first side minus second.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub first: Side,
    pub second: Side,
    pub difference: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub verdict: DiffVerdict,
}

fn difference(first: Side, second: Side) -> Difference {
    let (k1, n1, k2, n2) = (
        first.successes,
        first.decided,
        second.successes,
        second.decided,
    );
    let both = n1 > 0 && n2 > 0;
    Difference {
        first,
        second,
        difference: both.then(|| k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64),
        interval: stats::newcombe_interval(k1, n1, k2, n2, 0.95),
        p_value: stats::fisher_exact_two_sided(k1, n1, k2, n2),
        p_adjusted: None,
        verdict: DiffVerdict::TooFew,
    }
}

/// BH over the rows with at least min-cases decided on both sides, then
/// each row's verdict.
fn judge(rows: &mut [Difference], judgement: &Judgement) {
    let enough = |d: &Difference| {
        d.first.decided >= judgement.min_cases.max(1)
            && d.second.decided >= judgement.min_cases.max(1)
    };
    let family: Vec<usize> = (0..rows.len())
        .filter(|&i| enough(&rows[i]) && rows[i].p_value.is_some())
        .collect();
    let p: Vec<f64> = family
        .iter()
        .map(|&i| rows[i].p_value.unwrap_or(1.0))
        .collect();
    for (&i, q) in family.iter().zip(stats::benjamini_hochberg(&p)) {
        rows[i].p_adjusted = Some(q);
    }
    for d in rows.iter_mut() {
        d.verdict = if !enough(d) {
            DiffVerdict::TooFew
        } else {
            match (d.p_adjusted, d.difference) {
                (Some(q), Some(x)) if q < judgement.alpha && x > 0.0 => DiffVerdict::Higher,
                (Some(q), Some(x)) if q < judgement.alpha && x < 0.0 => DiffVerdict::Lower,
                _ => DiffVerdict::NoClearDifference,
            }
        };
    }
}

/// The total's verdict: tested alone (no adjustment).
fn judge_alone(d: &mut Difference, judgement: &Judgement) {
    let enough = d.first.decided >= judgement.min_cases.max(1)
        && d.second.decided >= judgement.min_cases.max(1);
    d.verdict = match (enough, d.p_value, d.difference) {
        (false, _, _) => DiffVerdict::TooFew,
        (true, Some(p), Some(x)) if p < judgement.alpha && x > 0.0 => DiffVerdict::Higher,
        (true, Some(p), Some(x)) if p < judgement.alpha && x < 0.0 => DiffVerdict::Lower,
        _ => DiffVerdict::NoClearDifference,
    };
}

fn key_of(keys: &[KeyValue]) -> String {
    keys.iter()
        .map(|k| k.key.as_str())
        .collect::<Vec<_>>()
        .join("\u{1}")
}

/// How a row of the earlier period finds its row now: by the same keys,
/// a month key moved on by the months between the two periods' starts
/// (2024-01 against 2023-01 a year earlier, not against nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Matching {
    /// Where the month is among the keys, when grouped by month.
    month: Option<usize>,
    months_later: i32,
}

impl Matching {
    pub fn new(by: &[Dimension], now: &Period, then: &Period) -> Matching {
        let month_number = |p: &Period| p.from.map(|d| d.year() * 12 + d.month0() as i32);
        Matching {
            month: by.iter().position(|&d| d == Dimension::Month),
            months_later: match (month_number(now), month_number(then)) {
                (Some(now), Some(then)) => now - then,
                _ => 0,
            },
        }
    }

    /// The key an earlier row is matched by.
    fn key_of_earlier(&self, keys: &[KeyValue]) -> String {
        let Some(at) = self.month else {
            return key_of(keys);
        };
        let mut keys = keys.to_vec();
        if let Some(month) = keys.get_mut(at)
            && let Some(moved) = months_on(&month.key, self.months_later)
        {
            month.key = moved;
        }
        key_of(&keys)
    }
}

/// A month key (YYYY-MM) `n` months on.
fn months_on(month: &str, n: i32) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let index = y.parse::<i32>().ok()? * 12 + m.parse::<i32>().ok()? - 1 + n;
    Some(format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    ))
}

/// Rows of `now` with their differences against the matching rows (same
/// keys) of `then`; a row `then` lacks compares with no cases.
pub struct Comparison {
    /// One per row of the current table, in its order; none when the
    /// earlier period lies outside the data (数据未覆盖).
    pub rows: Vec<Option<Difference>>,
    pub total: Option<Difference>,
}

/// The current rates against an earlier period's; `covered` says whether
/// the data reaches the earlier period at all.
pub fn against_earlier(
    now: &Rates,
    then: &Rates,
    matching: Matching,
    covered: bool,
    judgement: &Judgement,
) -> Comparison {
    if !covered {
        return Comparison {
            rows: vec![None; now.rows.len()],
            total: None,
        };
    }
    let earlier: std::collections::HashMap<String, Side> = then
        .rows
        .iter()
        .map(|r| (matching.key_of_earlier(&r.keys), Side::of(r)))
        .collect();
    let mut rows: Vec<Difference> = now
        .rows
        .iter()
        .map(|r| {
            let before = earlier.get(&key_of(&r.keys)).copied().unwrap_or_default();
            difference(Side::of(r), before)
        })
        .collect();
    judge(&mut rows, judgement);
    let mut total = difference(Side::of(&now.total), Side::of(&then.total));
    judge_alone(&mut total, judgement);
    Comparison {
        rows: rows.into_iter().map(Some).collect(),
        total: Some(total),
    }
}

/// Court (法院+工会) against arbitration (人社+工会) per row of the table
/// `opts` describes: the rows and keys of all cases, each with the two
/// channels' successes and decided cases.
pub fn court_against_arbitration(
    mediation: &DataFrame,
    regions: &RegionTable,
    opts: &RatesOptions,
) -> PolarsResult<(Rates, Comparison)> {
    let all = rates::compute(mediation, regions, opts)?;
    let of_channel = |code: &str| -> PolarsResult<Rates> {
        let only = mediation
            .clone()
            .lazy()
            .filter(col("channel").cast(DataType::String).eq(lit(code)))
            .collect_streamed()?;
        rates::compute(&only, regions, opts)
    };
    let court = of_channel("court")?;
    let arbitration = of_channel("arbitration")?;
    let side_map = |r: &Rates| -> std::collections::HashMap<String, Side> {
        r.rows
            .iter()
            .map(|row| (key_of(&row.keys), Side::of(row)))
            .collect()
    };
    let (c, a) = (side_map(&court), side_map(&arbitration));
    let mut rows: Vec<Difference> = all
        .rows
        .iter()
        .map(|r| {
            let k = key_of(&r.keys);
            difference(
                c.get(&k).copied().unwrap_or_default(),
                a.get(&k).copied().unwrap_or_default(),
            )
        })
        .collect();
    judge(&mut rows, &opts.judgement);
    let mut total = difference(Side::of(&court.total), Side::of(&arbitration.total));
    judge_alone(&mut total, &opts.judgement);
    Ok((
        all,
        Comparison {
            rows: rows.into_iter().map(Some).collect(),
            total: Some(total),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(k: u64, n: u64) -> Side {
        Side {
            successes: k,
            decided: n,
        }
    }

    #[test]
    fn months_are_matched_with_the_same_month_of_the_earlier_period() {
        assert_eq!(months_on("2023-01", 12).as_deref(), Some("2024-01"));
        assert_eq!(months_on("2023-11", 3).as_deref(), Some("2024-02"));
        assert_eq!(months_on("2024-02", -3).as_deref(), Some("2023-11"));
        let q1 = Period::quarter("2024Q1").unwrap();
        let month = |m: &str| KeyValue {
            key: m.to_string(),
            label: super::super::groups::KeyLabel::Text(m.to_string()),
        };
        let by = [Dimension::Month];
        let year_earlier = Matching::new(&by, &q1, &q1.year_earlier(true).unwrap());
        assert_eq!(year_earlier.key_of_earlier(&[month("2023-02")]), "2024-02");
        let previous = Matching::new(&by, &q1, &q1.previous(true).unwrap());
        assert_eq!(previous.key_of_earlier(&[month("2023-10")]), "2024-01");
        // Not grouped by month: keys as they are.
        let by_prefecture =
            Matching::new(&[Dimension::Prefecture], &q1, &q1.previous(true).unwrap());
        assert_eq!(by_prefecture.key_of_earlier(&[month("2023-10")]), "2023-10");
    }

    #[test]
    fn a_clear_fall_is_lower_and_a_small_one_is_no_clear_change() {
        let judgement = Judgement::default();
        // 120/300 vs 150/300: Fisher p = 0.0172482 (scipy) → lower when alone.
        let mut rows = vec![difference(side(120, 300), side(150, 300))];
        judge(&mut rows, &judgement);
        assert_eq!(rows[0].verdict, DiffVerdict::Lower);
        // 54/93 vs 40/90: p = 0.0765 → no clear change.
        let mut rows = vec![difference(side(54, 93), side(40, 90))];
        judge(&mut rows, &judgement);
        assert_eq!(rows[0].verdict, DiffVerdict::NoClearDifference);
        let (lo, hi) = rows[0].interval.unwrap();
        assert!((lo + 0.008312).abs() < 1e-6 && (hi - 0.272988).abs() < 1e-6);
    }

    #[test]
    fn rows_with_too_few_cases_on_either_side_are_too_few_and_outside_the_family() {
        let judgement = Judgement::default();
        let mut rows = vec![
            difference(side(6, 10), side(2, 9)),
            difference(side(30, 40), side(20, 40)),
        ];
        judge(&mut rows, &judgement);
        assert_eq!(rows[0].verdict, DiffVerdict::TooFew);
        assert_eq!(rows[0].p_adjusted, None);
        assert!(rows[0].p_value.is_some());
        // A family of one: adjusted = raw, 0.0368 < 0.05 → higher.
        assert_eq!(rows[1].verdict, DiffVerdict::Higher);
        // No decided case on one side: no difference, no test.
        let d = difference(side(3, 4), side(0, 0));
        assert_eq!((d.difference, d.p_value, d.interval), (None, None, None));
    }
}
