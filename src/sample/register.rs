//! Mediation cases written as an office keeps them: an Excel register
//! (调解案件台账) with one sheet a month (by 受理日期), a title and a
//! 填报 line above the header, a 序号 column, typed cells (dates as date
//! cells, counts and amounts as numbers, ids as text) and a 合计 row with
//! SUM formulas at the foot of each sheet. The same cases as the clean CSV.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};

use crate::csv_line;

/// The register's columns after 序号: (header, index in the clean line).
const COLUMNS: [(&str, usize); 14] = [
    ("案件编号", 0),
    ("对接渠道", 1),
    ("市州", 2),
    ("县市区", 3),
    ("案件来源", 4),
    ("热线工单编号", 5),
    ("纠纷类型", 6),
    ("调解组织", 7),
    ("受理日期", 8),
    ("结案日期", 9),
    ("调解结果", 10),
    ("涉及职工人数", 11),
    ("涉案金额（元）", 12),
    ("调解金额（元）", 13),
];

const DATE_COLUMNS: [usize; 2] = [8, 9];
const NUMBER_COLUMNS: [usize; 3] = [11, 12, 13];

fn xlsx_error(e: XlsxError) -> io::Error {
    io::Error::other(e.to_string())
}

/// A clean ISO date (yyyy-mm-dd) as an Excel date.
fn excel_date(iso: &str) -> Option<ExcelDateTime> {
    let mut parts = iso.split('-').map(|p| p.parse::<u16>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ExcelDateTime::from_ymd(y, m as u8, d as u8).ok()
}

/// Writes the register: `title` above each sheet, `months` the clean
/// mediation lines (no header) received in each (year, month).
pub(crate) fn write(
    path: &Path,
    title: &str,
    unit: &str,
    months: &BTreeMap<(i32, u32), Vec<String>>,
) -> io::Result<()> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2024, 1, 5).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let title_format = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy/m/d");
    let money = Format::new().set_num_format("#,##0.00");
    for ((year, month), lines) in months {
        let sheet = book.add_worksheet();
        sheet.set_name(format!("{month}月")).map_err(xlsx_error)?;
        sheet
            .write_string_with_format(0, 0, format!("{year}年{month}月{title}"), &title_format)
            .map_err(xlsx_error)?;
        sheet
            .write_string(1, 0, format!("填报单位：{unit}　　填报日期：2024年1月5日"))
            .map_err(xlsx_error)?;
        sheet
            .write_string_with_format(2, 0, "序号", &bold)
            .map_err(xlsx_error)?;
        for (c, (header, _)) in COLUMNS.iter().enumerate() {
            sheet
                .write_string_with_format(2, c as u16 + 1, *header, &bold)
                .map_err(xlsx_error)?;
        }
        let first = 3u32;
        for (i, line) in lines.iter().enumerate() {
            let r = first + i as u32;
            let cells = csv_line::split(line, b',');
            sheet
                .write_number(r, 0, (i + 1) as f64)
                .map_err(xlsx_error)?;
            for (c, (_, from)) in COLUMNS.iter().enumerate() {
                let c = c as u16 + 1;
                let text = cells.get(*from).map_or("", String::as_str);
                if text.is_empty() {
                    continue;
                }
                if DATE_COLUMNS.contains(from)
                    && let Some(date) = excel_date(text)
                {
                    sheet
                        .write_datetime_with_format(r, c, &date, &date_format)
                        .map_err(xlsx_error)?;
                } else if NUMBER_COLUMNS.contains(from)
                    && let Ok(n) = text.parse::<f64>()
                {
                    let format = if *from == 11 { &Format::new() } else { &money };
                    sheet
                        .write_number_with_format(r, c, n, format)
                        .map_err(xlsx_error)?;
                } else {
                    sheet.write_string(r, c, text).map_err(xlsx_error)?;
                }
            }
        }
        // The foot: 合计 with the count and SUM formulas (their cached
        // results written too, as Excel saves them).
        let total = first + lines.len() as u32;
        sheet
            .write_string_with_format(total, 0, "合　计", &bold)
            .map_err(xlsx_error)?;
        sheet
            .write_string(total, 1, format!("共{}件", lines.len()))
            .map_err(xlsx_error)?;
        for from in NUMBER_COLUMNS {
            let c = COLUMNS.iter().position(|(_, f)| *f == from).unwrap_or(0) as u16 + 1;
            let sum: f64 = lines
                .iter()
                .filter_map(|l| csv_line::split(l, b',').get(from)?.parse::<f64>().ok())
                .sum();
            let column = column_letter(c);
            let formula = Formula::new(format!(
                "=SUM({column}{}:{column}{})",
                first + 1,
                total.max(first + 1)
            ))
            .set_result(format!("{sum}"));
            sheet.write_formula(total, c, formula).map_err(xlsx_error)?;
        }
        sheet.set_column_width(1, 24).map_err(xlsx_error)?;
        sheet.set_column_width(8, 36).map_err(xlsx_error)?;
    }
    let bytes = book.save_to_buffer().map_err(xlsx_error)?;
    let tmp = path.with_extension("xlsx.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Excel's name of a 0-based column: A, B, …, Z, AA, ….
fn column_letter(mut c: u16) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_run_as_in_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(14), "O");
        assert_eq!(column_letter(26), "AA");
    }
}
