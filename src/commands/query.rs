//! `disputes query`: Polars SQL over the checked data (tables `mediation`,
//! `hotline`, `regions`), one statement from the command line or an
//! interactive prompt that keeps the data loaded between queries.

use std::process::ExitCode;

use anyhow::Result;
use disputes::analysis::query::QueryTables;
use disputes::ingest::schema::LogKind;
use disputes::render::{self, Format, RenderOptions};
use disputes::tables::query::{frame_table, schema_table};

use crate::cli::QueryArgs;

pub fn run(args: &QueryArgs) -> Result<ExitCode> {
    super::refuse_overwriting_inputs(&args.input, &args.output.files())?;
    let (logs, regions) = super::load(&args.input, &[LogKind::Hotline, LogKind::Mediation])?;
    let tables = QueryTables::new(&logs, &regions, args.unmask)?;
    if args.schema {
        super::emit(&schema_table(&tables), &args.output, &[])?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.sql {
        Some(sql) => {
            let frame = tables.run(sql)?;
            super::emit(&frame_table(&frame, sql, args.unmask)?, &args.output, &[])?;
            Ok(ExitCode::SUCCESS)
        }
        None => prompt(&tables, args),
    }
}

/// The interactive prompt: one statement per line; `.schema` lists the
/// tables, `.quit` (or Ctrl-D) leaves. Errors are shown and the prompt goes on.
fn prompt(tables: &QueryTables, args: &QueryArgs) -> Result<ExitCode> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    let opts = RenderOptions {
        lang: args.output.lang,
        colour: false,
        width: super::terminal_width(true),
    };
    eprintln!(
        "disputes query: SQL over mediation, hotline, regions; .schema lists columns, .quit leaves"
    );
    loop {
        match editor.readline("disputes> ") {
            Ok(line) => {
                let sql = line.trim().trim_end_matches(';').trim();
                if sql.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                match sql {
                    ".quit" | ".exit" | "\\q" => break,
                    ".schema" => super::print_out(&render::render(
                        &schema_table(tables),
                        Format::Table,
                        &opts,
                    ))?,
                    _ => match tables
                        .run(sql)
                        .map_err(anyhow::Error::from)
                        .and_then(|f| Ok(frame_table(&f, sql, args.unmask)?))
                    {
                        Ok(table) => {
                            super::print_out(&render::render(&table, Format::Table, &opts))?
                        }
                        Err(e) => eprintln!("{e:#}"),
                    },
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(ExitCode::SUCCESS)
}
