//! The terminal table (comfy-table): notes above, labels in the chosen
//! language, figures rounded, verdicts marked and coloured.

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table as Comfy};

use super::format::shown;
use super::{ColumnKind, RenderOptions, Table, Value};
use super::{escape_controls, for_terminal};
use crate::Lang;
use crate::ingest::Reject;

pub fn render(table: &Table, opts: &RenderOptions) -> String {
    let columns: Vec<_> = table.columns.iter().filter(|c| c.in_tables).collect();
    let mut comfy = Comfy::new();
    comfy
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if !opts.colour {
        comfy.force_no_tty();
    } else {
        comfy.enforce_styling();
    }
    comfy.set_header(
        columns
            .iter()
            .map(|c| Cell::new(for_terminal(c.label(opts.lang))).add_attribute(Attribute::Bold)),
    );
    let mut add = |row: &[Value], bold: bool| {
        let cells = table
            .columns
            .iter()
            .zip(row)
            .filter(|(c, _)| c.in_tables)
            .map(|(c, v)| {
                let mut cell = Cell::new(escape_controls(&shown(v, c, opts.lang)));
                if !matches!(
                    c.kind,
                    ColumnKind::Text | ColumnKind::Key | ColumnKind::Verdict
                ) {
                    cell = cell.set_alignment(CellAlignment::Right);
                }
                if c.kind == ColumnKind::Verdict
                    && opts.colour
                    && let Value::Text { value, .. } = v
                {
                    cell = match value.as_str() {
                        "above" | "up" => cell.fg(Color::Green),
                        "below" | "down" => cell.fg(Color::Red),
                        "too_few" => cell.fg(Color::DarkGrey),
                        _ => cell,
                    };
                }
                if bold {
                    cell = cell.add_attribute(Attribute::Bold);
                }
                cell
            });
        comfy.add_row(cells);
    };
    for row in &table.rows {
        add(row, false);
    }
    if let Some(total) = &table.total {
        add(total, true);
    }
    let mut out = format!("{}\n", for_terminal(&table.title));
    for note in &table.notes {
        out.push_str(&format!("  {}\n", for_terminal(note)));
    }
    out.push_str(&comfy.to_string());
    out.push('\n');
    out
}

/// `validate`'s terminal output: the accounting rule, the files table as a
/// plain grid, then every rejected row as `file:line:column  reason` (as
/// compilers print it, so editors can jump there).
pub fn accounting(files: &Table, rejects: &[Reject], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut grid = Comfy::new();
    grid.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    grid.set_header(files.columns.iter().map(|c| c.label(lang)));
    for row in &files.rows {
        grid.add_row(
            files
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| escape_controls(&shown(v, c, lang))),
        );
    }
    let mut out = String::new();
    let rule = files.notes.first().map_or("", String::as_str);
    out.push_str(&if zh {
        format!("行核对：{rule}\n")
    } else {
        format!("Row accounting: {rule}\n")
    });
    out.push_str(&grid.to_string());
    out.push('\n');
    if rejects.is_empty() {
        out.push_str(if zh {
            "没有拒收的行。\n"
        } else {
            "No row was rejected.\n"
        });
        return out;
    }
    out.push_str(&if zh {
        format!("\n拒收 {} 行（文件:行:列  原因）：\n", rejects.len())
    } else {
        format!(
            "\n{} rows rejected (file:line:column  reason):\n",
            rejects.len()
        )
    });
    for r in rejects {
        let location = match r.column {
            Some(c) => format!("{}:{}:{}", r.path, r.line, c),
            None => format!("{}:{}", r.path, r.line),
        };
        out.push_str(&format!(
            "{}  {}\n",
            for_terminal(&location),
            for_terminal(&r.reason)
        ));
    }
    out
}
