//! `telnyx`: the Telnyx Account API from the terminal, with an embedded emulator.
//!
//! Layout: [`cli`] (clap types), [`commands`] (one thin handler file per command group),
//! [`columns`] (table and CSV columns as functions of the typed models), [`output`]
//! (table/json/jsonl/csv), [`exit`] (errors → message, hint, exit code),
//! [`progress`] (bars on stderr), [`debug`] (`--debug`, `RUST_LOG`), [`export`] (atomic files), [`context`] (client + streaming),
//! [`chart`] (bars and sparklines), [`profile`] and [`keystore`] (`telnyx auth`: profiles, keys),
//! [`control`] (a running emulator's control API, for the commands that drive one).

mod chart;
mod cli;
mod columns;
mod commands;
mod context;
mod control;
mod debug;
mod exit;
mod export;
mod keystore;
mod output;
mod profile;
mod progress;

use std::process::ExitCode;

/// Parses the command line, noting whether `--output` was given (a profile's default
/// format applies otherwise).
fn parse() -> Result<cli::Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut matches = cli::Cli::command().try_get_matches()?;
    let explicit = output_given(&matches);
    let mut cli = cli::Cli::from_arg_matches_mut(&mut matches)?;
    cli.global.output_explicit = explicit;
    Ok(cli)
}

/// Whether `--output` was on the command line, at any level of subcommands.
fn output_given(m: &clap::ArgMatches) -> bool {
    let here = matches!(
        m.value_source("output"),
        Some(clap::parser::ValueSource::CommandLine)
    );
    here || m.subcommand().is_some_and(|(_, sub)| output_given(sub))
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version land here too, with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE));
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return exit::report(&exit::CliError::io("starting the async runtime", e)),
    };
    let cli::Cli { global, command } = cli;
    // Before --debug starts, so a profile's key is among the values it redacts.
    let global = match commands::with_profile(global, &command) {
        Ok(g) => g,
        Err(e) => return exit::report(&e),
    };
    debug::install(global.debug, global.api_key.iter().cloned().collect());
    let result = runtime.block_on(commands::dispatch(global, command));
    // Do not wait for lingering blocking tasks (e.g. a stdin prompt) on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `telnyx ... | head`: the reader left; that is not an error.
        Err(exit::CliError::Io(_, e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => exit::report(&e),
    }
}
