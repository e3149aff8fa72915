//! `disputes query`: SQL over the checked data (tables `mediation`,
//! `hotline`, `regions`, `rejects`, `files`), from the command line or an
//! interactive prompt that keeps the data loaded between statements.
//! `disputes export`: the same tables as Parquet files.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use disputes::analysis::query::QueryTables;
use disputes::analysis::sql::{self, SqlEngine};
use disputes::ingest::schema::LogKind;
use disputes::messages::{Message, pick};
use disputes::render::{self, Format, RenderOptions};
use disputes::tables::query::{Shown, result_table, schema_table};

use crate::cli::{ExportArgs, QueryArgs};

/// Rows a result shows at the prompt unless `.rows N` says otherwise.
const PROMPT_ROWS: usize = 100;

fn tables(input: &crate::cli::InputArgs, unmask: bool) -> Result<QueryTables> {
    let (logs, regions) = super::load(input, &[LogKind::Hotline, LogKind::Mediation])?;
    QueryTables::new(&logs, &regions, unmask).map_err(|e| {
        Message::CheckFailed {
            detail: e.to_string(),
        }
        .into()
    })
}

pub fn run(args: &QueryArgs) -> Result<ExitCode> {
    super::refuse_overwriting_inputs(&args.input, &args.output.files())?;
    let engine = SqlEngine::new(&tables(&args.input, args.unmask)?)?;
    if args.schema {
        super::emit(&schema_table(&engine), &args.output, &[])?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.sql {
        Some(sql) => {
            let for_people = matches!(
                args.output.effective_format(),
                Format::Table | Format::Markdown
            );
            let limit = (for_people && args.max_rows > 0).then_some(args.max_rows);
            let result = engine.run(sql, limit)?;
            let table = result_table(&result, sql, args.unmask, Shown::CommandLine);
            super::emit(&table, &args.output, &[])?;
            Ok(ExitCode::SUCCESS)
        }
        None => prompt(&engine, args),
    }
}

/// Where the prompt keeps its history: `$DISPUTES_HISTORY` (empty: none),
/// else the user's data folder (`%APPDATA%\disputes` on Windows,
/// `$XDG_DATA_HOME/disputes` or `~/.local/share/disputes` elsewhere).
fn history_file() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    if let Some(path) = std::env::var_os("DISPUTES_HISTORY") {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    let folder = if cfg!(windows) {
        var("APPDATA").map(|d| d.join("disputes"))
    } else {
        var("XDG_DATA_HOME")
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| d.join("disputes"))
            .or_else(|| var("HOME").map(|h| h.join(".local").join("share").join("disputes")))
    }?;
    Some(folder.join("query_history.txt"))
}

/// Writes the history, readable by its owner only.
fn save_history(editor: &mut rustyline::DefaultEditor, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if editor.save_history(path).is_ok() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
}

/// The interactive prompt: statements end with `;` and may span lines;
/// `.schema` lists the tables, `.rows N` how many rows a result shows,
/// `.quit` (or Ctrl-D) leaves. Errors are shown and the prompt goes on.
/// Fed from a pipe, it runs every statement and exits 2 if any failed.
fn prompt(engine: &SqlEngine, args: &QueryArgs) -> Result<ExitCode> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    let history = history_file();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let opts = RenderOptions {
        lang: args.output.lang,
        colour: false,
        width: super::terminal_width(true),
    };
    eprintln!(
        "{}",
        Message::QueryPromptBanner {
            history: history.as_ref().map(|p| p.display().to_string()),
        }
    );
    let mut rows = PROMPT_ROWS;
    let mut buffer = String::new();
    let mut failed = false;
    let mut run = |sql: &str, rows: usize, editor: &mut rustyline::DefaultEditor| {
        let _ = editor.add_history_entry(render::masked(sql.trim()).as_ref());
        let limit = (rows > 0).then_some(rows);
        match engine.run(sql, limit) {
            Ok(result) => super::print_out(&render::render(
                // The statement was just typed: no title repeating it.
                &result_table(&result, "", args.unmask, Shown::Prompt),
                Format::Table,
                &opts,
            )),
            Err(e) => {
                failed = true;
                eprintln!("{e}");
                Ok(())
            }
        }
    };
    loop {
        let text = if buffer.is_empty() {
            "disputes> "
        } else {
            "      ..> "
        };
        match editor.readline(text) {
            Ok(line) => {
                let command = line.trim();
                if (buffer.is_empty() && command.starts_with('.')) || command == "\\q" {
                    let mut words = command.trim_end_matches(';').split_whitespace();
                    match (words.next(), words.next()) {
                        (Some(".quit" | ".exit" | "\\q"), _) => break,
                        (Some(".schema"), _) => super::print_out(&render::render(
                            &schema_table(engine),
                            Format::Table,
                            &opts,
                        ))?,
                        (Some(".rows"), Some(n)) if n.parse::<usize>().is_ok() => {
                            rows = n.parse().unwrap_or(PROMPT_ROWS);
                        }
                        _ => eprintln!(
                            "{}",
                            pick(
                                "可用的命令：.schema  .rows N（0 = 全部）  .quit",
                                "commands: .schema  .rows N (0 = all)  .quit"
                            )
                        ),
                    }
                    continue;
                }
                if command.is_empty() && buffer.is_empty() {
                    continue;
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if sql::is_complete(&buffer) {
                    let sql = std::mem::take(&mut buffer);
                    run(&sql, rows, &mut editor)?;
                }
            }
            Err(ReadlineError::Interrupted) => buffer.clear(),
            Err(ReadlineError::Eof) => {
                if !buffer.trim().is_empty() {
                    let sql = std::mem::take(&mut buffer);
                    run(&sql, rows, &mut editor)?;
                }
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(path) = &history {
        save_history(&mut editor, path);
    }
    if failed && !std::io::stdin().is_terminal() {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(args: &ExportArgs) -> Result<ExitCode> {
    let targets: Vec<PathBuf> = disputes::analysis::query::TABLES
        .iter()
        .map(|t| args.parquet.join(format!("{t}.parquet")))
        .chain(std::iter::once(args.parquet.join("duckdb.sql")))
        .collect();
    let target_refs: Vec<&std::path::Path> = targets.iter().map(PathBuf::as_path).collect();
    super::refuse_overwriting_inputs(&args.input, &target_refs)?;
    let tables = tables(&args.input, args.unmask)?;
    let written =
        sql::export_parquet(&tables, &args.parquet).with_context(|| Message::CannotWrite {
            path: args.parquet.display().to_string(),
        })?;
    if !super::quiet() {
        for path in written {
            eprintln!("{}", pick("已写入 ", "wrote ").to_string() + &path);
        }
    }
    Ok(ExitCode::SUCCESS)
}
