//! JSON: an array of objects, one per row, keyed by machine column names.

use serde_json::{Map, Number, Value as Json};

use super::{Table, Value};
use crate::ingest::{FileAccount, Reject};

pub fn render(table: &Table) -> String {
    let rows: Vec<Json> = table
        .rows
        .iter()
        .map(|row| {
            let object: Map<String, Json> = table
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.key.clone(), to_json(v)))
                .collect();
            Json::Object(object)
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Json::Array(rows)).expect("JSON values serialise");
    text.push('\n');
    text
}

fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Int(i) => Json::Number((*i).into()),
        Value::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Text { value, .. } => Json::String(value.clone()),
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
