//! Reporting periods: a month, quarter, half-year, year or a date range,
//! always whole days, both ends inclusive.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::ingest::parse::parse_date;
use crate::messages::{Message, quote};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First day in the period; none for "from the start of the data".
    pub from: Option<NaiveDate>,
    /// Last day in the period (inclusive).
    pub to: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("{}", Message::BadMonth { value: quote(.0) })]
    Month(String),
    #[error("{}", Message::BadQuarter { value: quote(.0) })]
    Quarter(String),
    #[error("{}", Message::BadHalf { value: quote(.0) })]
    Half(String),
    #[error("{}", Message::BadYear { value: quote(.0) })]
    Year(String),
    #[error("{}", Message::BadYearToDate { value: quote(.0) })]
    YearToDate(String),
    #[error("{}", Message::BadDate { flag: (*.0).to_string(), value: quote(.1) })]
    Date(&'static str, String),
    #[error("{}", Message::Reversed { from: (*.0).to_string(), to: (*.1).to_string() })]
    Reversed(NaiveDate, NaiveDate),
}

/// A day as a Polars Date literal. Polars' own `lit(NaiveDate)` is a
/// Datetime at midnight (in nanoseconds), so comparing a Date column with it
/// casts the whole column to Datetime first: same answer, a multiply and a
/// copy of every row (12 % of a report's compute on 5M rows).
pub fn day_lit(day: NaiveDate) -> Expr {
    // Days since 1970-01-01, which is day 719 163 of the common era.
    Expr::Literal(Scalar::new_date(day.num_days_from_ce() - 719_163).into())
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

fn months(year: i32, first: u32, last: u32) -> Option<Period> {
    months_from_to(year, first, year, last)
}

fn months_from_to(from_year: i32, first: u32, to_year: i32, last: u32) -> Option<Period> {
    Some(Period {
        from: Some(NaiveDate::from_ymd_opt(from_year, first, 1)?),
        to: Some(last_day_of_month(to_year, last)?),
    })
}

fn year_of(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl Period {
    pub fn all() -> Period {
        Period {
            from: None,
            to: None,
        }
    }

    pub fn month(s: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError::Month(s.to_string());
        let (y, m) = s.trim().split_once(['-', '/']).ok_or_else(err)?;
        let m: u32 = m.parse().map_err(|_| err())?;
        if !(1..=12).contains(&m) {
            return Err(err());
        }
        months(year_of(y).ok_or_else(err)?, m, m).ok_or_else(err)
    }

    pub fn quarter(s: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError::Quarter(s.to_string());
        let upper = s.trim().to_ascii_uppercase();
        let (y, q) = upper.split_once(['Q', '-']).ok_or_else(err)?;
        let q = q.trim_start_matches('Q');
        let q: u32 = q.parse().map_err(|_| err())?;
        if !(1..=4).contains(&q) {
            return Err(err());
        }
        months(year_of(y).ok_or_else(err)?, q * 3 - 2, q * 3).ok_or_else(err)
    }

    pub fn half(s: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError::Half(s.to_string());
        let upper = s.trim().to_ascii_uppercase();
        let (y, h) = upper.split_once('H').ok_or_else(err)?;
        let h: u32 = h.parse().map_err(|_| err())?;
        if !(1..=2).contains(&h) {
            return Err(err());
        }
        months(year_of(y).ok_or_else(err)?, h * 6 - 5, h * 6).ok_or_else(err)
    }

    pub fn year(s: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError::Year(s.to_string());
        months(year_of(s.trim()).ok_or_else(err)?, 1, 12).ok_or_else(err)
    }

    pub fn range(from: Option<&str>, to: Option<&str>) -> Result<Period, PeriodError> {
        let parse = |flag: &'static str, s: &str| {
            parse_date(s).ok_or_else(|| PeriodError::Date(flag, s.to_string()))
        };
        let from = from.map(|s| parse("from", s)).transpose()?;
        let to = to.map(|s| parse("to", s)).transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(PeriodError::Reversed(f, t));
        }
        Ok(Period { from, to })
    }

    /// `2023年6月1日至2023年6月30日` / `2023-06-01..2023-06-30`, an open
    /// end said as such.
    pub fn label(&self, lang: crate::Lang) -> String {
        let zh_day = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
        match (self.from, self.to, lang) {
            (None, None, crate::Lang::Zh) => "全部日期".to_string(),
            (None, None, crate::Lang::En) => "all dates".to_string(),
            (Some(f), Some(t), crate::Lang::Zh) => format!("{}至{}", zh_day(f), zh_day(t)),
            (Some(f), None, crate::Lang::Zh) => format!("{}起", zh_day(f)),
            (None, Some(t), crate::Lang::Zh) => format!("截至{}", zh_day(t)),
            (f, t, crate::Lang::En) => format!(
                "{}..{}",
                f.map_or("…".to_string(), |d| d.to_string()),
                t.map_or("…".to_string(), |d| d.to_string())
            ),
        }
    }

    /// How a named period reads: `2023年6月`, `2023年第二季度`,
    /// `2023年下半年`, `2023年` (English: `June 2023`, `2023 Q2`, …).
    pub fn display_name(folder_name: &str, lang: crate::Lang) -> String {
        let zh = lang == crate::Lang::Zh;
        if let Some((a, b)) = folder_name.split_once('_') {
            // A span: 2023-01_2023-06 (months) or 2023-03-15_2023-04-20.
            let parts =
                |s: &str| -> Vec<u32> { s.split('-').filter_map(|p| p.parse().ok()).collect() };
            let (x, y) = (parts(a), parts(b));
            return match (x.as_slice(), y.as_slice(), zh) {
                ([y1, m1], [y2, m2], true) if y1 == y2 => format!("{y1}年{m1}月至{m2}月"),
                ([y1, m1], [y2, m2], true) => format!("{y1}年{m1}月至{y2}年{m2}月"),
                ([y1, m1, d1], [y2, m2, d2], true) if y1 == y2 => {
                    format!("{y1}年{m1}月{d1}日至{m2}月{d2}日")
                }
                ([y1, m1, d1], [y2, m2, d2], true) => {
                    format!("{y1}年{m1}月{d1}日至{y2}年{m2}月{d2}日")
                }
                _ => format!("{a} – {b}"),
            };
        }
        let (year, rest) = folder_name.split_at(folder_name.len().min(4));
        let months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match rest.chars().next() {
            Some('-') => {
                let m: usize = rest[1..].parse().unwrap_or(1);
                if zh {
                    format!("{year}年{m}月")
                } else {
                    format!("{} {year}", months[m.clamp(1, 12) - 1])
                }
            }
            Some('Q') => {
                let q = &rest[1..];
                let q_zh = ["一", "二", "三", "四"];
                match (zh, q.parse::<usize>()) {
                    (true, Ok(n @ 1..=4)) => format!("{year}年第{}季度", q_zh[n - 1]),
                    _ => format!("{year} Q{q}"),
                }
            }
            Some('H') => match (zh, &rest[1..]) {
                (true, "1") => format!("{year}年上半年"),
                (true, _) => format!("{year}年下半年"),
                (false, "1") => format!("first half of {year}"),
                (false, _) => format!("second half of {year}"),
            },
            _ if zh => format!("{year}年"),
            _ => year.to_string(),
        }
    }

    /// Whether a Date column (or the day of a Datetime column) lies in the
    /// period; a datetime on the last day is in, at any hour.
    pub fn contains(&self, day: Expr) -> Expr {
        let mut cond = day.clone().is_not_null();
        if let Some(f) = self.from {
            cond = cond.and(day.clone().gt_eq(day_lit(f)));
        }
        if let Some(t) = self.to {
            cond = cond.and(day.lt_eq(day_lit(t)));
        }
        cond
    }

    /// A folder-style name for a span: `2023-01_2023-06` for whole months,
    /// else `2023-03-15_2023-04-20`; none for an open span.
    pub fn span_name(&self) -> Option<String> {
        let (f, t) = (self.from?, self.to?);
        let whole = f.day() == 1 && t.succ_opt().is_some_and(|next| next.day() == 1);
        Some(if whole {
            format!(
                "{:04}-{:02}_{:04}-{:02}",
                f.year(),
                f.month(),
                t.year(),
                t.month()
            )
        } else {
            format!("{f}_{t}")
        })
    }

    /// The period before this one: for a named period (month, quarter,
    /// half, year) the one of the same kind before it; for a span of days,
    /// as many days just before. None for an open period.
    pub fn previous(&self, named: bool) -> Option<Period> {
        if named && let Some(months) = self.month_count() {
            return self.shifted_by_months(-months);
        }
        let (f, t) = (self.from?, self.to?);
        let days = (t - f).num_days() + 1;
        let to = f.pred_opt()?;
        Some(Period {
            from: to.checked_sub_signed(chrono::Duration::days(days - 1)),
            to: Some(to),
        })
    }

    /// The same dates a year earlier (29 February is 28 February); for a
    /// named period, the same months. None for an open period.
    pub fn year_earlier(&self, named: bool) -> Option<Period> {
        if named {
            return self.shifted_by_months(-12);
        }
        let back = |d: NaiveDate| {
            NaiveDate::from_ymd_opt(d.year() - 1, d.month(), d.day())
                .or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, d.month(), d.day() - 1))
        };
        Some(Period {
            from: Some(back(self.from?)?),
            to: Some(back(self.to?)?),
        })
    }

    /// The same span moved by `months` calendar months, for a period of
    /// whole months (the previous month, the same quarter a year earlier).
    /// `None` for an open or partial-month period.
    pub fn shifted_by_months(&self, months: i32) -> Option<Period> {
        let (f, t) = (self.from?, self.to?);
        let whole = f.day() == 1 && t.succ_opt().is_some_and(|next| next.day() == 1);
        if !whole {
            return None;
        }
        let shift = |y: i32, m: u32| {
            let index = y * 12 + m as i32 - 1 + months;
            (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
        };
        let (fy, fm) = shift(f.year(), f.month());
        let (ty, tm) = shift(t.year(), t.month());
        months_from_to(fy, fm, ty, tm)
    }

    /// The number of calendar months of a whole-month period.
    pub fn month_count(&self) -> Option<i32> {
        let (f, t) = (self.from?, self.to?);
        Some((t.year() - f.year()) * 12 + t.month() as i32 - f.month() as i32 + 1)
    }

    /// The months (YYYY-MM) the period spans, when both ends are known.
    pub fn month_keys(&self) -> Option<Vec<String>> {
        let (f, t) = (self.from?, self.to?);
        let mut keys = Vec::new();
        let (mut y, mut m) = (f.year(), f.month());
        while (y, m) <= (t.year(), t.month()) {
            keys.push(format!("{y:04}-{m:02}"));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        Some(keys)
    }
}

/// A period as asked for on the command line, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodChoice {
    Month(String),
    Quarter(String),
    Half(String),
    Year(String),
    /// `--ytd YYYY-MM`: 1 January to the end of that month (1–N月累计).
    YearToDate(String),
    /// `--from`/`--to`; both empty means all dates.
    Range {
        from: Option<String>,
        to: Option<String>,
    },
}

