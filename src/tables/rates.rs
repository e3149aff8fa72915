//! The success-rate table: columns of csv/json are the group keys (regions
//! as code and name), closed, successes, failures, withdrawn, decided,
//! success_rate, ci_low, ci_high, p_value, p_adjusted, verdict.

use super::{Column, ColumnKind, Table, Value};
use crate::Lang;
use crate::analysis::changes::{Comparison, DiffVerdict, Difference};
use crate::analysis::groups::Dimension;
use crate::analysis::rates::{RateRow, Rates, RatesOptions};

/// The denominator, named in every table's header.
pub fn denominator_note(opts: &RatesOptions, lang: Lang) -> String {
    let period = opts.period.label(lang);
    match (lang, opts.judgement.withdrawn_as_failure) {
        (Lang::Zh, false) => format!(
            "成功率 = 调解成功 / (调解成功 + 调解不成功)，统计{}；撤回不计入分母",
            zh_scope(&opts.period)
        ),
        (Lang::Zh, true) => format!(
            "成功率 = 调解成功 / (调解成功 + 调解不成功 + 撤回)，统计{}",
            zh_scope(&opts.period)
        ),
        (Lang::En, false) => format!(
            "success rate = successes / (successes + failures), cases closed {period} (by closed_on); withdrawn cases not in the denominator"
        ),
        (Lang::En, true) => format!(
            "success rate = successes / (successes + failures + withdrawn), cases closed {period} (by closed_on)"
        ),
    }
}

/// "结案日期在2023年6月1日至2023年6月30日的案件", or every closed case.
fn zh_scope(period: &crate::period::Period) -> String {
    if period.from.is_none() && period.to.is_none() {
        "全部已结案的案件".to_string()
    } else {
        format!("结案日期在{}的案件", period.label(Lang::Zh))
    }
}

/// How rows are judged, named under the denominator.
pub fn method_note(opts: &RatesOptions, lang: Lang) -> String {
    let j = &opts.judgement;
    let baseline = j.baseline * 100.0;
    match lang {
        Lang::Zh => format!(
            "基线 {baseline}%；95% Wilson 区间；精确二项检验（双侧），对计入分母不少于 {} 件的行做 Benjamini–Hochberg 校正，校正 p < {} 才判定高于/低于基线",
            j.min_cases, j.alpha
        ),
        Lang::En => format!(
            "baseline {baseline}%; 95% Wilson interval; exact two-sided binomial test, Benjamini–Hochberg adjusted over rows with at least {} decided cases; above/below only when adjusted p < {}",
            j.min_cases, j.alpha
        ),
    }
}

/// The success-rate table of `rates` and the report: one row per group,
/// the province total, the denominator and method in its notes.
pub fn rates_table(
    result: &Rates,
    opts: &RatesOptions,
    lang: Lang,
    accounting: &[String],
) -> Table {
    let key_columns: Vec<Column> = opts
        .by
        .iter()
        .flat_map(|&d| super::key_columns(d))
        .collect();
    let ranked = is_region_table(opts);
    let mut figure_columns = vec![
        Column::new("received", "受理", "received", ColumnKind::Count),
        Column::new("closed", "结案", "closed", ColumnKind::Count),
        Column::new("successes", "成功", "successes", ColumnKind::Count),
        Column::new("failures", "不成功", "failures", ColumnKind::Count),
        Column::new("withdrawn", "撤回", "withdrawn", ColumnKind::Count),
        Column::new("decided", "分母", "decided", ColumnKind::Count),
        Column::new("success_rate", "成功率", "success rate", ColumnKind::Rate),
        Column::new("ci_low", "95%下限", "95% low", ColumnKind::Rate),
        Column::new("ci_high", "95%上限", "95% high", ColumnKind::Rate),
        Column::new("p_value", "p值", "p", ColumnKind::PValue),
        Column::new("p_adjusted", "校正p值", "adjusted p", ColumnKind::PValue),
        Column::new("verdict", "判定", "verdict", ColumnKind::Verdict),
        Column::new(
            "pending_at_end",
            "期末在办",
            "pending at end",
            ColumnKind::Count,
        ),
        Column::new(
            "amount_yuan",
            "涉案金额(万元)",
            "amount (10k yuan)",
            ColumnKind::Money,
        ),
        Column::new(
            "amount_cases",
            "有金额案件",
            "cases with amount",
            ColumnKind::Count,
        )
        .export_only(),
        Column::new(
            "settled_yuan",
            "调解金额(万元)",
            "settled (10k yuan)",
            ColumnKind::Money,
        ),
        Column::new("workers", "涉及职工", "workers", ColumnKind::Count),
    ];
    if ranked {
        figure_columns.extend([
            Column::new(
                "shrunken_rate",
                "收敛成功率",
                "shrunken rate",
                ColumnKind::Rate,
            ),
            Column::new(
                "shrunken_low",
                "收敛95%下限",
                "shrunken low",
                ColumnKind::Rate,
            )
            .export_only(),
            Column::new(
                "shrunken_high",
                "收敛95%上限",
                "shrunken high",
                ColumnKind::Rate,
            )
            .export_only(),
            Column::new("rank", "排名", "rank", ColumnKind::Count),
        ]);
    }
    let by: Vec<&str> = opts
        .by
        .iter()
        .map(|&d| super::dimension_label(d, lang))
        .collect();
    let title = match lang {
        Lang::Zh => format!("调解成功率（按{}）", by.join(" × ")),
        Lang::En => format!("Mediation success rate by {}", by.join(" × ")),
    };
    let mut notes = vec![denominator_note(opts, lang), method_note(opts, lang)];
    notes.push(caseload_note(lang));
    if ranked {
        notes.push(ranking_note(result.ranked_by_pooled_rate, lang));
    }
    notes.extend(accounting.iter().cloned());
    Table {
        title,
        notes,
        ..super::grouped_table(
            key_columns,
            figure_columns,
            &result.rows,
            &result.total,
            |r| figures(r, ranked, lang),
            lang,
        )
    }
}

