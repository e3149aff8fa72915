//! The success-rate table: columns of csv/json are the group keys (regions
//! as code and name), closed, successes, failures, withdrawn, decided,
//! success_rate, ci_low, ci_high, p_value, p_adjusted, verdict.

use super::{Column, ColumnKind, Table, Value};
use crate::Lang;
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
    let figure_columns = vec![
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
    ];
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
    notes.extend(accounting.iter().cloned());
    Table {
        title,
        notes,
        ..super::grouped_table(
            key_columns,
            figure_columns,
            &result.rows,
            &result.total,
            figures,
            lang,
        )
    }
}

/// A group's figures, after its key cells.
fn figures(r: &RateRow) -> Vec<Value> {
    let c = &r.counts;
    vec![
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
    ]
}
