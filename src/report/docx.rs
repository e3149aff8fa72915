//! The report as a Word document (`report.docx`, docx-rs): what an office
//! circulates. The title, the headline as sentences to paste, the
//! prefecture table with ranks and verdicts, the changes, the county
//! tables and ranking, the hotline table and the definitions (统计口径).
//! A4 portrait, fonts named for Word and WPS (宋体/黑体, Times New Roman),
//! tables narrowed to the columns a page holds. Charts stay in the HTML page
//! and the SVG files (drawing them here would need system fonts): the
//! document says so. Deterministic: no date but the fixed 1970 stamp.

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table as WordTable, TableCell,
    TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::wording::{Heading, definitions};
use super::{Report, Section};
use crate::Lang;
use crate::render::format::shown;
use crate::render::masked;
use crate::tables::{ColumnKind, Table};

/// A4 in twentieths of a point, and the margins.
const A4_WIDTH: u32 = 11_906;
const A4_HEIGHT: u32 = 16_838;
const MARGIN: i32 = 1_134; // 2 cm
const TEXT_WIDTH: usize = (A4_WIDTH as i32 - 2 * MARGIN) as usize;

fn body_fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("宋体")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn heading_fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("黑体")
        .ascii("Arial")
        .hi_ansi("Arial")
}

fn text(s: &str) -> Run {
    Run::new()
        .add_text(masked(s).into_owned())
        .fonts(body_fonts())
}

fn title(s: &str) -> Paragraph {
    Paragraph::new()
        .add_run(
            Run::new()
                .add_text(s)
                .bold()
                .size(36)
                .fonts(heading_fonts()),
        )
        .align(AlignmentType::Center)
}

/// A numbered section heading: the document leaves the charts and the
/// data-quality tables to the page, so it numbers its own sections.
fn heading(h: Heading, n: &mut usize, lang: Lang) -> Paragraph {
    *n += 1;
    Paragraph::new()
        .add_run(
            Run::new()
                .add_text(h.numbered(*n, lang))
                .bold()
                .size(28)
                .fonts(heading_fonts()),
        )
        .keep_next(true)
}

fn subheading(s: &str) -> Paragraph {
    Paragraph::new()
        .add_run(
            Run::new()
                .add_text(masked(s).into_owned())
                .bold()
                .size(22)
                .fonts(heading_fonts()),
        )
        .keep_next(true)
}

fn paragraph(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s).size(22))
}

fn note(s: &str) -> Paragraph {
    Paragraph::new().add_run(text(s).size(18).color("555555"))
}

/// The columns of a table that fit the page, by machine name, in the
/// table's order (unknown names are left out).
fn narrowed(table: &Table, keys: &[&str]) -> Vec<usize> {
    table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| keys.contains(&c.key.as_str()))
        .map(|(i, _)| i)
        .collect()
}

