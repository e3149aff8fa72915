//! CSV: machine column names, full-precision numbers, text cells safe to
//! open in Excel.

use super::{Table, Value, neutralise_formula};

pub fn render(table: &Table) -> String {
    let mut out = String::new();
    let header: Vec<String> = table.columns.iter().map(|c| quote(&c.key)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Text { value, .. } => quote(&neutralise_formula(value)),
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
}