impl PeriodChoice {
    /// The period, or why it cannot be one.
    pub fn resolve(&self) -> Result<Period, PeriodError> {
        match self {
            PeriodChoice::Month(s) => Period::month(s),
            PeriodChoice::Quarter(s) => Period::quarter(s),
            PeriodChoice::Half(s) => Period::half(s),
            PeriodChoice::Year(s) => Period::year(s),
            PeriodChoice::YearToDate(s) => {
                let month = Period::month(s).map_err(|_| PeriodError::YearToDate(s.clone()))?;
                let to = month.to.ok_or_else(|| PeriodError::YearToDate(s.clone()))?;
                Ok(Period {
                    from: NaiveDate::from_ymd_opt(to.year(), 1, 1),
                    to: Some(to),
                })
            }
            PeriodChoice::Range { from, to } => Period::range(from.as_deref(), to.as_deref()),
        }
    }

    /// Whether the period is a calendar month, quarter, half or year (its
    /// previous period is the one of the same kind before it), rather than
    /// a span of days (its previous period is as many days just before).
    pub fn is_named(&self) -> bool {
        matches!(
            self,
            PeriodChoice::Month(_)
                | PeriodChoice::Quarter(_)
                | PeriodChoice::Half(_)
                | PeriodChoice::Year(_)
        )
    }

