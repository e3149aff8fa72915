//! The terminal table (comfy-table): notes above, labels in the chosen
//! language, figures rounded, verdicts marked and coloured.

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table as Comfy};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::format::shown as shown_value;
use super::{ColumnKind, RenderOptions, Table, Value};
use super::{escape_controls, for_terminal};
use crate::Lang;
use crate::ingest::Reject;

/// The table with its title and notes. With a terminal width
/// ([`RenderOptions::width`]), the least important columns are left out
/// until the table fits, and a note names them; notes wrap at the width.
pub fn render(table: &Table, opts: &RenderOptions) -> String {
    let mut shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| table.columns[i].in_tables)
        .collect();
    let mut left_out: Vec<usize> = Vec::new();
    let mut comfy = grid(table, &shown, opts);
    if let Some(width) = opts.width {
        while grid_width(&comfy) > width {
            // The least important columns go, all of that importance at
            // once (an interval's two limits together).
            let Some(least) = shown
                .iter()
                .map(|&i| table.columns[i].importance)
                .filter(|&v| v < 255)
                .min()
            else {
                break;
            };
            left_out.extend(
                shown
                    .iter()
                    .filter(|&&i| table.columns[i].importance == least),
            );
            shown.retain(|&i| table.columns[i].importance != least);
            comfy = grid(table, &shown, opts);
        }
        if grid_width(&comfy) > width {
            // Keys alone are too wide: let comfy-table wrap the cells.
            comfy
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(u16::try_from(width).unwrap_or(u16::MAX));
        }
    }
    let mut notes: Vec<String> = table.notes.iter().map(|n| for_terminal(n)).collect();
    if !left_out.is_empty() {
        left_out.sort_unstable();
        let labels: Vec<&str> = left_out
            .iter()
            .map(|&i| table.columns[i].label(opts.lang))
            .collect();
        let width = opts.width.unwrap_or_default();
        notes.push(match opts.lang {
            Lang::Zh => format!(
                "终端宽 {width} 列，未显示 {} 列：{}（加宽窗口可多显示几列；全部列用 --format csv 或 --output 文件.xlsx）",
                labels.len(),
                labels.join("、")
            ),
            Lang::En => format!(
                "{width}-column terminal: {} columns not shown: {} (widen the window for more; --format csv or --output FILE.xlsx has them all)",
                labels.len(),
                labels.join(", ")
            ),
        });
    }
    let mut out = String::new();
    if !table.title.is_empty() {
        push_wrapped(&mut out, &for_terminal(&table.title), "", opts.width);
    }
    for note in &notes {
        push_wrapped(&mut out, note, "  ", opts.width);
    }
    out.push_str(&comfy.to_string());
    out.push('\n');
    out
}

/// The comfy-table of the given columns.
fn grid(table: &Table, shown: &[usize], opts: &RenderOptions) -> Comfy {
    let mut comfy = Comfy::new();
    comfy
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if !opts.colour {
        comfy.force_no_tty();
    } else {
        comfy.enforce_styling();
    }
    comfy.set_header(shown.iter().map(|&i| {
        Cell::new(for_terminal(table.columns[i].label(opts.lang))).add_attribute(Attribute::Bold)
    }));
    let mut add = |row: &[Value], bold: bool| {
        let cells = shown.iter().map(|&i| {
            let (c, v) = (&table.columns[i], &row[i]);
            let mut cell = Cell::new(escape_controls(&shown_value(v, c, opts.lang)));
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
                    "above" | "up" | "court_higher" => cell.fg(Color::Green),
                    "below" | "down" | "arbitration_higher" => cell.fg(Color::Red),
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
    comfy
}

/// The printed width of a grid: its cells (display width, CJK counted
/// double), one space of padding each side, and the borders.
fn grid_width(comfy: &Comfy) -> usize {
    let widths = comfy.column_max_content_widths();
    widths.iter().map(|&w| usize::from(w) + 2).sum::<usize>() + widths.len() + 1
}

/// `text` as lines no wider than `width` (display width), every line
/// after the first indented two more than `indent`.
pub fn wrapped(text: &str, indent: &str, width: Option<usize>) -> String {
    let mut out = String::new();
    push_wrapped(&mut out, text, indent, width);
    out
}

/// Appends `text` as lines no wider than `width` (display width), every
/// line after the first indented under the first.
fn push_wrapped(out: &mut String, text: &str, indent: &str, width: Option<usize>) {
    let Some(width) = width else {
        out.push_str(&format!("{indent}{text}\n"));
        return;
    };
    let hang = format!("{indent}  ");
    let mut line = String::from(indent);
    let mut line_width = indent.len();
    let mut first = true;
    for word in words(text, width.saturating_sub(hang.len()).max(1)) {
        let w = UnicodeWidthStr::width(word);
        let lead = if first { indent.len() } else { hang.len() };
        if line_width + w > width && line_width > lead {
            out.push_str(line.trim_end());
            out.push('\n');
            first = false;
            line = hang.clone();
            line_width = hang.len();
            let word = word.trim_start();
            line.push_str(word);
            line_width += UnicodeWidthStr::width(word);
            continue;
        }
        line.push_str(word);
        line_width += w;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Pieces a line may break after: a run of Latin text with its trailing
/// spaces, or a single wide (CJK) character; a piece wider than a line is
/// cut into characters.
fn words(text: &str, width: usize) -> Vec<&str> {
    let wide = |c: char| UnicodeWidthChar::width(c).unwrap_or(0) > 1;
    // A line does not start with closing punctuation nor end with an
    // opening bracket (the Chinese line-breaking rule, 避头尾).
    let closing = |c: char| "，。、；：？！）》」』”’%,.;:)".contains(c);
    let opening = |c: char| "（《「『“‘(".contains(c);
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev
            && !closing(c)
            && !opening(p)
            && (wide(p) || wide(c) || (p == ' ' && c != ' '))
        {
            pieces.push(&text[start..i]);
            start = i;
        }
        prev = Some(c);
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
        .into_iter()
        .flat_map(|piece| {
            if UnicodeWidthStr::width(piece) <= width {
                vec![piece]
            } else {
                piece
                    .char_indices()
                    .map(|(i, c)| &piece[i..i + c.len_utf8()])
                    .collect()
            }
        })
        .collect()
}

/// `validate`'s terminal output: the accounting rule, the files table as a
/// plain grid, then every rejected row as `file:line:column  reason` (as
/// compilers print it, so editors can jump there).
pub fn accounting(files: &Table, rejects: &[Reject], lang: Lang, width: Option<usize>) -> String {
    let zh = lang == Lang::Zh;
    let mut grid = Comfy::new();
    grid.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if let Some(width) = width {
        // Every column counts here: long file names wrap instead.
        grid.force_no_tty()
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    grid.set_header(files.columns.iter().map(|c| c.label(lang)));
    for row in &files.rows {
        grid.add_row(
            files
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| escape_controls(&shown_value(v, c, lang))),
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
        let line = format!("{}  {}", for_terminal(&location), for_terminal(&r.reason));
        push_wrapped(&mut out, &line, "", width);
    }
    out
}
