//! The `logwarden` binary: parse arguments, run the library, and turn the result into an exit
//! status in one place (0 done, 1 `--fail-on` matched, 2 could not do what was asked).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not dump a panic payload (it could quote log content) nor exit with 101:
    // report where it happened, in one line, and exit 2 like any failed run.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("logwarden: error: internal error{at}; please report it");
    }));
    let cli = logwarden::cli::Cli::parse();
    let result = std::panic::catch_unwind(|| cli.into_request().and_then(logwarden::command::run));
    match result {
        Ok(Ok((outcome, fail_on))) => {
            if outcome.fails(fail_on) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Ok(Err(e)) => {
            eprintln!("logwarden: error: {}", logwarden::command::one_line(&e));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}
