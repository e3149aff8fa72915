//! The `disputes` binary: parses the command line, runs the command, maps
//! errors to exit codes. Everything else is the library (`disputes::…`).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("disputes: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
