//! The `disputes` binary: parses the command line, runs the command, maps
//! errors to exit codes. Everything else is the library (`disputes::…`).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use disputes::messages::{self, Message};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    messages::set_language(cli.lang());
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let text = disputes::render::for_terminal(&format!("{err:#}"));
            eprintln!("{}{text}", Message::ErrorPrefix);
            ExitCode::from(2)
        }
    }
}
