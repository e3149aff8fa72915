//! The hotline service table: columns of csv/json are the group keys
//! (regions as code and name), received, closed, closure_rate,
//! median_hours_to_close, p90_hours_to_close, on_time_rate,
//! satisfaction_rate, referred, referral_rate.

use super::{Column, ColumnKind, Table, Value};
use crate::Lang;
use crate::analysis::hotline::{HotlineFigures, HotlineOptions, HotlineRow};

/// "来电时间在…的工单" (with `what` before 工单), or every ticket.
pub fn zh_tickets(period: &crate::period::Period, what: &str) -> String {
    if period.from.is_none() && period.to.is_none() {
        format!("全部{what}工单")
    } else {
        format!("来电时间在{}的{what}工单", period.label(Lang::Zh))
    }
}

/// The note of a hotline table whose period ends less than `--sla-days`
/// before the data's last ticket: its last days' figures are not final.
pub fn immature_note(sla_days: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "注意：期末距数据中最后一张工单不足 {sla_days} 天，期末几天受理的工单可能尚未办结，办结率和按时办结率还会变化"
        ),
        Lang::En => format!(
            "note: the period ends less than {sla_days} days before the data's last ticket; tickets of its last days may still close, so closure and on-time rates are not final"
        ),
    }
}

/// How the hotline served callers, one row per group, with the province
/// total and the definitions in its notes.
/// Why a report has no hotline table: no ticket of the data falls on a day
/// of the period.
pub fn not_covered_note(lang: Lang) -> String {
    match lang {
        Lang::Zh => "本期没有 12351 热线工单数据（数据未覆盖），不列表".to_string(),
        Lang::En => {
            "no 12351 hotline data reaches this period (not in the data): no table".to_string()
        }
    }
}

pub fn hotline_table(
    result: &HotlineFigures,
    opts: &HotlineOptions,
    lang: Lang,
    accounting: &[String],
) -> Table {
    let key_columns: Vec<Column> = opts
        .by
        .iter()
        .flat_map(|&d| super::key_columns(d))
        .collect();
    let figure_columns = vec![
        Column::new("received", "受理", "received", ColumnKind::Count),
        Column::new("closed", "办结", "closed", ColumnKind::Count),
        Column::new("closure_rate", "办结率", "closure rate", ColumnKind::Rate),
        Column::new(
            "median_hours_to_close",
            "办结用时中位数(小时)",
            "median hours",
            ColumnKind::Hours,
        ),
        Column::new(
            "p90_hours_to_close",
            "办结用时P90(小时)",
            "p90 hours",
            ColumnKind::Hours,
        ),
        Column::new("on_time_rate", "按时办结率", "on time", ColumnKind::Rate),
        Column::new(
            "satisfaction_rate",
            "满意率",
            "satisfaction",
            ColumnKind::Rate,
        ),
        Column::new("referred", "转调解", "referred", ColumnKind::Count),
        Column::new(
            "referral_rate",
            "转调解率",
            "referral rate",
            ColumnKind::Rate,
        ),
    ];
    let by: Vec<&str> = opts
        .by
        .iter()
        .map(|&d| super::dimension_label(d, lang))
        .collect();
    let period = opts.period.label(lang);
    let sla = opts.sla_days;
    let (title, notes) = match lang {
        Lang::Zh => (
            format!("12351热线服务情况（按{}）", by.join(" × ")),
            vec![
                format!("统计{}；办结率 = 已办结 / 受理", zh_tickets(&opts.period, "")),
                format!(
                    "办结用时 = 办结时间 − 来电时间，只计已办结工单，中位数与P90为线性插值；按时 = {sla} 天（{}小时）内办结，按时办结率 = 按时 / 已办结",
                    24.0 * sla
                ),
                "满意率 = (满意 + 基本满意) / 已评价（满意、基本满意、不满意）；转调解率 = 转调解 / 受理".to_string(),
            ],
        ),
        Lang::En => (
            format!("12351 hotline service by {}", by.join(" × ")),
            vec![
                format!("tickets received {period} (by received_at); closure rate = closed / received"),
                format!(
                    "hours to close = closed_at − received_at over closed tickets, median and p90 by linear interpolation; on time = closed within {sla} days ({} h), on-time rate = on time / closed",
                    24.0 * sla
                ),
                "satisfaction = (满意 + 基本满意) / evaluated (满意, 基本满意, 不满意); referral rate = 转调解 / received".to_string(),
            ],
        ),
    };
    let mut notes = notes;
    notes.extend(accounting.iter().cloned());
    Table {
        title,
        notes,
        ..super::grouped_table(
            key_columns,
            figure_columns,
            &result.rows,
            &result.total,
            |r| figures(r, lang),
            lang,
        )
    }
}

fn figures(r: &HotlineRow, lang: Lang) -> Vec<Value> {
    let mut cells = vec![
        Value::Int(r.received as i64),
        Value::Int(r.closed as i64),
        Value::opt_float(r.closure_rate),
        Value::opt_float(r.median_hours_to_close),
        Value::opt_float(r.p90_hours_to_close),
        Value::opt_float(r.on_time_rate),
        Value::opt_float(r.satisfaction_rate),
        Value::Int(r.referred as i64),
        Value::opt_float(r.referral_rate),
    ];
    if r.outside_data {
        cells.fill(Value::uncovered(super::rates::not_covered(lang)));
    }
    cells
}
