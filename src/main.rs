//! The `disputes` binary: parses the command line, runs the command, maps
//! errors to exit codes. Everything else is the library (`disputes::…`).

mod cli;
mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use disputes::messages::{self, Message};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    messages::set_language(cli.lang());
    match commands::run(cli) {
        Ok(code) => code,
        // The reader stopped early (`| head`): nothing is wrong, as in
        // ripgrep and xsv.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let text = disputes::render::for_terminal(&format!("{err:#}"));
            let _ = writeln!(std::io::stderr(), "{}{text}", Message::ErrorPrefix);
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
