//! What the report says: its title, the headline as people read it (a
//! label, a value and lines of context), and the section headings that the
//! page and the Markdown copy share.

use super::Report;
use crate::Lang;
use crate::analysis::headline::PeriodFigures;
use crate::period::Period;

/// The report's sections, in order; the page, the Markdown copy and the
/// Word document use the same headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    Headline,
    Prefectures,
    Changes,
    FunnelPlot,
    Trend,
    Counties,
    Ranking,
    Hotline,
    Quality,
    Definitions,
}

impl Heading {
    /// The `id` of the page's `<section>`.
    pub fn id(self) -> &'static str {
        match self {
            Heading::Headline => "headline",
            Heading::Prefectures => "prefectures",
            Heading::Changes => "changes",
            Heading::FunnelPlot => "funnel",
            Heading::Trend => "trend",
            Heading::Counties => "counties",
            Heading::Ranking => "ranking",
            Heading::Hotline => "hotline",
            Heading::Quality => "quality",
            Heading::Definitions => "definitions",
        }
    }

    /// The heading as the page and the Markdown number it.
    pub fn text(self, lang: Lang) -> String {
        self.numbered(self as usize + 1, lang)
    }

    /// The heading numbered `n` (一、, 二、… or 1., 2., …): a document
    /// that leaves sections out numbers the rest in order.
    pub fn numbered(self, n: usize, lang: Lang) -> String {
        const ZH: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        match lang {
            Lang::Zh => format!(
                "{}、{}",
                ZH.get(n - 1).copied().unwrap_or("十"),
                self.name(lang)
            ),
            Lang::En => format!("{n}. {}", self.name(lang)),
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Heading::Headline => ("要点", "Headline"),
            Heading::Prefectures => ("各市州调解成功率", "Success rate by prefecture"),
            Heading::Changes => ("与上期、上年同期比较", "Changes from earlier periods"),
            Heading::FunnelPlot => (
                "漏斗图：案件数与成功率",
                "Funnel plot: cases and success rate",
            ),
            Heading::Trend => ("近12个月趋势", "The last 12 months"),
            Heading::Counties => ("县市区", "Counties"),
            Heading::Ranking => ("县市区排名", "County ranking"),
            Heading::Hotline => ("12351热线", "The 12351 hotline"),
            Heading::Quality => ("数据质量", "Data quality"),
            Heading::Definitions => ("统计口径", "Definitions"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The 统计口径 a report ends with: short enough to print under a 通报.
pub fn definitions(baseline: f64, lang: Lang) -> Vec<String> {
    let b = pct(baseline);
    match lang {
        Lang::Zh => vec![
            "调解成功率 = 调解成功件数 ÷（调解成功 + 调解不成功）件数，按结案日期统计期内结案的案件；撤回单列，不计入分母；进行中的案件不计入。".to_string(),
            format!("95% 区间为 Wilson 区间；与 {b} 基线比较用精确二项检验（双侧），同一表中计入分母不少于 10 件的地区一并做 Benjamini–Hochberg 校正，校正后 p < 0.05 才判定“高于/低于基线”；不足 10 件为“样本过少”。"),
            "受理 = 受理日期在期内的案件；期末在办 = 期末前受理、期末尚未结案的案件；调解金额（为职工挽回经济损失）按期内调解成功的案件合计，涉案金额、涉及职工按期内结案的案件合计。".to_string(),
            "与上期、上年同期比较：差值的 95% 区间为 Newcombe 区间，检验为 Fisher 精确检验，校正同上；比较期间不在数据范围内的写“数据未覆盖”。".to_string(),
            "排名按收敛成功率（经验贝叶斯 beta-二项模型，把案件少的地区向全省水平收敛），不按原始成功率。".to_string(),
            "12351 热线按来电时间统计：办结率 = 已办结 ÷ 受理；按时办结率 = 规定天数内办结 ÷ 已办结；满意率 =（满意 + 基本满意）÷ 已评价；转调解率 = 转调解 ÷ 受理。".to_string(),
            "同一编号在多份导出中只计一次；不符合填报规范的记录（拒收行）不计入任何统计，已在“数据质量”中逐项列明。".to_string(),
        ],
        Lang::En => vec![
            "Success rate = successes ÷ (successes + failures) over cases closed in the period (by closing date); withdrawn cases are shown apart and not in the denominator; pending cases are not counted.".to_string(),
            format!("95% Wilson intervals; each region against the {b} baseline by the exact two-sided binomial test, Benjamini–Hochberg adjusted over the regions of a table with at least 10 decided cases; above/below only when the adjusted p < 0.05; fewer than 10 is too few."),
            "Received = cases received in the period; pending at end = received by its end and not closed by then; settled amounts summed over successes closed in the period, amounts and workers over all cases closed in it.".to_string(),
            "Changes from earlier periods: Newcombe intervals, Fisher's exact test, adjusted as above; an earlier period outside the data is not in the data.".to_string(),
            "Ranks by shrunken rate (empirical-Bayes beta-binomial), not raw rate.".to_string(),
            "12351 hotline by call time: closure rate = closed ÷ received; on-time rate = closed within the set days ÷ closed; satisfaction = (satisfied + basically satisfied) ÷ evaluated; referral rate = referred ÷ received.".to_string(),
            "An id repeated in several exports counts once; rows that break the rules (rejected) count in no figure and are listed under data quality.".to_string(),
        ],
    }
}

/// One headline figure, as people read it: a label, the value, and lines
/// of context (interval, verdict, changes).
pub struct HeadlineItem {
    pub label: String,
    pub value: String,
    pub details: Vec<String>,
}

fn pct(x: f64) -> String {
    crate::render::format::percent(x)
}

/// "+2.3 个百分点" / "+2.3 pp": a change of rate.
fn points_change(now: Option<f64>, before: Option<f64>, lang: Lang) -> Option<String> {
    // Rounded first, so a tiny fall does not read as "-0.0".
    let d = crate::render::format::fixed_signed((now? - before?) * 100.0, 1);
    Some(match lang {
        Lang::Zh => format!("{d} 个百分点（{}）", pct(before?)),
        Lang::En => format!("{d} pp (from {})", pct(before?)),
    })
}

/// Yuan as 万元 with two decimals, as 通报 print money.
pub fn wan(yuan: f64) -> String {
    crate::render::format::fixed(yuan / 10_000.0, 2)
}

fn count_change(now: u64, before: u64, lang: Lang) -> String {
    let d = now as i64 - before as i64;
    match lang {
        Lang::Zh => format!("{d:+}（{before}）"),
        Lang::En => format!("{d:+} (from {before})"),
    }
}

impl Report {
    /// The comparisons the data reaches: ("较上月", figures or none).
    fn comparisons(&self) -> Vec<(String, Option<&PeriodFigures>)> {
        // A span of days is compared with as many days just before.
        let months = if self.named {
            self.period.month_count().unwrap_or(0)
        } else {
            0
        };
        let zh = self.lang == Lang::Zh;
        let previous = match (months, zh) {
            (1, true) => "较上月",
            (3, true) => "较上季度",
            (6, true) => "较上一个半年",
            (12, true) => "较上年",
            (_, true) => "较上期",
            (1, false) => "vs previous month",
            (3, false) => "vs previous quarter",
            (6, false) => "vs previous half-year",
            (12, false) => "vs previous year",
            (_, false) => "vs previous period",
        };
        let mut out = vec![(previous.to_string(), self.headline.previous.as_ref())];
        if !(self.named && months == 12) {
            let label = if zh {
                "较上年同期"
            } else {
                "vs a year earlier"
            };
            out.push((label.to_string(), self.headline.year_ago.as_ref()));
        }
        out
    }

    pub fn headline_items(&self) -> Vec<HeadlineItem> {
        let lang = self.lang;
        let zh = lang == Lang::Zh;
        let now = &self.headline.current;
        let m = &now.mediation;
        let not_reached = if zh {
            "数据未覆盖"
        } else {
            "not in the data"
        };
        let compare = |f: &dyn Fn(&PeriodFigures) -> Option<String>| -> Vec<String> {
            self.comparisons()
                .into_iter()
                .map(|(label, figures)| {
                    let text = figures
                        .and_then(f)
                        .unwrap_or_else(|| not_reached.to_string());
                    let separator = if zh { "：" } else { ": " };
                    format!("{label}{separator}{text}")
                })
                .collect()
        };

        let mut closed_details = vec![if zh {
            format!(
                "计入分母 {} 件（成功 {}，不成功 {}），撤回 {}",
                m.decided, m.counts.successes, m.counts.failures, m.counts.withdrawn
            )
        } else {
            format!(
                "{} decided ({} successes, {} failures), {} withdrawn",
                m.decided, m.counts.successes, m.counts.failures, m.counts.withdrawn
            )
        }];
        closed_details.extend(compare(&|p| {
            Some(count_change(
                m.counts.closed(),
                p.mediation.counts.closed(),
                lang,
            ))
        }));

        let mut rate_details = Vec::new();
        if let Some((lo, hi)) = m.ci {
            rate_details.push(if zh {
                format!("95%区间 {}–{}", pct(lo), pct(hi))
            } else {
                format!("95% interval {}–{}", pct(lo), pct(hi))
            });
        }
        let verdict = crate::render::format::verdict_label(m.verdict.code(), lang);
        rate_details.push(if zh {
            format!("对照基线 {}：{verdict}", pct(self.baseline))
        } else {
            format!("against the {} baseline: {verdict}", pct(self.baseline))
        });
        rate_details.extend(compare(&|p| {
            points_change(m.success_rate, p.mediation.success_rate, lang)
        }));

        let uncovered = crate::tables::rates::not_covered(lang).to_string();
        let mut hotline_details = vec![match (zh, now.closure_rate) {
            _ if !self.hotline_covered => uncovered.clone(),
            (true, Some(r)) => format!("办结 {} 件，办结率 {}", now.hotline_closed, pct(r)),
            (false, Some(r)) => format!("{} closed, closure rate {}", now.hotline_closed, pct(r)),
            (true, None) => "本期无工单".to_string(),
            (false, None) => "no tickets in the period".to_string(),
        }];
        hotline_details.extend(compare(&|p| {
            Some(count_change(now.received, p.received, lang))
        }));
        let closure_change = compare(&|p| points_change(now.closure_rate, p.closure_rate, lang));

        let l = &m.caseload;
        let mut received_details = vec![if zh {
            format!("期末在办 {} 件", l.pending_at_end)
        } else {
            format!("{} pending at the end", l.pending_at_end)
        }];
        received_details.extend(compare(&|p| {
            Some(count_change(
                l.received,
                p.mediation.caseload.received,
                lang,
            ))
        }));
        let mut money_details = vec![if zh {
            format!(
                "涉案金额 {} 万元（{} 件有金额），涉及职工 {} 人",
                wan(l.amount_yuan()),
                l.amount_cases,
                l.workers
            )
        } else {
            format!(
                "amounts at stake {} ×10k yuan ({} cases with an amount), {} workers",
                wan(l.amount_yuan()),
                l.amount_cases,
                l.workers
            )
        }];
        money_details.extend(compare(&|p| {
            let before = p.mediation.caseload.settled_yuan();
            Some(if zh {
                format!(
                    "{} 万元（{}）",
                    crate::render::format::fixed_signed((l.settled_yuan() - before) / 10_000.0, 2),
                    wan(before)
                )
            } else {
                format!(
                    "{} (from {})",
                    crate::render::format::fixed_signed((l.settled_yuan() - before) / 10_000.0, 2),
                    wan(before)
                )
            })
        }));

        let (closed_label, rate_label, hotline_label, closure_label) = if zh {
            ("调解结案", "调解成功率", "12351热线受理", "热线办结率")
        } else {
            (
                "Cases closed",
                "Success rate",
                "Hotline tickets",
                "Closure rate",
            )
        };
        let (received_label, money_label, money_unit) = if zh {
            ("调解受理", "为职工挽回经济损失", "万元")
        } else {
            ("Cases received", "Recovered for workers", "×10k yuan")
        };
        vec![
            HeadlineItem {
                label: received_label.to_string(),
                value: l.received.to_string(),
                details: received_details,
            },
            HeadlineItem {
                label: closed_label.to_string(),
                value: m.counts.closed().to_string(),
                details: closed_details,
            },
            HeadlineItem {
                label: rate_label.to_string(),
                value: m.success_rate.map_or("—".to_string(), pct),
                details: rate_details,
            },
            HeadlineItem {
                label: money_label.to_string(),
                value: format!("{} {money_unit}", wan(l.settled_yuan())),
                details: money_details,
            },
            HeadlineItem {
                label: hotline_label.to_string(),
                value: match self.hotline_covered {
                    true => now.received.to_string(),
                    false => uncovered.clone(),
                },
                details: match self.hotline_covered {
                    true => hotline_details,
                    false => Vec::new(),
                },
            },
            HeadlineItem {
                label: closure_label.to_string(),
                value: match self.hotline_covered {
                    true => now.closure_rate.map_or("—".to_string(), pct),
                    false => uncovered,
                },
                details: match self.hotline_covered {
                    true => closure_change,
                    false => Vec::new(),
                },
            },
        ]
    }

    /// The headline as sentences an office pastes into its 通报.
    pub fn prose(&self) -> Vec<String> {
        let lang = self.lang;
        let zh = lang == Lang::Zh;
        let now = &self.headline.current;
        let m = &now.mediation;
        let l = &m.caseload;
        let verdict = match (m.verdict.code(), zh) {
            ("above", true) => format!("高于 {} 的基线", pct(self.baseline)),
            ("below", true) => format!("低于 {} 的基线", pct(self.baseline)),
            ("not_distinguishable", true) => format!("与 {} 的基线无显著差异", pct(self.baseline)),
            (_, true) => "件数过少，不作判定".to_string(),
            ("above", false) => format!("above the {} baseline", pct(self.baseline)),
            ("below", false) => format!("below the {} baseline", pct(self.baseline)),
            ("not_distinguishable", false) => {
                format!(
                    "not distinguishable from the {} baseline",
                    pct(self.baseline)
                )
            }
            (_, false) => "too few cases to judge".to_string(),
        };
        let rate = m.success_rate.map_or("—".to_string(), pct);
        let interval =
            m.ci.map_or(String::new(), |(lo, hi)| format!("{}–{}", pct(lo), pct(hi)));
        let scope = match (&self.filter_note, zh) {
            (Some(_), true) => "筛选范围内",
            (None, true) => "全省",
            (Some(_), false) => "Within the selection, ",
            (None, false) => "Across the province, ",
        };
        let mut out = Vec::new();
        out.push(if zh {
            format!(
                "{}{scope}受理劳动争议调解案件 {} 件，调解结案 {} 件，其中调解成功 {} 件、不成功 {} 件、撤回 {} 件；成功率 {rate}（95%区间 {interval}），{verdict}。期末在办 {} 件。",
                self.period.label(lang),
                l.received,
                m.counts.closed(),
                m.counts.successes,
                m.counts.failures,
                m.counts.withdrawn,
                l.pending_at_end
            )
        } else {
            format!(
                "{scope}{} mediation cases were received and {} closed in {}: {} succeeded, {} failed, {} were withdrawn; the success rate was {rate} (95% interval {interval}), {verdict}. {} cases were pending at the end.",
                l.received,
                m.counts.closed(),
                self.period.label(lang),
                m.counts.successes,
                m.counts.failures,
                m.counts.withdrawn,
                l.pending_at_end
            )
        });
        out.push(if zh {
            format!(
                "调解成功案件为职工挽回经济损失 {} 万元，结案案件涉案金额 {} 万元，涉及职工 {} 人。",
                wan(l.settled_yuan()),
                wan(l.amount_yuan()),
                l.workers
            )
        } else {
            format!(
                "Successful mediations recovered {} ×10k yuan for workers; the cases closed involved {} ×10k yuan and {} workers.",
                wan(l.settled_yuan()),
                wan(l.amount_yuan()),
                l.workers
            )
        });
        let mut above = Vec::new();
        let mut below = Vec::new();
        for r in &self.prefectures.rows {
            let name = r.keys.first().map_or("", |k| k.region_name()).to_string();
            match r.verdict.code() {
                "above" => above.push(name),
                "below" => below.push(name),
                _ => {}
            }
        }
        let sep = if zh { "、" } else { ", " };
        out.push(match (zh, above.is_empty(), below.is_empty()) {
            (true, true, true) => "各市州成功率与基线均无显著差异（或件数过少）。".to_string(),
            (true, _, _) => format!(
                "高于基线的市州：{}；低于基线的市州：{}。",
                if above.is_empty() {
                    "无".to_string()
                } else {
                    above.join(sep)
                },
                if below.is_empty() {
                    "无".to_string()
                } else {
                    below.join(sep)
                }
            ),
            (false, true, true) => {
                "No prefecture is distinguishable from the baseline (or has enough cases)."
                    .to_string()
            }
            (false, _, _) => format!(
                "Above the baseline: {}; below: {}.",
                if above.is_empty() {
                    "none".to_string()
                } else {
                    above.join(sep)
                },
                if below.is_empty() {
                    "none".to_string()
                } else {
                    below.join(sep)
                }
            ),
        });
        out.push(match (zh, now.closure_rate) {
            (true, _) if !self.hotline_covered => "12351 热线：本期数据未覆盖。".to_string(),
            (false, _) if !self.hotline_covered => {
                "12351 hotline: the data does not reach this period.".to_string()
            }
            (true, Some(r)) => format!(
                "12351 热线受理来电工单 {} 件，办结 {} 件，办结率 {}。",
                now.received,
                now.hotline_closed,
                pct(r)
            ),
            (false, Some(r)) => format!(
                "The 12351 hotline received {} tickets and closed {}: a closure rate of {}.",
                now.received,
                now.hotline_closed,
                pct(r)
            ),
            (true, None) => "12351 热线本期无工单。".to_string(),
            (false, None) => "The 12351 hotline had no tickets in the period.".to_string(),
        });
        out
    }

    /// The report's title.
    pub fn title(&self) -> String {
        match self.lang {
            Lang::Zh => format!(
                "湖北省劳动争议调解与12351职工服务热线报告（{}）",
                Period::display_name(&self.period_name, Lang::Zh)
            ),
            Lang::En => format!(
                "Hubei labour-dispute mediation and 12351 hotline report, {}",
                Period::display_name(&self.period_name, Lang::En)
            ),
        }
    }
}
