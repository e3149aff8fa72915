//! The hotline → mediation referral funnel table (the `funnel` command's
//! table and the report's `referral_funnel.csv`) and the data-quality
//! findings its links raise. Columns of csv/json: prefecture_code,
//! prefecture (and county_code, county by county), referred, linked,
//! closed, successes, referred_to_linked, linked_to_closed, closed_to_success.

use super::{Column, ColumnKind, Table, Value};
use crate::Lang;
use crate::analysis::referral::{
    Findings, LISTED_IDS, Listed, ReferralOptions, ReferralRow, Referrals,
};
use crate::regions::RegionTable;

/// The referral funnel, one row per region of the ticket.
pub fn referral_table(
    result: &Referrals,
    opts: &ReferralOptions,
    lang: Lang,
    accounting: &[String],
) -> Table {
    let key_columns: Vec<Column> = super::key_columns(opts.by);
    let figure_columns = vec![
        // On a narrow terminal the funnel keeps its base and its rates.
        Column::new("referred", "转调解工单", "referred", ColumnKind::Count).with_importance(240),
        Column::new("linked", "已关联案件", "linked", ColumnKind::Count).with_importance(150),
        Column::new("closed", "案件已结案", "closed", ColumnKind::Count).with_importance(140),
        Column::new("successes", "调解成功", "successes", ColumnKind::Count).with_importance(160),
        Column::new(
            "referred_to_linked",
            "关联率",
            "referred→linked",
            ColumnKind::Rate,
        )
        .with_importance(230),
        Column::new(
            "linked_to_closed",
            "结案率",
            "linked→closed",
            ColumnKind::Rate,
        )
        .with_importance(220),
        Column::new(
            "closed_to_success",
            "结案中成功占比",
            "closed→success",
            ColumnKind::Rate,
        )
        .with_importance(250),
    ];
    let period = opts.period.label(lang);
    let (title, mut notes) = match lang {
        Lang::Zh => (
            format!("12351转调解漏斗（按{}）", super::dimension_label(opts.by, lang)),
            vec![
                format!(
                    "统计{}，按工单所属地区",
                    super::hotline::zh_tickets(&opts.period, "处理方式为转调解的")
                ),
                "已关联 = 至少一件调解案件的热线工单编号指向该工单；已结案 = 关联案件中至少一件已结案（成功、不成功或撤回）；调解成功 = 至少一件调解成功".to_string(),
                "关联率 = 已关联 / 转调解；结案率 = 已结案 / 已关联；结案中成功占比 = 调解成功 / 已结案（均按工单计，撤回在分母里，与调解成功率不同）".to_string(),
            ],
        ),
        Lang::En => (
            format!("12351 referral funnel by {}", super::dimension_label(opts.by, lang)),
            vec![
                format!("tickets received {period} (by received_at) and handled 转调解, by the ticket's region"),
                "linked = named by at least one case's hotline_ticket_id; closed = at least one linked case closed (success, failure or withdrawn); successes = at least one linked case succeeded".to_string(),
                "rates step to step, counted in tickets: linked / referred, closed / linked, successes / closed".to_string(),
            ],
        ),
    };
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

fn figures(r: &ReferralRow) -> Vec<Value> {
    vec![
        Value::Int(r.referred as i64),
        Value::Int(r.linked as i64),
        Value::Int(r.closed as i64),
        Value::Int(r.successes as i64),
        Value::opt_float(r.referred_to_linked()),
        Value::opt_float(r.linked_to_closed()),
        Value::opt_float(r.closed_to_success()),
    ]
}

fn id_list(ids: &Listed<String>, lang: Lang) -> String {
    let shown = ids.first.join(", ");
    match (ids.count > LISTED_IDS, lang) {
        (false, _) => shown,
        (true, Lang::Zh) => format!("{shown} 等 {} 个", ids.count),
        (true, Lang::En) => format!("{shown} and {} more", ids.count - LISTED_IDS),
    }
}

/// The data-quality findings, one line each.
pub fn findings_lines(
    f: &Findings,
    regions: &RegionTable,
    link_days: i64,
    lang: Lang,
) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut lines = vec![if zh {
        "数据质量：".to_string()
    } else {
        "Data quality:".to_string()
    }];
    let none = if zh { "无" } else { "none" };
    let count_and_ids = |ids: &Listed<String>| {
        if ids.count == 0 {
            none.to_string()
        } else {
            format!("{} — {}", ids.count, id_list(ids, lang))
        }
    };
    lines.push(if zh {
        format!(
            "孤立关联（热线工单编号在热线记录中找不到的案件）：{}",
            count_and_ids(&f.orphan_links)
        )
    } else {
        format!(
            "orphan links (cases whose hotline_ticket_id matches no ticket): {}",
            count_and_ids(&f.orphan_links)
        )
    });
    lines.push(if zh {
        format!(
            "来源为12351转入但没有热线工单编号的案件：{}",
            count_and_ids(&f.hotline_cases_without_ticket)
        )
    } else {
        format!(
            "12351转入 cases with no ticket id: {}",
            count_and_ids(&f.hotline_cases_without_ticket)
        )
    });
    let as_of = f.as_of.map_or("—".to_string(), |d| d.to_string());
    lines.push(if zh {
        format!(
            "来电 {link_days} 天后仍无案件的转调解工单（截至数据最后日期 {as_of}）：{}",
            count_and_ids(&f.unlinked_tickets)
        )
    } else {
        format!(
            "referred tickets with no case {link_days} days after the call (as of the data's last date, {as_of}): {}",
            count_and_ids(&f.unlinked_tickets)
        )
    });
    let cross = Listed {
        count: f.cross_region_links.count,
        first: f
            .cross_region_links
            .first
            .iter()
            .map(|c| {
                format!(
                    "{} ({}) → {} ({})",
                    c.case_id,
                    regions.name_of(c.case_prefecture),
                    c.ticket_id,
                    regions.name_of(c.ticket_prefecture)
                )
            })
            .collect(),
    };
    lines.push(if zh {
        format!("案件与所关联工单不在同一市州：{}", count_and_ids(&cross))
    } else {
        format!(
            "cases whose linked ticket lies in another prefecture: {}",
            count_and_ids(&cross)
        )
    });
    lines
}
