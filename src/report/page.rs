//! The report as one self-contained HTML page: inline CSS and SVG, no
//! scripts and nothing fetched, laid out for a phone and for A4 paper.

use super::wording::Heading;
use super::{Report, Section};
use crate::Lang;
use crate::render::html::{self, escape};
use crate::render::masked;

/// The charts, as SVG text, that the page and the folder share.
pub struct Charts {
    pub rates: String,
    pub funnel_plot: String,
    pub trend: String,
    /// The trend chart draws the prefectures below the baseline in red.
    pub trend_highlights: bool,
}

const STYLE: &str = r#"
.prose p { margin: 0.4em 0; }
ol.definitions { font-size: 0.9em; padding-left: 1.4em; }
:root { --ink: #222; --muted: #666; --line: #ddd; --above: #1a9641; --below: #d73027; --nd: #4575b4; --few: #999; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: system-ui, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 15px; line-height: 1.5; }
main { max-width: 980px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5em; margin: 0.2em 0; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.4em; padding-bottom: 0.2em; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
.sub { color: var(--muted); margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 0.9em; }
.card .value { font-size: 1.8em; font-weight: 600; }
.card ul { margin: 4px 0 0; padding-left: 1.1em; font-size: 0.88em; color: var(--muted); }
ul.notes { margin: 0.3em 0; padding-left: 1.1em; font-size: 0.85em; color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.86em; margin: 6px 0 12px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { border-bottom: 2px solid var(--ink); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; border-top: 2px solid var(--ink); }
.v-above { color: var(--above); font-weight: 600; }
.v-below { color: var(--below); font-weight: 600; }
.v-not_distinguishable { color: var(--nd); }
.v-too_few { color: var(--few); }
figure { margin: 10px 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85em; color: var(--muted); }
footer { margin-top: 2em; font-size: 0.8em; color: var(--muted); }
.id { white-space: nowrap; }
.phone-only { display: none; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2, h3, ul.notes { break-after: avoid; page-break-after: avoid; }
  .lead { break-inside: avoid; page-break-inside: avoid; }
  figure, .cards, tr { break-inside: avoid; }
  /* The total row once, at the table's end, not at every page break. */
  tfoot { display: table-row-group; }
  .scroll { overflow: visible; }
  th, td { padding: 1px 5px; }
}
@media screen and (max-width: 640px) {
  main { padding: 10px; }
  /* Charts keep readable text: they scroll sideways instead of shrinking. */
  figure { overflow-x: auto; }
  figure svg { width: 640px; max-width: none; }
  /* The rate and its verdict stay in view; the other columns are in the
     CSV and xlsx files and on a wider screen. */
  .opt { display: none; }
  .phone-only { display: block; font-size: 0.85em; color: var(--muted); }
}
"#;

struct Words {
    period: &'static str,
    funnel_caption: &'static str,
    rates_caption: &'static str,
    trend_caption: &'static str,
    trend_red: &'static str,
    findings: &'static str,
    made_by: &'static str,
    generated: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            period: "统计期间",
            funnel_caption: "每个点是一个市州：横轴为计入分母的案件数，纵轴为成功率。虚线为基线的95%控制限，实线为99.8%控制限（Spiegelhalter 2005，精确二项）；案件少的市州控制限宽，落在限内的波动属正常。颜色为判定结果（精确二项检验，BH校正）。",
            rates_caption: "条形为成功率，横线为95% Wilson 区间，虚线为基线；n 为计入分母的案件数。",
            trend_caption: "蓝线为全省月度成功率及95%区间；虚线为基线；数据未覆盖的月份不画。",
            trend_red: "红线为本期低于基线的市州。",
            findings: "关联核查",
            made_by: "由 disputes",
            generated: "生成时间",
        },
        Lang::En => Words {
            period: "Period",
            funnel_caption: "Each point is a prefecture: decided cases across, success rate up. Dashed lines are the baseline's 95% control limits, solid lines the 99.8% ones (Spiegelhalter 2005, exact binomial); small prefectures have wide limits, and a point inside them is ordinary variation. Colours are the verdicts (exact binomial test, BH-adjusted).",
            rates_caption: "Bars are success rates, whiskers 95% Wilson intervals, the dashed line the baseline; n is the number of decided cases.",
            trend_caption: "Blue: the province's monthly success rate with 95% intervals; dashed: the baseline; months the data does not reach are not drawn.",
            trend_red: " Red: prefectures below the baseline this period.",
            findings: "Link checks",
            made_by: "Made by disputes",
            generated: "generated",
        },
    }
}

/// `<section id=…>` and its heading.
fn open_section(heading: Heading, lang: Lang) -> String {
    format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n",
        heading.id(),
        heading.text(lang)
    )
}

/// An SVG from plotters, ready to inline (it starts with `<svg`).
fn figure(svg: &str, caption: &str) -> String {
    format!(
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        svg.trim(),
        escape(caption)
    )
}