/// Tables of regions are ranked (a league table is of regions).
pub fn is_region_table(opts: &RatesOptions) -> bool {
    matches!(
        opts.by.first(),
        Some(Dimension::Prefecture | Dimension::County)
    )
}

/// What the caseload and money columns count.
pub fn caseload_note(lang: Lang) -> String {
    match lang {
        Lang::Zh => "受理 = 受理日期在期内的案件；期末在办 = 期末前受理、期末未结案的案件；涉案金额、调解金额（为职工挽回经济损失，仅计调解成功）、涉及职工按期内结案的案件合计，空格计 0".to_string(),
        Lang::En => "received = cases received in the period; pending at end = received by its end and not closed by then; amount, settled amount (successes only) and workers summed over the cases closed in the period, empty cells as 0".to_string(),
    }
}

/// How the rows are ranked, and why not by the raw rate.
pub fn ranking_note(pooled: bool, lang: Lang) -> String {
    match (lang, pooled) {
        (Lang::Zh, false) => "排名按收敛成功率（经验贝叶斯 beta-二项模型把各地成功率向全表水平收敛，案件少的收敛多），而不按原始成功率：3 件全成功的县不会排在 300 多件、六成成功的市前面".to_string(),
        (Lang::Zh, true) => "各地成功率的差别不超过随机波动：收敛成功率均为全表合计成功率，按计入分母的案件数排名".to_string(),
        (Lang::En, false) => "ranked by the shrunken rate (an empirical-Bayes beta-binomial model pulls each rate toward the table's, small rows most), not the raw rate: a county with 3 of 3 does not outrank a city with 210 of 337".to_string(),
        (Lang::En, true) => "no variation between regions beyond chance: every shrunken rate is the pooled rate; ranked by decided cases".to_string(),
    }
}

/// A group's figures, after its key cells.
fn figures(r: &RateRow, ranked: bool, lang: Lang) -> Vec<Value> {
    let c = &r.counts;
    let l = &r.caseload;
    let mut cells = vec![
        Value::Int(l.received as i64),
        Value::Int(c.closed() as i64),
        Value::Int(c.successes as i64),
        Value::Int(c.failures as i64),
        Value::Int(c.withdrawn as i64),
        Value::Int(r.decided as i64),
        Value::opt_float(r.success_rate),
        Value::opt_float(r.ci.map(|ci| ci.0)),
        Value::opt_float(r.ci.map(|ci| ci.1)),
        Value::opt_float(r.p_value),
        Value::opt_float(r.p_adjusted),
        Value::text(r.verdict.code()),
        Value::Int(l.pending_at_end as i64),
        Value::Float(l.amount_yuan()),
        Value::Int(l.amount_cases as i64),
        Value::Float(l.settled_yuan()),
        Value::Int(l.workers as i64),
    ];
    if ranked {
        let k = r.ranking;
        cells.extend([
            Value::opt_float(k.map(|k| k.shrunken.rate)),
            Value::opt_float(k.map(|k| k.shrunken.low)),
            Value::opt_float(k.map(|k| k.shrunken.high)),
            k.map_or(Value::Null, |k| Value::Int(i64::from(k.rank))),
        ]);
    }
    if r.outside_data {
        cells.fill(Value::uncovered(not_covered(lang)));
    }
    cells
}

