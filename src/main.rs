//! The `logwarden` binary: parse arguments, run the library, and turn the result into an exit
//! status in one place (0 done, 1 `--fail-on` matched, 2 could not do what was asked).

use clap::error::ErrorKind;
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
    let cli = match logwarden::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
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

/// Help and version print as usual; a usage error is one line on stderr, like every other
/// error (cron mails and log scrapers read the first line), with exit status 2.
fn usage_error(e: clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.render().to_string();
    // The message is its lines up to the first blank one (a required-arguments error lists
    // them on the lines after its first).
    let cause = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
        .collect::<Vec<_>>()
        .join(" ");
    let cause = cause.strip_prefix("error: ").unwrap_or(&cause).to_string();
    let cause = if cause.is_empty() {
        "invalid arguments".to_string()
    } else {
        cause
    };
    // Point at the subcommand's help when the command line names one.
    let cmd = <logwarden::cli::Cli as clap::CommandFactory>::command();
    let help = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .filter(|a| cmd.find_subcommand(a).is_some())
        .map_or_else(|| "logwarden".to_string(), |sub| format!("logwarden {sub}"));
    eprintln!("logwarden: error: {cause} (see '{help} --help')");
    ExitCode::from(2)
}