fn table(section: &Section, lang: Lang) -> String {
    let body = if section.tabulated {
        let shorter = match lang {
            Lang::Zh => "手机上只显示主要几列；横屏或在电脑上看全部列",
            Lang::En => "A phone shows the main columns only; turn it or use a computer for all",
        };
        let hidden = section
            .table
            .columns
            .iter()
            .any(|c| c.in_tables && c.importance < html::PHONE_IMPORTANCE);
        let phone_note = match hidden {
            true => format!("<p class=\"phone-only\">{shorter}</p>\n"),
            false => String::new(),
        };
        format!("{phone_note}{}", html::render(&section.table, lang))
    } else {
        html::notes(&section.table)
    };
    // The heading travels with its notes onto the table's page.
    format!(
        "<div class=\"lead\"><h3>{}</h3></div>\n{body}",
        escape(&section.table.title)
    )
}

/// A finding line with its ids kept whole (a browser would break them at
/// their hyphens): "label：N — id, id, …".
fn finding(line: &str) -> String {
    let Some((label, ids)) = line.split_once(" — ") else {
        return escape(line);
    };
    let ids: Vec<String> = ids
        .split(", ")
        .map(|id| format!("<span class=\"id\">{}</span>", escape(id)))
        .collect();
    format!("{} — {}", escape(label), ids.join(", "))
}

pub fn render(report: &Report, charts: &Charts) -> String {
    let lang = report.lang;
    let w = words(lang);
    let s = &report.sections;
    let title = report.title();
    let mut body = String::new();
    body.push_str(&format!("<header>\n<h1>{}</h1>\n", escape(&title)));
    body.push_str(&format!(
        "<p class=\"sub\">{}：{}</p>\n",
        w.period,
        escape(&report.period.label(lang))
    ));
    if let Some(note) = &report.filter_note {
        body.push_str(&format!("<p class=\"sub\">{}</p>\n", escape(&masked(note))));
    }
    body.push_str("</header>\n");

    body.push_str(&open_section(Heading::Headline, lang));
    body.push_str("<div class=\"cards\">\n");
    for item in report.headline_items() {
        body.push_str(&format!(
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div><ul>",
            escape(&item.label),
            escape(&item.value)
        ));
        for d in &item.details {
            body.push_str(&format!("<li>{}</li>", escape(d)));
        }
        body.push_str("</ul></div>\n");
    }
    body.push_str("</div>\n");
    body.push_str("<div class=\"prose\">\n");
    for line in report.prose() {
        body.push_str(&format!("<p>{}</p>\n", escape(&masked(&line))));
    }
    body.push_str("</div>\n</section>\n");

    body.push_str(&open_section(Heading::Prefectures, lang));
    body.push_str(&figure(&charts.rates, w.rates_caption));
    body.push_str(&table(&s.prefectures, lang));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::Changes, lang));
    body.push_str(&table(&s.changes_previous, lang));
    body.push_str(&table(&s.changes_last_year, lang));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::FunnelPlot, lang));
    body.push_str(&figure(&charts.funnel_plot, w.funnel_caption));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::Trend, lang));
    let trend_caption = match charts.trend_highlights {
        true => format!("{}{}", w.trend_caption, w.trend_red),
        false => w.trend_caption.to_string(),
    };
    body.push_str(&figure(&charts.trend, &trend_caption));
    body.push_str(&table(&s.trend, lang));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::Counties, lang));
    body.push_str(&table(&s.counties, lang));
    body.push_str(&table(&s.county_changes_previous, lang));
    body.push_str(&table(&s.county_changes_last_year, lang));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::Ranking, lang));
    body.push_str(&table(&s.top_counties, lang));
    body.push_str(&table(&s.bottom_counties, lang));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::Hotline, lang));
    body.push_str(&table(&s.hotline, lang));
    body.push_str(&table(&s.referral, lang));
    body.push_str("</section>\n");

    body.push_str(&open_section(Heading::Quality, lang));
    body.push_str(&table(&s.files, lang));
    body.push_str(&table(&s.rejects, lang));
    body.push_str(&format!("<h3>{}</h3>\n<ul class=\"notes\">\n", w.findings));
    // The first line is the findings' own heading ("数据质量：").
    for line in report.findings.iter().skip(1) {
        body.push_str(&format!("<li>{}</li>\n", finding(&masked(line))));
    }
    body.push_str("</ul>\n</section>\n");

    body.push_str(&open_section(Heading::Definitions, lang));
    body.push_str("<ol class=\"definitions\">\n");
    for line in super::wording::definitions(report.baseline, lang) {
        body.push_str(&format!("<li>{}</li>\n", escape(&line)));
    }
    body.push_str("</ol>\n</section>\n");

    let mut footer = match lang {
        Lang::Zh => format!("{} {} 生成", w.made_by, env!("CARGO_PKG_VERSION")),
        Lang::En => format!("{} {}", w.made_by, env!("CARGO_PKG_VERSION")),
    };
    if let Some(at) = &report.generated_at {
        let separator = if lang == Lang::Zh { "，" } else { ", " };
        footer.push_str(&format!("{separator}{} {at}", w.generated));
    }
    body.push_str(&format!("<footer>{}</footer>\n", escape(&footer)));

    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(&title)
    )
}