/// What a comparison table compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareWith {
    Previous,
    LastYear,
    Channel,
}

fn verdict_code(v: DiffVerdict, with: CompareWith) -> &'static str {
    match (v, with) {
        (DiffVerdict::TooFew, _) => "too_few",
        (DiffVerdict::Higher, CompareWith::Channel) => "court_higher",
        (DiffVerdict::Lower, CompareWith::Channel) => "arbitration_higher",
        (DiffVerdict::NoClearDifference, CompareWith::Channel) => "no_clear_difference",
        (DiffVerdict::Higher, _) => "up",
        (DiffVerdict::Lower, _) => "down",
        (DiffVerdict::NoClearDifference, _) => "no_clear_change",
    }
}

/// A comparison table: the rows of `now` (keys, this period's successes,
/// decided and rate) with the earlier period's or the two channels' figures
/// and the difference, its interval, test and verdict. Where the earlier
/// period lies outside the data, its cells read 数据未覆盖.
pub fn comparison_table(
    now: &Rates,
    comparison: &Comparison,
    opts: &RatesOptions,
    with: CompareWith,
    earlier: Option<&crate::period::Period>,
    lang: Lang,
    accounting: &[String],
) -> Table {
    let key_columns: Vec<Column> = opts
        .by
        .iter()
        .flat_map(|&d| super::key_columns(d))
        .collect();
    let (a, b) = match with {
        CompareWith::Channel => ("court", "arbitration"),
        _ => ("", "prev"),
    };
    let prefixed = |p: &str, name: &str| {
        if p.is_empty() {
            name.to_string()
        } else {
            format!("{p}_{name}")
        }
    };
    let (za, zb, ea, eb) = match with {
        CompareWith::Channel => ("法院+工会", "人社+工会", "court", "arbitration"),
        CompareWith::Previous => ("本期", "上期", "now", "before"),
        CompareWith::LastYear => ("本期", "上年同期", "now", "a year ago"),
    };
    let (diff_key, diff_zh, diff_en) = match with {
        CompareWith::Channel => ("difference", "差值", "difference"),
        _ => ("change", "变化", "change"),
    };
    let verdict_key = match with {
        CompareWith::Channel => "channel_verdict",
        _ => "change_verdict",
    };
    let side_columns = |p: &str, zh: &str, en: &str| {
        vec![
            Column::new(
                &prefixed(p, "successes"),
                &format!("{zh}成功"),
                &format!("{en} successes"),
                ColumnKind::Count,
            ),
            Column::new(
                &prefixed(p, "decided"),
                &format!("{zh}分母"),
                &format!("{en} decided"),
                ColumnKind::Count,
            ),
            Column::new(
                &prefixed(p, "rate"),
                &format!("{zh}成功率"),
                &format!("{en} rate"),
                ColumnKind::Rate,
            ),
        ]
    };
    let mut figure_columns = side_columns(a, za, ea);
    if with != CompareWith::Channel {
        // This period's columns keep the names of the rates table.
        figure_columns = vec![
            Column::new("successes", "本期成功", "successes", ColumnKind::Count),
            Column::new("decided", "本期分母", "decided", ColumnKind::Count),
            Column::new(
                "success_rate",
                "本期成功率",
                "success rate",
                ColumnKind::Rate,
            ),
        ];
    }
    figure_columns.extend(side_columns(b, zb, eb));
    figure_columns.extend([
        Column::new(
            diff_key,
            &format!("{diff_zh}(百分点)"),
            &format!("{diff_en} (pp)"),
            ColumnKind::Points,
        ),
        Column::new(
            &format!("{diff_key}_low"),
            "95%下限",
            "95% low",
            ColumnKind::Points,
        ),
        Column::new(
            &format!("{diff_key}_high"),
            "95%上限",
            "95% high",
            ColumnKind::Points,
        ),
        Column::new(&format!("{diff_key}_p"), "p值", "p", ColumnKind::PValue),
        Column::new(
            &format!("{diff_key}_p_adjusted"),
            "校正p值",
            "adjusted p",
            ColumnKind::PValue,
        ),
        Column::new(verdict_key, "判定", "verdict", ColumnKind::Verdict),
    ]);
    let by: Vec<&str> = opts
        .by
        .iter()
        .map(|&d| super::dimension_label(d, lang))
        .collect();
    let what = match (with, lang) {
        (CompareWith::Previous, Lang::Zh) => "环比（与上期比较）",
        (CompareWith::LastYear, Lang::Zh) => "同比（与上年同期比较）",
        (CompareWith::Channel, Lang::Zh) => "法院+工会与人社+工会比较",
        (CompareWith::Previous, Lang::En) => "change from the period before",
        (CompareWith::LastYear, Lang::En) => "change from a year earlier",
        (CompareWith::Channel, Lang::En) => "court against arbitration",
    };
    let title = match lang {
        Lang::Zh => format!("调解成功率{what}（按{}）", by.join(" × ")),
        Lang::En => format!("Mediation success rate, {what}, by {}", by.join(" × ")),
    };
    let mut notes = vec![denominator_note(opts, lang)];
    if let Some(p) = earlier {
        notes.push(match lang {
            Lang::Zh => format!("比较期间：{}", p.label(lang)),
            Lang::En => format!("compared with {}", p.label(lang)),
        });
    }
    if comparison.total.is_none() {
        notes.push(match lang {
            Lang::Zh => "比较期间不在数据范围内：数据未覆盖，不作比较".to_string(),
            Lang::En => {
                "the earlier period lies outside the data: not in the data, no comparison made"
                    .to_string()
            }
        });
    }
    notes.push(match lang {
        Lang::Zh => format!(
            "差值 = 前者 − 后者（百分点），95% 区间为 Newcombe 混合得分区间，p 值为 Fisher 精确检验（双侧）；两边计入分母均不少于 {} 件的行做 Benjamini–Hochberg 校正，校正 p < {} 才判定有变化",
            opts.judgement.min_cases, opts.judgement.alpha
        ),
        Lang::En => format!(
            "difference = first − second (percentage points), 95% Newcombe hybrid score interval, Fisher's exact test (two-sided); Benjamini–Hochberg adjusted over rows with at least {} decided on both sides; a change or difference only when adjusted p < {}",
            opts.judgement.min_cases, opts.judgement.alpha
        ),
    });
    notes.extend(accounting.iter().cloned());
    let cells = |now_row: &RateRow, d: Option<&Difference>| -> Vec<Value> {
        let uncovered = || Value::uncovered(not_covered(lang));
        let mut out = match with {
            CompareWith::Channel => Vec::new(),
            _ => vec![
                Value::Int(now_row.counts.successes as i64),
                Value::Int(now_row.decided as i64),
                Value::opt_float(now_row.success_rate),
            ],
        };
        match d {
            None => out.extend((0..9).map(|_| uncovered())),
            Some(d) => {
                if with == CompareWith::Channel {
                    out.extend([
                        Value::Int(d.first.successes as i64),
                        Value::Int(d.first.decided as i64),
                        Value::opt_float(d.first.rate()),
                    ]);
                }
                out.extend([
                    Value::Int(d.second.successes as i64),
                    Value::Int(d.second.decided as i64),
                    Value::opt_float(d.second.rate()),
                    Value::opt_float(d.difference),
                    Value::opt_float(d.interval.map(|i| i.0)),
                    Value::opt_float(d.interval.map(|i| i.1)),
                    Value::opt_float(d.p_value),
                    Value::opt_float(d.p_adjusted),
                    Value::text(verdict_code(d.verdict, with)),
                ]);
            }
        }
        out
    };
    let rows: Vec<(&RateRow, Option<&Difference>)> = now
        .rows
        .iter()
        .zip(&comparison.rows)
        .map(|(r, d)| (r, d.as_ref()))
        .collect();
    let pairs: Vec<Paired> = rows
        .iter()
        .map(|(r, d)| Paired {
            keys: r.keys.clone(),
            cells: cells(r, *d),
        })
        .collect();
    let total = Paired {
        keys: Vec::new(),
        cells: cells(&now.total, comparison.total.as_ref()),
    };
    let mut table = super::grouped_table(
        key_columns,
        figure_columns,
        &pairs,
        &total,
        |p| p.cells.clone(),
        lang,
    );
    table.title = title;
    table.notes = notes;
    table
}

/// "数据未覆盖": a cell of a period the data does not reach.
pub fn not_covered(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "数据未覆盖",
        Lang::En => "not in the data",
    }
}

/// A row of keys with its cells already made.
struct Paired {
    keys: Vec<crate::analysis::groups::KeyValue>,
    cells: Vec<Value>,
}

impl crate::analysis::groups::Grouped for Paired {
    fn keys(&self) -> &[crate::analysis::groups::KeyValue] {
        &self.keys
    }
}
