//! What the report says: its title, the headline as people read it (a
//! label, a value and lines of context), and the section headings that the
//! page and the Markdown copy share.

use super::Report;
use crate::Lang;
use crate::analysis::headline::PeriodFigures;
use crate::period::Period;

/// The report's sections, in order; the page and the Markdown copy use the
/// same headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    Headline,
    Prefectures,
    FunnelPlot,
    Trend,
    Counties,
    Hotline,
    Quality,
}

impl Heading {
    /// The `id` of the page's `<section>`.
    pub fn id(self) -> &'static str {
        match self {
            Heading::Headline => "headline",
            Heading::Prefectures => "prefectures",
            Heading::FunnelPlot => "funnel",
            Heading::Trend => "trend",
            Heading::Counties => "counties",
            Heading::Hotline => "hotline",
            Heading::Quality => "quality",
        }
    }

    pub fn text(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Heading::Headline => ("一、要点", "1. Headline"),
            Heading::Prefectures => ("二、各市州调解成功率", "2. Success rate by prefecture"),
            Heading::FunnelPlot => (
                "三、漏斗图：案件数与成功率",
                "3. Funnel plot: cases and success rate",
            ),
            Heading::Trend => ("四、近12个月趋势", "4. The last 12 months"),
            Heading::Counties => ("五、县市区", "5. Counties"),
            Heading::Hotline => ("六、12351热线", "6. The 12351 hotline"),
            Heading::Quality => ("七、数据质量", "7. Data quality"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
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
    format!("{:.1}%", x * 100.0)
}

/// "+2.3 个百分点" / "+2.3 pp": a change of rate.
fn points_change(now: Option<f64>, before: Option<f64>, lang: Lang) -> Option<String> {
    // Rounded first, so a tiny fall does not read as "-0.0".
    let d = ((now? - before?) * 1000.0).round() / 10.0 + 0.0;
    Some(match lang {
        Lang::Zh => format!("{d:+.1} 个百分点（{}）", pct(before?)),
        Lang::En => format!("{d:+.1} pp (from {})", pct(before?)),
    })
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
        let months = self.period.month_count().unwrap_or(1);
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
        if months != 12 {
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

        let mut hotline_details = vec![match (zh, now.closure_rate) {
            (true, Some(r)) => format!("办结 {} 件，办结率 {}", now.hotline_closed, pct(r)),
            (false, Some(r)) => format!("{} closed, closure rate {}", now.hotline_closed, pct(r)),
            (true, None) => "本期无工单".to_string(),
            (false, None) => "no tickets in the period".to_string(),
        }];
        hotline_details.extend(compare(&|p| {
            Some(count_change(now.received, p.received, lang))
        }));
        let closure_change = compare(&|p| points_change(now.closure_rate, p.closure_rate, lang));

        let (closed_label, rate_label, received_label, closure_label) = if zh {
            ("调解结案", "调解成功率", "12351热线受理", "热线办结率")
        } else {
            (
                "Cases closed",
                "Success rate",
                "Hotline tickets",
                "Closure rate",
            )
        };
        vec![
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
                label: received_label.to_string(),
                value: now.received.to_string(),
                details: hotline_details,
            },
            HeadlineItem {
                label: closure_label.to_string(),
                value: now.closure_rate.map_or("—".to_string(), pct),
                details: closure_change,
            },
        ]
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
