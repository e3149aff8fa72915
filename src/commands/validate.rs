//! `disputes validate`: checks every row and accounts for each one.
//!
//! Prints the row accounting per file (read = accepted + duplicates +
//! superseded + rejected) and every rejected row with file, line, column and
//! reason. `--rejects FILE` writes the rejected rows as they were. Exit 0
//! when nothing was rejected, 1 when rows were, 2 when a file is unusable.

use std::process::ExitCode;

use anyhow::{Context, Result};
use disputes::ingest::schema::LogKind;
use disputes::ingest::{Logs, Reject};
use disputes::messages::Message;
use disputes::render::csv::quote;
use disputes::render::{self, Format, neutralise_formula};
use disputes::tables::accounting;

use crate::cli::{OutputArgs, ValidateArgs, ValidateFormat};

pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let outputs: Vec<&std::path::Path> = args
        .output
        .iter()
        .chain(&args.rejects)
        .map(|p| p.as_path())
        .collect();
    // The raw rows keep phone numbers: a file readable by its owner only,
    // never a terminal or a pipe.
    if args.rejects.as_deref().is_some_and(super::is_stdout) {
        return Err(Message::RejectsNeedAFile.into());
    }
    super::refuse_overwriting_inputs(&args.input, &outputs)?;
    let (logs, _) = super::load(&args.input, &[LogKind::Hotline, LogKind::Mediation])?;
    if let Some(path) = &args.rejects {
        write_rejects(path, &logs.rejects)?;
    }
    let format = args.effective_format();
    let text = match format {
        ValidateFormat::Json => render::json::accounting(&logs.files, &logs.rejects),
        ValidateFormat::Table => render::terminal::accounting(
            &accounting::files_table(&logs.files, args.lang),
            &logs.rejects,
            args.lang,
            super::terminal_width(args.output.as_deref().is_none_or(super::is_stdout)),
        ),
        ValidateFormat::Csv | ValidateFormat::Markdown | ValidateFormat::Xlsx => {
            let format = match format {
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
            let lines: Vec<String> = logs
                .files
                .iter()
                .filter(|_| !super::quiet())
                .map(|f| accounting::accounting_line(f, args.lang))
                .collect();
            let files = accounting::files_table(&logs.files, args.lang);
            super::emit_with(
                &accounting::rejects_table(&logs.rejects, args.lang),
                &[],
                &[files],
                &output,
                &lines,
            )?;
            return Ok(exit_code(&logs));
        }
    };
    match &args.output {
        Some(path) => super::write_output(path, text.as_bytes())?,
        None => super::print_out(&text)?,
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
    render::write_atomic_private(path, text.as_bytes()).with_context(|| Message::CannotWrite {
        path: path.display().to_string(),
    })
}
