//! The report's own tables: the headline figures, the twelve-month trend
//! and the county tables of the prefectures it looks at. (Its prefecture,
//! hotline, referral and accounting tables are the commands' tables.)

use super::{Column, ColumnKind, Table, Value};
use crate::Lang;
use crate::analysis::groups::Dimension;
use crate::analysis::headline::Headline;
use crate::analysis::rates::{Judgement, Rates, RatesOptions};
use crate::analysis::trend::TrendMonth;
use crate::period::Period;

/// The headline figures of the period and of the periods it is compared
/// with, one measure a row (the report's `headline.csv`).
pub fn headline_table(h: &Headline, lang: Lang) -> Table {
    let mut rows = Vec::new();
    let periods = [
        ("current", Some(&h.current)),
        ("previous", h.previous.as_ref()),
        ("year_ago", h.year_ago.as_ref()),
    ];
    for (which, figures) in periods {
        let Some(f) = figures else { continue };
        let m = &f.mediation;
        let label = f.period.label(lang);
        let measures: [(&str, Value); 10] = [
            ("closed", Value::Int(m.counts.closed() as i64)),
            ("decided", Value::Int(m.decided as i64)),
            ("successes", Value::Int(m.counts.successes as i64)),
            ("success_rate", Value::opt_float(m.success_rate)),
            ("ci_low", Value::opt_float(m.ci.map(|c| c.0))),
            ("ci_high", Value::opt_float(m.ci.map(|c| c.1))),
            ("verdict", Value::text(m.verdict.code())),
            ("hotline_received", Value::Int(f.received as i64)),
            ("hotline_closed", Value::Int(f.hotline_closed as i64)),
            ("hotline_closure_rate", Value::opt_float(f.closure_rate)),
        ];
        for (measure, value) in measures {
            rows.push(vec![
                Value::text(which),
                Value::text(label.clone()),
                Value::text(measure),
                value,
            ]);
        }
    }
    let (title, note) = match lang {
        Lang::Zh => (
            "要点",
            "current = 本期，previous = 上期，year_ago = 上年同期（数据未覆盖的期间不列出）",
        ),
        Lang::En => (
            "Headline",
            "current period, previous period and the same period a year earlier (left out where the data does not reach)",
        ),
    };
    Table {
        title: title.to_string(),
        notes: vec![note.to_string()],
        columns: vec![
            Column::new("period", "期间", "period", ColumnKind::Key),
            Column::new("dates", "日期", "dates", ColumnKind::Text),
            Column::new("measure", "指标", "measure", ColumnKind::Text),
            Column::new("value", "数值", "value", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

/// The headline as a reader takes it in (the report workbook's first
/// sheet): each figure with its value and what goes with it, in the
/// words of the page. headline.csv keeps the figures for machines.
pub fn headline_for_reading(
    title: &str,
    items: &[crate::report::wording::HeadlineItem],
    lang: Lang,
) -> Table {
    let rows = items
        .iter()
        .map(|item| {
            vec![
                Value::text(item.label.clone()),
                Value::text(item.value.clone()),
                Value::text(item.details.join("；")),
            ]
        })
        .collect();
    Table {
        title: match lang {
            Lang::Zh => "要点".to_string(),
            Lang::En => "Headline".to_string(),
        },
        notes: vec![title.to_string()],
        columns: vec![
            Column::new("measure", "指标", "measure", ColumnKind::Text),
            Column::new("value", "数值", "value", ColumnKind::Text),
            Column::new("details", "说明", "details", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

/// The province's rate month by month, with the prefectures judged below
/// the baseline each month.
pub fn trend_table(trend: &[TrendMonth], judgement: &Judgement, lang: Lang) -> Table {
    let columns = vec![
        Column::new("month", "月份", "month", ColumnKind::Key),
        Column::new("closed", "结案", "closed", ColumnKind::Count),
        Column::new("successes", "成功", "successes", ColumnKind::Count),
        Column::new("decided", "分母", "decided", ColumnKind::Count),
        Column::new("success_rate", "成功率", "success rate", ColumnKind::Rate),
        Column::new("ci_low", "95%下限", "95% low", ColumnKind::Rate),
        Column::new("ci_high", "95%上限", "95% high", ColumnKind::Rate),
        Column::new(
            "prefectures_below",
            "低于基线的市州",
            "prefectures below",
            ColumnKind::Text,
        ),
    ];
    let separator = if lang == Lang::Zh { "、" } else { ", " };
    let rows = trend
        .iter()
        .map(|t| {
            let p = &t.province;
            if !t.covered {
                // A month the data does not reach: 数据未覆盖, never 0.
                let mut cells = vec![Value::text(t.month.clone())];
                let uncovered = Value::uncovered(super::rates::not_covered(lang));
                cells.extend(std::iter::repeat_n(uncovered, 7));
                return cells;
            }
            vec![
                Value::text(t.month.clone()),
                Value::Int(p.counts.closed() as i64),
                Value::Int(p.counts.successes as i64),
                Value::Int(p.decided as i64),
                Value::opt_float(p.success_rate),
                Value::opt_float(p.ci.map(|c| c.0)),
                Value::opt_float(p.ci.map(|c| c.1)),
                Value::text(t.below().join(separator)),
            ]
        })
        .collect();
    // The denominator over the twelve months shown.
    let span = Period {
        from: trend.first().and_then(|t| t.province_period.from),
        to: trend.last().and_then(|t| t.province_period.to),
    };
    let ropts = RatesOptions {
        by: vec![Dimension::Month],
        period: span,
        judgement: judgement.clone(),
    };
    let (title, note) = match lang {
        Lang::Zh => (
            "全省月度成功率（近12个月）",
            "每月单独判定各市州（与按月统计的成功率表相同）；数据未覆盖的月份不计",
        ),
        Lang::En => (
            "Province success rate by month (last 12 months)",
            "prefectures judged month by month, as a monthly rates table judges them; months outside the data are left out",
        ),
    };
    let denominator = super::rates::denominator_note(&ropts, lang);
    Table {
        title: title.to_string(),
        notes: vec![denominator, note.to_string()],
        columns,
        rows,
        total: None,
    }
}

/// The counties of the prefectures `shown` (every prefecture when
/// `every_prefecture`), judged as `rates --by county` judges them: the BH
/// family is the whole province's counties.
pub fn county_table(
    counties: &Rates,
    shown: &[(u32, String)],
    every_prefecture: bool,
    period: &Period,
    judgement: &Judgement,
    lang: Lang,
) -> Table {
    let ropts = RatesOptions {
        by: vec![Dimension::County],
        period: period.clone(),
        judgement: judgement.clone(),
    };
    let mut table = super::rates::rates_table(counties, &ropts, lang, &[]);
    // County keys are "prefecture_code:county_code".
    let wanted: Vec<String> = shown.iter().map(|(code, _)| format!("{code}:")).collect();
    let rows: Vec<Vec<Value>> = counties
        .rows
        .iter()
        .zip(table.rows)
        .filter(|(r, _)| {
            r.keys
                .first()
                .is_some_and(|k| wanted.iter().any(|w| k.key.starts_with(w.as_str())))
        })
        .map(|(_, cells)| cells)
        .collect();
    table.rows = rows;
    // The province total belongs to the full county table, not to a subset.
    table.total = None;
    let names: Vec<&str> = shown.iter().map(|(_, n)| n.as_str()).collect();
    let scope = match (lang, every_prefecture, names.is_empty()) {
        (Lang::Zh, true, _) => "全部市州".to_string(),
        (Lang::Zh, false, true) => "本期没有低于基线的市州".to_string(),
        (Lang::Zh, false, false) => format!("低于基线的市州：{}", names.join("、")),
        (Lang::En, true, _) => "every prefecture".to_string(),
        (Lang::En, false, true) => "no prefecture is below the baseline".to_string(),
        (Lang::En, false, false) => {
            format!("prefectures below the baseline: {}", names.join(", "))
        }
    };
    let family = match lang {
        Lang::Zh => "各县市区的判定与全省按县市区统计的成功率表相同（校正范围为全省县市区）",
        Lang::En => {
            "counties are judged as the province's table by county judges them (adjusted over all the province's counties)"
        }
    };
    table.notes.insert(0, scope);
    table.notes.push(family.to_string());
    table
}

/// The best (or worst) `n` ranked counties of the province, by shrunken
/// rate, beside their raw rates: the 排名 a 通报 prints, fairly.
pub fn ranked_counties(counties: &Rates, n: usize, best: bool, lang: Lang) -> Table {
    // A "(未填)" row holds cases without a county: ranked in the table (as
    // the spec ranks every row) but no county to name in a league table.
    let not_a_county = |r: &&crate::analysis::rates::RateRow| {
        r.keys
            .iter()
            .any(crate::analysis::groups::KeyValue::is_not_given)
    };
    let skipped = counties
        .rows
        .iter()
        .filter(|r| r.ranking.is_some())
        .any(|r| not_a_county(&r));
    let mut ranked: Vec<&crate::analysis::rates::RateRow> = counties
        .rows
        .iter()
        .filter(|r| r.ranking.is_some() && !not_a_county(r))
        .collect();
    ranked.sort_by_key(|r| r.ranking.map_or(u32::MAX, |k| k.rank));
    if !best {
        ranked.reverse();
    }
    let rows = ranked
        .into_iter()
        .take(n)
        .map(|r| {
            let k = r.ranking.expect("ranked rows");
            let mut cells = vec![Value::Int(i64::from(k.rank))];
            cells.extend(r.keys.iter().flat_map(|key| super::key_cells(key, lang)));
            cells.extend([
                Value::Int(r.counts.successes as i64),
                Value::Int(r.decided as i64),
                Value::opt_float(r.success_rate),
                Value::Float(k.shrunken.rate),
                Value::Float(k.shrunken.low),
                Value::Float(k.shrunken.high),
            ]);
            cells
        })
        .collect();
    let mut columns = vec![Column::new("rank", "排名", "rank", ColumnKind::Count)];
    columns.extend(super::key_columns(Dimension::County));
    columns.extend([
        Column::new("successes", "成功", "successes", ColumnKind::Count),
        Column::new("decided", "分母", "decided", ColumnKind::Count),
        Column::new("success_rate", "原始成功率", "raw rate", ColumnKind::Rate),
        Column::new(
            "shrunken_rate",
            "收敛成功率",
            "shrunken rate",
            ColumnKind::Rate,
        ),
        Column::new("shrunken_low", "95%下限", "95% low", ColumnKind::Rate),
        Column::new("shrunken_high", "95%上限", "95% high", ColumnKind::Rate),
    ]);
    let title = match (lang, best) {
        (Lang::Zh, true) => format!("县市区排名前 {n} 位"),
        (Lang::Zh, false) => format!("县市区排名后 {n} 位（从最后一位起）"),
        (Lang::En, true) => format!("The {n} best ranked counties"),
        (Lang::En, false) => format!("The {n} worst ranked counties, worst first"),
    };
    let why = match lang {
        Lang::Zh => {
            "排名按收敛成功率而非原始成功率：案件少的县，原始成功率很容易偶然偏高或偏低，收敛成功率把它向全省水平拉近，案件越少拉得越多，这样 3 件全成功的县不会排在几十件、六成成功的县前面。收敛成功率的 95% 区间越宽，名次越不确定"
        }
        Lang::En => {
            "ranked by shrunken rate, not raw rate: a county with few cases easily has a high or low rate by chance; the shrunken rate pulls it toward the province's, the more the fewer its cases, so 3 of 3 does not outrank 32 of 38. The wider the interval, the less certain the place"
        }
    };
    let mut notes = vec![why.to_string()];
    if skipped {
        notes.push(match lang {
            Lang::Zh => "“(未填)”行（没填县市区的案件）不是一个县市区，不列入本表；名次按全省按县市区统计的表中所有行排出（含这些行），所以名次可能有空缺".to_string(),
            Lang::En => "\"(not given)\" rows (cases without a county) are no county and are left out here; places count every row of the province's county table, those rows included, so a place may be missing".to_string(),
        });
    }
    Table {
        title,
        notes,
        columns,
        rows,
        total: None,
    }
}
