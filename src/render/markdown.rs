//! Markdown: the notes as a caption, then a table with labels in the chosen
//! language and figures rounded for reading.

use super::format::format_value;
use super::{RenderOptions, Table};

pub fn render(table: &Table, opts: &RenderOptions) -> String {
    let columns: Vec<_> = table.columns.iter().filter(|c| c.in_tables).collect();
    let mut out = format!("### {}\n\n", table.title);
    for note in &table.notes {
        out.push_str(&format!("- {}\n", escape(note)));
    }
    if !table.notes.is_empty() {
        out.push('\n');
    }
    let labels: Vec<String> = columns.iter().map(|c| escape(c.label(opts.lang))).collect();
    out.push_str(&format!("| {} |\n", labels.join(" | ")));
    let aligns: Vec<&str> = columns
        .iter()
        .map(|c| match c.kind {
            super::ColumnKind::Text | super::ColumnKind::Key | super::ColumnKind::Verdict => "---",
            _ => "---:",
        })
        .collect();
    out.push_str(&format!("| {} |\n", aligns.join(" | ")));
    let all_rows = table.rows.iter().chain(table.total.iter());
    for row in all_rows {
        let cells: Vec<String> = table
            .columns
            .iter()
            .zip(row)
            .filter(|(c, _)| c.in_tables)
            .map(|(c, v)| escape(&format_value(v, c.kind, opts.lang)))
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