/// A table of the report as Word shows it: the chosen columns, labels in
/// bold, figures rounded as on the page, numbers right-aligned; the first
/// column wider for region names.
fn word_table(table: &Table, keys: &[&str], lang: Lang) -> WordTable {
    let columns = narrowed(table, keys);
    // Names and verdicts take more room than figures.
    let weight = |i: usize| match table.columns[i].kind {
        ColumnKind::Key | ColumnKind::Text => 2.2,
        ColumnKind::Verdict => 1.9,
        _ => 1.0,
    };
    let total: f64 = columns.iter().map(|&i| weight(i)).sum::<f64>().max(1.0);
    let widths: Vec<usize> = columns
        .iter()
        .map(|&i| (TEXT_WIDTH as f64 * weight(i) / total) as usize)
        .collect();
    let cell = |s: String, width: usize, bold: bool, right: bool| {
        let mut run = text(&s).size(16);
        if bold {
            run = run.bold();
        }
        let mut p = Paragraph::new().add_run(run);
        if right {
            p = p.align(AlignmentType::Right);
        }
        TableCell::new()
            .add_paragraph(p)
            .width(width, WidthType::Dxa)
    };
    let numeric =
        |k: ColumnKind| !matches!(k, ColumnKind::Text | ColumnKind::Key | ColumnKind::Verdict);
    let mut rows = vec![
        TableRow::new(
            columns
                .iter()
                .zip(&widths)
                .map(|(&i, &w)| cell(table.columns[i].label(lang).to_string(), w, true, false))
                .collect(),
        )
        .cant_split(),
    ];
    let body = table
        .rows
        .iter()
        .map(|r| (r, false))
        .chain(table.total.iter().map(|t| (t, true)));
    for (row, is_total) in body {
        rows.push(
            TableRow::new(
                columns
                    .iter()
                    .zip(&widths)
                    .map(|(&i, &w)| {
                        let c = &table.columns[i];
                        cell(shown(&row[i], c, lang), w, is_total, numeric(c.kind))
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    // Fixed layout: Word, WPS and LibreOffice keep the widths given instead
    // of fitting columns to their longest word; narrow cell margins leave
    // room for "100.0%" in a figure column.
    WordTable::new(rows)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(28, 57, 28, 57))
        .set_grid(widths.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// A section's table with its title and notes.
fn section(doc: Docx, s: &Section, keys: &[&str], lang: Lang) -> Docx {
    let mut doc = doc.add_paragraph(subheading(&s.table.title));
    for n in &s.table.notes {
        doc = doc.add_paragraph(note(n));
    }
    if !s.tabulated {
        return doc.add_paragraph(Paragraph::new());
    }
    doc.add_table(word_table(&s.table, keys, lang))
        .add_paragraph(Paragraph::new())
}

const PREFECTURE_COLUMNS: [&str; 10] = [
    "prefecture",
    "received",
    "closed",
    "successes",
    "decided",
    "success_rate",
    "ci_low",
    "ci_high",
    "verdict",
    "rank",
];

const CHANGE_COLUMNS: [&str; 9] = [
    "prefecture",
    "county",
    "success_rate",
    "prev_rate",
    "change",
    "change_low",
    "change_high",
    "change_p_adjusted",
    "change_verdict",
];

const TREND_COLUMNS: [&str; 8] = [
    "month",
    "closed",
    "successes",
    "decided",
    "success_rate",
    "ci_low",
    "ci_high",
    "prefectures_below",
];

const COUNTY_COLUMNS: [&str; 9] = [
    "county",
    "received",
    "closed",
    "successes",
    "decided",
    "success_rate",
    "verdict",
    "shrunken_rate",
    "rank",
];

const RANKING_COLUMNS: [&str; 7] = [
    "rank",
    "prefecture",
    "county",
    "successes",
    "decided",
    "success_rate",
    "shrunken_rate",
];

const HOTLINE_COLUMNS: [&str; 8] = [
    "prefecture",
    "received",
    "closed",
    "closure_rate",
    "median_hours_to_close",
    "on_time_rate",
    "satisfaction_rate",
    "referral_rate",
];

/// The document, as bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, docx_rs::DocxError> {
    let lang = report.lang;
    let s = &report.sections;
    let mut doc = Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .default_fonts(body_fonts())
        .add_paragraph(title(&report.title()))
        .add_paragraph(
            Paragraph::new()
                .add_run(text(&report.period.label(lang)).size(22))
                .align(AlignmentType::Center),
        );
    if let Some(f) = &report.filter_note {
        doc = doc.add_paragraph(paragraph(f));
    }

    let mut n = 0;
    doc = doc.add_paragraph(heading(Heading::Headline, &mut n, lang));
    for line in report.prose() {
        doc = doc.add_paragraph(paragraph(&line));
    }
    doc = doc.add_paragraph(note(match lang {
        Lang::Zh => "图表（各市州成功率条形图、漏斗图、近12个月趋势图）见同一文件夹中的 index.html 和 SVG 文件。",
        Lang::En => "The charts (success rates, funnel plot, trend) are in index.html and the SVG files of the same folder.",
    }));

    doc = doc.add_paragraph(heading(Heading::Prefectures, &mut n, lang));
    doc = section(doc, &s.prefectures, &PREFECTURE_COLUMNS, lang);

    doc = doc.add_paragraph(heading(Heading::Changes, &mut n, lang));
    doc = section(doc, &s.changes_previous, &CHANGE_COLUMNS, lang);
    doc = section(doc, &s.changes_last_year, &CHANGE_COLUMNS, lang);

    doc = doc.add_paragraph(heading(Heading::Trend, &mut n, lang));
    doc = section(doc, &s.trend, &TREND_COLUMNS, lang);

    doc = doc.add_paragraph(heading(Heading::Counties, &mut n, lang));
    doc = section(doc, &s.counties, &COUNTY_COLUMNS, lang);

    doc = doc.add_paragraph(heading(Heading::Ranking, &mut n, lang));
    doc = section(doc, &s.top_counties, &RANKING_COLUMNS, lang);
    doc = section(doc, &s.bottom_counties, &RANKING_COLUMNS, lang);

    doc = doc.add_paragraph(heading(Heading::Hotline, &mut n, lang));
    doc = section(doc, &s.hotline, &HOTLINE_COLUMNS, lang);

    doc = doc.add_paragraph(heading(Heading::Definitions, &mut n, lang));
    for (i, line) in definitions(report.baseline, lang).iter().enumerate() {
        doc = doc.add_paragraph(paragraph(&format!("{}. {line}", i + 1)));
    }
    if let Some(at) = &report.generated_at {
        doc = doc.add_paragraph(note(&format!(
            "{} {at}",
            if lang == Lang::Zh {
                "生成时间"
            } else {
                "Generated"
            }
        )));
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut bytes)?;
    Ok(bytes.into_inner())
}
