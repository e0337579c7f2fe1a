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

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli, env: Env) -> Result<u8, Error> {
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
        Some(p) => {
            let file = std::fs::File::create(p).map_err(Error::io(p))?;
            let mut w = std::io::BufWriter::new(file);
            render(&mut w).and_then(|_| w.flush()).map_err(Error::io(p))
        }
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
