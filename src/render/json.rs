//! JSON: an array of objects, one per row, keyed by machine column names.

use serde_json::{Map, Number, Value as Json};

use super::csv::ROW_COLUMN;
use super::{Column, Table, Value, cell_text};
use crate::ingest::{FileAccount, Reject};

/// Keys in column order; a table with a province total has it as its last
/// object, marked `"row": "total"` (the others `"row": "group"`).
pub fn render(table: &Table) -> String {
    let rows = table
        .rows
        .iter()
        .map(|r| (r, "group"))
        .chain(table.total.iter().map(|t| (t, "total")));
    let rows: Vec<Json> = rows
        .map(|(row, marker)| {
            let mut object: Map<String, Json> = table
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.key.clone(), to_json(v, c)))
                .collect();
            if table.total.is_some() {
                object.insert(ROW_COLUMN.to_string(), Json::String(marker.to_string()));
            }
            Json::Object(object)
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Json::Array(rows)).expect("JSON values serialise");
    text.push('\n');
    text
}

fn to_json(value: &Value, column: &Column) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Int(i) => Json::Number((*i).into()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Date(d) => Json::String(super::format::iso_date(*d)),
        Value::DateTime(t) => Json::String(super::format::iso_datetime(*t)),
        Value::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        // A cell the data does not reach (Value::uncovered).
        Value::Text {
            value,
            display: Some(_),
        } if value.is_empty() => Json::Null,
        Value::Text { value, .. } => Json::String(cell_text(value, column).into_owned()),
    }
}

/// `validate --format json`: `{"files": [...], "rejects": [...]}`.
pub fn accounting(files: &[FileAccount], rejects: &[Reject]) -> String {
    #[derive(serde::Serialize)]
    struct Accounting<'a> {
        files: &'a [FileAccount],
        rejects: &'a [Reject],
    }
    let mut text = serde_json::to_string_pretty(&Accounting { files, rejects })
        .expect("the accounting serialises");
    text.push('\n');
    text
}
