//! The subcommands: what `main.rs` calls once the command line is parsed.

pub mod baseline;
pub mod doctor;
pub mod install_hook;
pub mod rules;
pub mod scan;

use crate::cli::{BaselineCommand, Cli, Command};
use crate::model::error::Error;
use crate::plan::Env;
use std::io::Write;
use std::path::Path;

/// Runs a parsed command line; returns the exit code. Warnings on stderr go through
/// [`safe_line`]; print an error with [`error_line`], which does the same.
pub fn run(cli: Cli, env: Env) -> Result<u8, Error> {
    crate::diag::set_filter(safe_line);
    run_command(cli, env)
}

/// An error with its causes as one terminal-safe line that holds no key (it may echo a path, a
/// ref name or a config value the scanned repository chose).
pub fn error_line(e: &Error) -> String {
    safe_line(&e.chain())
}

/// `text` as one terminal-safe line with every key detection finds in it redacted.
pub fn safe_line(text: &str) -> String {
    crate::report::escape::line(&crate::scrub::text(text))
}

fn run_command(cli: Cli, env: Env) -> Result<u8, Error> {
    match cli.command {
        Command::Scan(args) => scan::run(&args, env),
        Command::Rules(args) => match args.command {
            Some(crate::cli::RulesCommand::Check(check)) => rules::check(check),
            None => rules::run(args.format),
        },
        Command::Baseline(BaselineCommand::Create(args)) => baseline::create(&args, env),
        Command::InstallHook(args) => install_hook::run(&args.path, args.force),
        Command::Doctor(args) => doctor::run_cli(&doctor::Options {
            env_file: args.env_file,
            offline: args.offline,
            verify_endpoint: args.verify_endpoint,
            model: args.model,
        }),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            write_output(None, |out| {
                clap_complete::generate(shell, &mut cmd, "keyhound", out);
                Ok(())
            })?;
            Ok(0)
        }
        Command::Manpage => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            write_output(None, |out| man.render(out))?;
            Ok(0)
        }
    }
}

/// Writes a report to `path`, or to stdout (where a closed pipe, as in `keyhound scan | head`,
/// is not an error).
pub(crate) fn write_output(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    match path {
        // Never through a symlink the scanned repository committed under the report's name.
        Some(p) => crate::safe_io::write_atomic(p, None, render),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            match render(&mut w).and_then(|_| w.flush()) {
                Err(source) if source.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::Stream {
                        what: "writing the report",
                        source,
                    })
                }
                _ => Ok(()),
            }
        }
    }
}
