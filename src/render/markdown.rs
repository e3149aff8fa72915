//! Markdown: the notes as a caption, then a table with labels in the chosen
//! language and figures rounded for reading.

use super::format::shown;
use super::{RenderOptions, Table, masked};

/// The title and the notes as a list.
pub fn title_and_notes(table: &Table) -> String {
    let mut out = format!("### {}\n\n", escape(&table.title));
    for note in &table.notes {
        out.push_str(&format!("- {}\n", escape(note)));
    }
    if !table.notes.is_empty() {
        out.push('\n');
    }
    out
}

pub fn render(table: &Table, opts: &RenderOptions) -> String {
    let columns: Vec<_> = table.columns.iter().filter(|c| c.in_tables).collect();
    let mut out = title_and_notes(table);
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
            .map(|(c, v)| escape(&shown(v, c, opts.lang)))
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// Text as Markdown shows it literally: phones masked, Markdown's own
/// characters and HTML escaped, line breaks and control characters as
/// spaces (a cell or heading stays on its line).
pub fn escape(text: &str) -> String {
    let text = masked(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        // An underscore inside a word (sample_data) is no emphasis in
        // CommonMark: only one at a word's edge is escaped.
        let inside_word = |i: usize| {
            i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
        };
        match c {
            '_' if inside_word(i) => out.push(c),
            '|' | '\\' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_html_in_cells_are_escaped() {
        assert_eq!(escape("a|b*c_d`e _x"), "a\\|b\\*c_d\\`e \\_x");
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("SELECT 1\nFROM t"), "SELECT 1 FROM t");
    }
}
