//! The `keyhound` binary: parse arguments, hand them to the library's `app`, map outcomes to
//! exit codes (0 nothing found, 1 findings, 2 error).

use clap::{CommandFactory, FromArgMatches};
use keyhound::{Cli, Env};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let env = Env {
        // Whether --max-file-size was given (else .keyhound.toml's [scan] max_file_size applies).
        max_file_size_given: matches.subcommand_matches("scan").is_some_and(|m| {
            m.value_source("max_file_size") == Some(clap::parser::ValueSource::CommandLine)
        }),
        stderr_is_terminal: std::io::stderr().is_terminal(),
    };
    match keyhound::run(cli, env) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // One line: the error, then each of its causes.
            eprintln!("keyhound: error: {}", keyhound::error_line(&e));
            ExitCode::from(2)
        }
    }
}
