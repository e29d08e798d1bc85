//! `telnyx completions SHELL`: a completion script generated from the clap definitions.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, GlobalArgs};
use crate::exit::CliError;

/// Writes the completion script for the shell to stdout.
pub async fn run(args: CompletionsArgs, _global: GlobalArgs) -> Result<(), CliError> {
    let shell = args.shell;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "telnyx", &mut script);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::io("writing the completion script to stdout", e))
}