    /// The period and its folder-style name: 2023-06, 2023Q2, 2023H1, 2023
    /// (none for a range).
    pub fn resolve_named(&self) -> Result<(Period, Option<String>), PeriodError> {
        let period = self.resolve()?;
        let Some(first) = period.from else {
            return Ok((period, None));
        };
        let (year, month) = (first.year(), first.month());
        let name = match self {
            PeriodChoice::Month(_) => Some(format!("{year:04}-{month:02}")),
            PeriodChoice::Quarter(_) => Some(format!("{year:04}Q{}", month.div_ceil(3))),
            PeriodChoice::Half(_) => Some(format!("{year:04}H{}", month.div_ceil(6))),
            PeriodChoice::Year(_) => Some(format!("{year:04}")),
            PeriodChoice::YearToDate(_) | PeriodChoice::Range { .. } => period.span_name(),
        };
        Ok((period, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_literal_is_a_date_and_selects_the_days_of_the_period() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let value = day_lit(day("2023-12-31"));
        let frame = df!("x" => [0i32]).unwrap();
        let as_column = frame.lazy().select([value]).collect().unwrap();
        let column = as_column.columns()[0].clone();
        assert_eq!(column.dtype(), &DataType::Date);
        // 2023-12-31 is day 19 722 after 1970-01-01 (Python: date(2023,12,31) - date(1970,1,1)).
        assert_eq!(
            column.cast(&DataType::Int32).unwrap().i32().unwrap().get(0),
            Some(19_722)
        );

        let days = Series::new(
            "day".into(),
            [
                day("1969-12-31"),
                day("2023-12-01"),
                day("2023-12-31"),
                day("2024-01-01"),
            ],
        );
        let period = Period::month("2023-12").unwrap();
        let kept = DataFrame::new(4, vec![days.into()])
            .unwrap()
            .lazy()
            .filter(period.contains(col("day")))
            .collect()
            .unwrap();
        let kept: Vec<_> = kept
            .column("day")
            .unwrap()
            .date()
            .unwrap()
            .physical()
            .into_no_null_iter()
            .collect();
        assert_eq!(kept, [19_692, 19_722]);
    }

    #[test]
    fn period_names_read_as_people_write_them() {
        use crate::Lang::{En, Zh};
        assert_eq!(Period::display_name("2023-06", Zh), "2023年6月");
        assert_eq!(Period::display_name("2023Q2", Zh), "2023年第二季度");
        assert_eq!(Period::display_name("2023H2", Zh), "2023年下半年");
        assert_eq!(Period::display_name("2023", Zh), "2023年");
        assert_eq!(
            Period::display_name("2023-01_2023-06", Zh),
            "2023年1月至6月"
        );
        assert_eq!(
            Period::display_name("2023-03-15_2023-04-20", Zh),
            "2023年3月15日至4月20日"
        );
        assert_eq!(Period::display_name("2023-06", En), "June 2023");
    }

    #[test]
    fn year_to_date_and_its_comparisons() {
        let ytd = PeriodChoice::YearToDate("2023-06".into());
        let (p, name) = ytd.resolve_named().unwrap();
        assert_eq!(
            p,
            Period::range(Some("2023-01-01"), Some("2023-06-30")).unwrap()
        );
        assert_eq!(name.as_deref(), Some("2023-01_2023-06"));
        // 181 days just before, and the same dates a year earlier.
        assert_eq!(
            p.previous(false),
            Some(Period::range(Some("2022-07-04"), Some("2022-12-31")).unwrap())
        );
        assert_eq!(
            p.year_earlier(false),
            Some(Period::range(Some("2022-01-01"), Some("2022-06-30")).unwrap())
        );
        let leap = Period::range(Some("2024-02-01"), Some("2024-02-29")).unwrap();
        assert_eq!(
            leap.year_earlier(false),
            Some(Period::range(Some("2023-02-01"), Some("2023-02-28")).unwrap())
        );
        let june = Period::month("2023-06").unwrap();
        assert_eq!(june.previous(true), Some(Period::month("2023-05").unwrap()));
        assert_eq!(
            june.year_earlier(true),
            Some(Period::month("2022-06").unwrap())
        );
    }

    #[test]
    fn named_periods_have_folder_names() {
        let name = |c: PeriodChoice| c.resolve_named().unwrap().1;
        assert_eq!(
            name(PeriodChoice::Month("2023-6".into())).as_deref(),
            Some("2023-06")
        );
        assert_eq!(
            name(PeriodChoice::Quarter("2023q2".into())).as_deref(),
            Some("2023Q2")
        );
        assert_eq!(
            name(PeriodChoice::Half("2023H2".into())).as_deref(),
            Some("2023H2")
        );
        assert_eq!(
            name(PeriodChoice::Year("2023".into())).as_deref(),
            Some("2023")
        );
        let range = PeriodChoice::Range {
            from: Some("2023-01-01".into()),
            to: None,
        };
        assert_eq!(name(range), None);
    }

    #[test]
    fn whole_month_periods_shift_across_years() {
        let june = Period::month("2023-06").unwrap();
        assert_eq!(
            june.shifted_by_months(-1),
            Some(Period::month("2023-05").unwrap())
        );
        assert_eq!(
            june.shifted_by_months(-12),
            Some(Period::month("2022-06").unwrap())
        );
        let q1 = Period::quarter("2023Q1").unwrap();
        assert_eq!(
            q1.shifted_by_months(-3),
            Some(Period::quarter("2022Q4").unwrap())
        );
        assert_eq!(q1.month_count(), Some(3));
        let feb = Period::month("2024-02").unwrap();
        assert_eq!(
            feb.shifted_by_months(-12),
            Some(Period::month("2023-02").unwrap())
        );
        let partial = Period::range(Some("2023-06-02"), Some("2023-06-30")).unwrap();
        assert_eq!(partial.shifted_by_months(-1), None);
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn month_covers_whole_days_inclusive() {
        assert_eq!(
            Period::month("2023-02").unwrap(),
            Period {
                from: d(2023, 2, 1),
                to: d(2023, 2, 28)
            }
        );
        assert_eq!(Period::month("2024-02").unwrap().to, d(2024, 2, 29));
        assert_eq!(Period::month("2023-12").unwrap().to, d(2023, 12, 31));
    }

    #[test]
    fn quarter_half_and_year() {
        assert_eq!(
            Period::quarter("2023Q2").unwrap(),
            Period {
                from: d(2023, 4, 1),
                to: d(2023, 6, 30)
            }
        );
        assert_eq!(
            Period::half("2023H2").unwrap(),
            Period {
                from: d(2023, 7, 1),
                to: d(2023, 12, 31)
            }
        );
        assert_eq!(
            Period::year("2023").unwrap(),
            Period {
                from: d(2023, 1, 1),
                to: d(2023, 12, 31)
            }
        );
    }

    #[test]
    fn malformed_periods_are_errors() {
        assert!(Period::month("2023-13").is_err());
        assert!(Period::month("June").is_err());
        assert!(Period::quarter("2023Q5").is_err());
        assert!(Period::half("2023H3").is_err());
        assert!(Period::year("23").is_err());
        assert!(Period::range(Some("2023-07-01"), Some("2023-06-01")).is_err());
    }

    #[test]
    fn range_accepts_the_spec_date_forms() {
        let p = Period::range(Some("2023/6/1"), Some("2023年6月30日")).unwrap();
        assert_eq!(
            p,
            Period {
                from: d(2023, 6, 1),
                to: d(2023, 6, 30)
            }
        );
        assert_eq!(p.label(crate::Lang::En), "2023-06-01..2023-06-30");
        assert_eq!(Period::all().label(crate::Lang::Zh), "全部日期");
    }

    #[test]
    fn month_keys_span_the_period() {
        let p = Period::range(Some("2022-11-15"), Some("2023-02-01")).unwrap();
        assert_eq!(
            p.month_keys().unwrap(),
            vec!["2022-11", "2022-12", "2023-01", "2023-02"]
        );
    }
}
