//! The `logwarden` binary: parse arguments, run the library, and turn the result into an exit
//! status in one place (0 done, 1 `--fail-on` matched, 2 could not do what was asked).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = logwarden::cli::Cli::parse();
    let result = cli.into_request().and_then(logwarden::command::run);
    match result {
        Ok((outcome, fail_on)) => {
            if outcome.fails(fail_on) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("logwarden: error: {msg}");
            ExitCode::from(2)
        }
    }
}
