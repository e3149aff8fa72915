use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = disputes::cli::Cli::parse();
    match disputes::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("disputes: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
