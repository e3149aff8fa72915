//! Excel workbooks (rust_xlsxwriter): one sheet per table, headers in the
//! chosen language, numbers as numbers (rates formatted as percentages but
//! kept at full precision), ids and every other text as string cells —
//! never formulas, and neutralised like CSV in case it is re-saved as CSV.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::{ColumnKind, Table, Value, cell_text, from_data, masked, neutralise_formula};
use crate::Lang;

/// Characters Excel refuses in a sheet name.
const NOT_IN_SHEET_NAMES: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

fn sheet_name(title: &str, index: usize) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !NOT_IN_SHEET_NAMES.contains(c))
        .take(28)
        .collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    if clean.is_empty() {
        format!("Sheet{}", index + 1)
    } else {
        // Titles can repeat (or repeat after truncation); names must not.
        format!(
            "{}{clean}",
            if index > 0 {
                format!("{} ", index + 1)
            } else {
                String::new()
            }
        )
    }
}

/// A column wide enough for its label and its longest cell (region names
/// such as 恩施土家族苗族自治州 are not clipped), in Excel's character units.
fn column_width(table: &Table, c: usize, lang: Lang) -> f64 {
    let width = |text: &str| {
        text.chars()
            .map(|ch| if ch.is_ascii() { 1.1 } else { 2.1 })
            .sum::<f64>()
    };
    let column = &table.columns[c];
    let longest = table
        .rows
        .iter()
        .chain(table.total.iter())
        .filter_map(|row| match &row[c] {
            Value::Text { value, display } => Some(width(display.as_deref().unwrap_or(value))),
            _ => None,
        })
        .fold(0.0, f64::max);
    width(column.label(lang))
        .max(longest + 1.0)
        .clamp(8.0, 60.0)
}

/// A workbook of the tables, one sheet each, as bytes. The document's
/// creation time is fixed, so the same tables give the same file.
pub fn workbook(tables: &[&Table], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let p_value = Format::new().set_num_format("0.0000");
    let hours = Format::new().set_num_format("0.0");
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (index, table) in tables.iter().enumerate() {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&masked(&table.title), index))?;
        for (c, column) in table.columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, column.label(lang), &bold)?;
            sheet.set_column_width(c, column_width(table, c as usize, lang))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        // Printed: landscape A4, as wide as the page, the header on every
        // page (a 19-column table otherwise spills over two portrait pages).
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0)?;
        sheet.set_print_gridlines(true);
        let rows = table.rows.iter().chain(table.total.iter());
        for (r, row) in rows.enumerate() {
            let r = r as u32 + 1;
            for (c, (value, column)) in row.iter().zip(&table.columns).enumerate() {
                let c = c as u16;
                match value {
                    Value::Null => {}
                    Value::Int(i) => {
                        sheet.write_number(r, c, *i as f64)?;
                    }
                    // Real date cells, so Excel filters and sorts them as dates.
                    Value::Date(d) => {
                        match excel_serial(d.and_time(chrono::NaiveTime::MIN)) {
                            Some(serial) => sheet.write_number_with_format(r, c, serial, &date)?,
                            None => sheet.write_string(r, c, super::format::iso_date(*d))?,
                        };
                    }
                    Value::DateTime(t) => {
                        match excel_serial(*t) {
                            Some(serial) => {
                                sheet.write_number_with_format(r, c, serial, &datetime)?
                            }
                            None => sheet.write_string(r, c, super::format::iso_datetime(*t))?,
                        };
                    }
                    Value::Bool(b) => match lang {
                        Lang::Zh => {
                            sheet.write_string(r, c, super::format::yes_no(*b, lang))?;
                        }
                        Lang::En => {
                            sheet.write_boolean(r, c, *b)?;
                        }
                    },
                    Value::Float(f) => {
                        match column.kind {
                            ColumnKind::Rate => {
                                sheet.write_number_with_format(r, c, *f, &percent)?
                            }
                            ColumnKind::PValue => {
                                sheet.write_number_with_format(r, c, *f, &p_value)?
                            }
                            // In 万元, as the column's label says.
                            ColumnKind::Money => {
                                sheet.write_number_with_format(r, c, *f / 10_000.0, &money)?
                            }
                            ColumnKind::Hours => {
                                sheet.write_number_with_format(r, c, *f, &hours)?
                            }
                            _ => sheet.write_number(r, c, *f)?,
                        };
                    }
                    Value::Text { value, display } => {
                        // As tables read: verdicts in words, keys by their label.
                        let text = if column.kind == ColumnKind::Verdict {
                            super::format::verdict_label(value, lang)
                        } else {
                            display.clone().unwrap_or_else(|| value.clone())
                        };
                        let text = cell_text(&text, column);
                        // Only what came from the data is guarded: the
                        // tool's own labels stay as they read (＝ 无显著差异).
                        if from_data(&row[c as usize], column) {
                            sheet.write_string(r, c, neutralise_formula(&text))?;
                        } else {
                            sheet.write_string(r, c, text.as_ref())?;
                        }
                    }
                }
            }
        }
    }
    book.save_to_buffer()
}

/// Excel's serial number of a date and time (days since 1899-12-30, the
/// fraction the time of day), for the years Excel shows as dates
/// (1900-03-01 to 9999); None outside them, written as text instead.
fn excel_serial(t: chrono::NaiveDateTime) -> Option<f64> {
    use chrono::Datelike;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(chrono::NaiveTime::MIN);
    let first = chrono::NaiveDate::from_ymd_opt(1900, 3, 1)?;
    if t.date() < first || t.year() > 9999 {
        return None;
    }
    let ms = (t - epoch).num_milliseconds();
    Some(ms as f64 / 86_400_000.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_excel_serials() {
        use chrono::NaiveDate;
        // Excel: =DATE(2023,3,15) → 45000; 13:21 → .55625.
        let d = NaiveDate::from_ymd_opt(2023, 3, 15).unwrap();
        assert_eq!(
            super::excel_serial(d.and_hms_opt(0, 0, 0).unwrap()),
            Some(45000.0)
        );
        assert_eq!(
            super::excel_serial(d.and_hms_opt(13, 21, 0).unwrap()),
            Some(45000.55625)
        );
        let early = NaiveDate::from_ymd_opt(1899, 1, 1).unwrap();
        assert_eq!(
            super::excel_serial(early.and_hms_opt(0, 0, 0).unwrap()),
            None
        );
    }

    use super::*;

    #[test]
    fn sheet_names_are_legal_and_distinct() {
        assert_eq!(
            sheet_name("调解成功率（按市州）", 0),
            "调解成功率（按市州）"
        );
        assert_eq!(sheet_name("a/b:c", 1), "2 abc");
        assert_eq!(sheet_name("", 2), "Sheet3");
        assert!(sheet_name(&"长".repeat(40), 0).chars().count() <= 31);
    }
}
