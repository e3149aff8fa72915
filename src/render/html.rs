//! An HTML table for the report page: labels in the chosen language,
//! figures rounded for reading (as in the terminal), verdicts marked and
//! classed for colour, the total row in a `<tfoot>`.

use super::format::shown;
use super::masked;
use super::{Column, ColumnKind, Table, Value};
use crate::Lang;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn is_number(kind: ColumnKind) -> bool {
    !matches!(
        kind,
        ColumnKind::Text | ColumnKind::Key | ColumnKind::Verdict
    )
}

/// The table's notes as a caption list: period, denominator, method.
pub fn notes(table: &Table) -> String {
    let mut out = String::new();
    if !table.notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for note in &table.notes {
            out.push_str(&format!("<li>{}</li>\n", escape(&masked(note))));
        }
        out.push_str("</ul>\n");
    }
    out
}

/// Columns below this importance are hidden on a phone-wide screen (the
/// page's CSS), so that the rate and its verdict stay in view.
pub const PHONE_IMPORTANCE: u8 = 229;

/// The class attribute of a cell: `num` for figures, `opt` for columns a
/// phone leaves out, and the verdict's own class.
fn classes(column: &Column, verdict: Option<&str>) -> String {
    let mut names: Vec<String> = Vec::new();
    if let Some(v) = verdict {
        names.push(format!("v-{v}"));
    } else if is_number(column.kind) {
        names.push("num".into());
    }
    if column.importance < PHONE_IMPORTANCE {
        names.push("opt".into());
    }
    match names.is_empty() {
        true => String::new(),
        false => format!(" class=\"{}\"", names.join(" ")),
    }
}

/// The table's notes as a caption list, then the table itself.
pub fn render(table: &Table, lang: Lang) -> String {
    let columns: Vec<_> = table.columns.iter().filter(|c| c.in_tables).collect();
    let mut out = notes(table);
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for c in &columns {
        let class = classes(c, None);
        out.push_str(&format!("<th{class}>{}</th>", escape(c.label(lang))));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let row_html = |row: &[Value]| {
        let mut tr = String::from("<tr>");
        for (c, v) in table.columns.iter().zip(row).filter(|(c, _)| c.in_tables) {
            let text = escape(&shown(v, c, lang));
            let class = match (c.kind, v) {
                (ColumnKind::Verdict, Value::Text { value, .. }) => classes(c, Some(value)),
                _ => classes(c, None),
            };
            tr.push_str(&format!("<td{class}>{text}</td>"));
        }
        tr.push_str("</tr>\n");
        tr
    };
    if table.rows.is_empty() {
        let none = match lang {
            Lang::Zh => "（无）",
            Lang::En => "(none)",
        };
        out.push_str(&format!(
            "<tr><td colspan=\"{}\">{none}</td></tr>\n",
            columns.len().max(1)
        ));
    }
    for row in &table.rows {
        out.push_str(&row_html(row));
    }
    out.push_str("</tbody>\n");
    if let Some(total) = &table.total {
        out.push_str("<tfoot>\n");
        out.push_str(&row_html(total));
        out.push_str("</tfoot>\n");
    }
    out.push_str("</table></div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped_rounded_and_classed() {
        let table = Table {
            title: "t".into(),
            notes: vec!["a < b".into()],
            columns: vec![
                Column::new("name", "名称", "name", ColumnKind::Key),
                Column::new("rate", "成功率", "rate", ColumnKind::Rate),
                Column::new("verdict", "判定", "verdict", ColumnKind::Verdict),
            ],
            rows: vec![vec![
                Value::text("<script>"),
                Value::Float(0.58064),
                Value::text("below"),
            ]],
            total: None,
        };
        let html = render(&table, Lang::Zh);
        assert!(html.contains("<li>a &lt; b</li>"));
        assert!(html.contains("<td>&lt;script&gt;</td>"));
        assert!(html.contains("<td class=\"num\">58.1%</td>"));
        assert!(html.contains("<td class=\"v-below\">▼ 低于基线</td>"));
        assert!(!html.contains("<script>"));
    }
}
