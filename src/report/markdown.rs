//! The report as Markdown, for pasting into documents: the same sections
//! and tables as the page, the charts as the SVG files beside it.

use super::Report;
use super::wording::Heading;
use crate::Lang;
use crate::render::{RenderOptions, markdown};

pub fn render(report: &Report) -> String {
    let lang = report.lang;
    let zh = lang == Lang::Zh;
    let opts = RenderOptions {
        lang,
        colour: false,
        width: None,
    };
    let s = &report.sections;
    let table = |section: &super::Section| {
        if section.tabulated {
            markdown::render(&section.table, &opts)
        } else {
            markdown::title_and_notes(&section.table)
        }
    };
    let heading = |h: Heading| format!("\n## {}\n\n", h.text(lang));
    let mut out = format!("# {}\n\n", report.title());
    out.push_str(&format!(
        "{}{}\n",
        if zh { "统计期间：" } else { "Period: " },
        report.period.label(lang)
    ));
    if let Some(note) = &report.filter_note {
        out.push_str(&format!("\n{}\n", markdown::escape(note)));
    }

    out.push_str(&heading(Heading::Headline));
    for item in report.headline_items() {
        let separator = if zh { "：" } else { ": " };
        out.push_str(&format!("- **{}{separator}{}**", item.label, item.value));
        if !item.details.is_empty() {
            out.push_str(&format!(
                " — {}",
                item.details.join(if zh { "；" } else { "; " })
            ));
        }
        out.push('\n');
    }

    out.push('\n');
    for line in report.prose() {
        out.push_str(&format!("{}\n\n", markdown::escape(&line)));
    }

    out.push_str(&heading(Heading::Prefectures));
    out.push_str(&format!(
        "![{}](rates.svg)\n\n",
        if zh { "成功率" } else { "success rates" }
    ));
    out.push_str(&table(&s.prefectures));

    out.push_str(&heading(Heading::Changes));
    out.push_str(&table(&s.changes_previous));
    out.push('\n');
    out.push_str(&table(&s.changes_last_year));

    out.push_str(&heading(Heading::FunnelPlot));
    out.push_str(&format!(
        "![{}](funnel.svg)\n\n{}\n",
        if zh { "漏斗图" } else { "funnel plot" },
        if zh {
            "虚线为基线的95%控制限，实线为99.8%控制限（Spiegelhalter 2005，精确二项）。"
        } else {
            "Dashed: the baseline's 95% control limits; solid: 99.8% (Spiegelhalter 2005, exact binomial)."
        }
    ));

    out.push_str(&heading(Heading::Trend));
    out.push_str(&format!(
        "![{}](trend.svg)\n\n",
        if zh { "趋势" } else { "trend" }
    ));
    out.push_str(&table(&s.trend));

    out.push_str(&heading(Heading::Counties));
    out.push_str(&table(&s.counties));
    out.push('\n');
    out.push_str(&table(&s.county_changes_previous));
    out.push('\n');
    out.push_str(&table(&s.county_changes_last_year));

    out.push_str(&heading(Heading::Ranking));
    out.push_str(&table(&s.top_counties));
    out.push('\n');
    out.push_str(&table(&s.bottom_counties));

    out.push_str(&heading(Heading::Hotline));
    out.push_str(&table(&s.hotline));
    out.push('\n');
    out.push_str(&table(&s.referral));

    out.push_str(&heading(Heading::Quality));
    out.push_str(&table(&s.files));
    out.push('\n');
    out.push_str(&table(&s.rejects));
    out.push('\n');
    for line in &report.findings {
        out.push_str(&format!("- {}\n", markdown::escape(line)));
    }
    out.push_str(&heading(Heading::Definitions));
    for (i, line) in super::wording::definitions(report.baseline, lang)
        .iter()
        .enumerate()
    {
        out.push_str(&format!("{}. {}\n", i + 1, markdown::escape(line)));
    }
    if let Some(at) = &report.generated_at {
        out.push_str(&format!(
            "\n{} {at}\n",
            if zh { "生成时间" } else { "Generated" }
        ));
    }
    out
}
