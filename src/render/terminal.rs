//! The terminal table (comfy-table): notes above, labels in the chosen
//! language, figures rounded, verdicts marked and coloured.

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table as Comfy};

use super::format::format_value;
use super::{ColumnKind, RenderOptions, Table, Value};

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
            .map(|c| Cell::new(c.label(opts.lang)).add_attribute(Attribute::Bold)),
    );
    let mut add = |row: &[Value], bold: bool| {
        let cells = table
            .columns
            .iter()
            .zip(row)
            .filter(|(c, _)| c.in_tables)
            .map(|(c, v)| {
                let mut cell = Cell::new(format_value(v, c.kind, opts.lang));
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
                        "above" => cell.fg(Color::Green),
                        "below" => cell.fg(Color::Red),
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
    let mut out = format!("{}\n", table.title);
    for note in &table.notes {
        out.push_str(&format!("  {note}\n"));
    }
    out.push_str(&comfy.to_string());
    out.push('\n');
    out
}
