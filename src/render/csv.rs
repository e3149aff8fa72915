//! CSV: machine column names, full-precision numbers, text cells safe to
//! open in Excel.

use super::{Column, Table, Value, cell_text, from_data, neutralise_formula, shortest_number};

/// The column that marks the province-total row in CSV and JSON exports of
/// tables that have one: `group` for the rows, `total` for the total.
pub const ROW_COLUMN: &str = "row";

pub fn render(table: &Table) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = table.columns.iter().map(|c| quote(&c.key)).collect();
    if table.total.is_some() {
        header.push(ROW_COLUMN.to_string());
    }
    out.push_str(&header.join(","));
    out.push('\n');
    let rows = table
        .rows
        .iter()
        .map(|r| (r, "group"))
        .chain(table.total.iter().map(|t| (t, "total")));
    for (row, marker) in rows {
        let mut cells: Vec<String> = row
            .iter()
            .zip(&table.columns)
            .map(|(v, c)| cell(v, c))
            .collect();
        if table.total.is_some() {
            cells.push(marker.to_string());
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn cell(value: &Value, column: &Column) -> String {
    match value {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => shortest_number(*f),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => super::format::iso_date(*d),
        Value::DateTime(t) => super::format::iso_datetime(*t),
        Value::Text { value: text, .. } => {
            let text = cell_text(text, column);
            if from_data(value, column) {
                quote(&neutralise_formula(&text))
            } else {
                quote(&text)
            }
        }
    }
}

/// The CSV as a file for people: UTF-8 with a BOM, which Excel on Chinese
/// Windows needs to read it as UTF-8 rather than GBK.
pub fn for_excel(table: &Table) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(render(table).as_bytes());
    bytes
}

/// Quotes a cell when it holds a comma, quote or line break.
pub fn quote(text: &str) -> String {
    crate::csv_line::quote(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{Column, ColumnKind};

    #[test]
    fn csv_keeps_full_precision_and_quotes_commas() {
        let table = Table {
            title: String::new(),
            notes: vec![],
            columns: vec![
                Column::new("name", "名称", "name", ColumnKind::Text),
                Column::new("rate", "率", "rate", ColumnKind::Rate),
            ],
            rows: vec![vec![Value::text("a,b"), Value::Float(0.5806451612903226)]],
            total: None,
        };
        assert_eq!(render(&table), "name,rate\n\"a,b\",0.5806451612903226\n");
    }

    #[test]
    fn the_total_row_is_kept_and_marked() {
        let table = Table {
            title: String::new(),
            notes: vec![],
            columns: vec![
                Column::new("name", "名称", "name", ColumnKind::Text),
                Column::new("p", "p", "p", ColumnKind::PValue),
            ],
            rows: vec![vec![Value::text("a"), Value::Float(5.925551741050354e-58)]],
            total: Some(vec![Value::text("全省合计"), Value::Float(0.5)]),
        };
        assert_eq!(
            render(&table),
            "name,p,row\na,5.925551741050354e-58,group\n全省合计,0.5,total\n"
        );
    }
}
