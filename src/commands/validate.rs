//! `disputes validate`: checks every row and accounts for each one.
//!
//! Prints the row accounting per file (read = accepted + duplicates +
//! superseded + rejected) and every rejected row with file, line, column and
//! reason. `--rejects FILE` writes the rejected rows as they were. Exit 0
//! when nothing was rejected, 1 when rows were, 2 when a file is unusable.

use std::process::ExitCode;

use anyhow::{Context, Result};
use comfy_table::{ContentArrangement, Table as Comfy};

use crate::Lang;
use crate::cli::{OutputArgs, ValidateArgs, ValidateFormat};
use crate::ingest::{FileAccount, Logs, Reject};
use crate::render::csv::quote;
use crate::render::neutralise_formula;
use crate::render::{Column, ColumnKind, Format, Table, Value};

pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let (logs, _) = super::load(&args.input)?;
    if let Some(path) = &args.rejects {
        write_rejects(path, &logs.rejects)?;
    }
    let text = match args.format {
        ValidateFormat::Json => render_json(&logs),
        ValidateFormat::Table => render_table(&logs, args.lang),
        ValidateFormat::Csv | ValidateFormat::Markdown | ValidateFormat::Xlsx => {
            let format = match args.format {
                ValidateFormat::Csv => Format::Csv,
                ValidateFormat::Markdown => Format::Markdown,
                _ => Format::Xlsx,
            };
            let output = OutputArgs {
                format: Some(format),
                output: args.output.clone(),
                no_bom: args.no_bom,
                lang: args.lang,
            };
            let accounting: Vec<String> = logs
                .files
                .iter()
                .map(|f| super::accounting_line(f, args.lang))
                .collect();
            let files = crate::report::files_table(&logs.files, args.lang);
            super::emit_with(
                &rejects_table(&logs.rejects, args.lang),
                &[],
                &[files],
                &output,
                &accounting,
            )?;
            return Ok(exit_code(&logs));
        }
    };
    match &args.output {
        Some(path) => super::write_output(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(exit_code(&logs))
}

fn exit_code(logs: &Logs) -> ExitCode {
    if logs.rejects.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Every rejected row: file, line, column and reason (the record itself
/// only in the --rejects file, which may hold personal data).
fn rejects_table(rejects: &[Reject], lang: Lang) -> Table {
    let rows = rejects
        .iter()
        .map(|r| {
            vec![
                Value::text(r.path.clone()),
                Value::Int(i64::from(r.line)),
                r.column.map_or(Value::Null, |c| Value::Int(c as i64)),
                r.column_name.clone().map_or(Value::Null, Value::text),
                Value::text(r.reason.clone()),
            ]
        })
        .collect();
    Table {
        title: match lang {
            Lang::Zh => "拒收行".to_string(),
            Lang::En => "Rejected rows".to_string(),
        },
        notes: Vec::new(),
        columns: vec![
            Column::new("path", "文件", "file", ColumnKind::Text),
            Column::new("line", "行号", "line", ColumnKind::Count),
            Column::new("column", "列号", "column", ColumnKind::Count),
            Column::new("column_name", "列名", "column name", ColumnKind::Text),
            Column::new("reason", "原因", "reason", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

#[derive(serde::Serialize)]
struct Report<'a> {
    files: &'a [FileAccount],
    rejects: &'a [Reject],
}

fn render_json(logs: &Logs) -> String {
    let mut text = serde_json::to_string_pretty(&Report {
        files: &logs.files,
        rejects: &logs.rejects,
    })
    .expect("report serialises");
    text.push('\n');
    text
}

fn render_table(logs: &Logs, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut files = Comfy::new();
    files
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    files.set_header(if zh {
        vec![
            "文件",
            "类型",
            "编码",
            "读入",
            "采用",
            "重复",
            "被更新",
            "拒收",
        ]
    } else {
        vec![
            "file",
            "kind",
            "encoding",
            "read",
            "accepted",
            "duplicates",
            "superseded",
            "rejected",
        ]
    });
    for f in &logs.files {
        files.add_row(vec![
            f.path.clone(),
            f.kind.name().to_string(),
            f.encoding.to_string(),
            f.read.to_string(),
            f.accepted.to_string(),
            f.duplicates.to_string(),
            f.superseded.to_string(),
            f.rejected.to_string(),
        ]);
    }
    let mut out = String::new();
    out.push_str(if zh {
        "行核对：读入 = 采用 + 重复 + 被更新 + 拒收\n"
    } else {
        "Row accounting: read = accepted + duplicates + superseded + rejected\n"
    });
    out.push_str(&files.to_string());
    out.push('\n');
    if logs.rejects.is_empty() {
        out.push_str(if zh {
            "没有拒收的行。\n"
        } else {
            "No row was rejected.\n"
        });
        return out;
    }
    out.push_str(&if zh {
        format!("\n拒收 {} 行（文件:行:列  原因）：\n", logs.rejects.len())
    } else {
        format!(
            "\n{} rows rejected (file:line:column  reason):\n",
            logs.rejects.len()
        )
    });
    for r in &logs.rejects {
        out.push_str(&format!("{}  {}\n", location(r), r.reason));
    }
    out
}

/// `file:line:column`, as compilers print it, so editors can jump there.
fn location(r: &Reject) -> String {
    match r.column {
        Some(c) => format!("{}:{}:{}", r.path, r.line, c),
        None => format!("{}:{}", r.path, r.line),
    }
}

/// The rejects file: for fixing the source, so it keeps each row as it was
/// (personal data included) and is readable by its owner only.
fn write_rejects(path: &std::path::Path, rejects: &[Reject]) -> Result<()> {
    let mut text = String::from("\u{feff}file,line,column,column_name,reason,record\n");
    for r in rejects {
        let cells = [
            quote(&neutralise_formula(&r.path)),
            r.line.to_string(),
            r.column.map_or(String::new(), |c| c.to_string()),
            quote(&neutralise_formula(r.column_name.as_deref().unwrap_or(""))),
            quote(&neutralise_formula(&r.reason)),
            quote(&neutralise_formula(&r.raw)),
        ];
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    crate::render::write_atomic_private(path, text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))
}
