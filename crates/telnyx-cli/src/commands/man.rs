//! `telnyx man [COMMAND...]`: the manual page in roff, generated from the clap definitions
//! at run time (so it never drifts from `--help`, and the build needs no extra step).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, GlobalArgs, ManArgs};
use crate::exit::CliError;

/// Writes the page of `telnyx` (or of `telnyx COMMAND...`) to stdout.
pub async fn run(args: ManArgs, _global: GlobalArgs) -> Result<(), CliError> {
    let path = args.command.as_slice();
    let mut cmd = Cli::command();
    // Building sets each subcommand's display name (`telnyx-charges-summary`), the page title.
    cmd.build();
    let mut page = &cmd;
    for (i, name) in path.iter().enumerate() {
        let parent = std::iter::once("telnyx")
            .chain(path[..i].iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let known: Vec<&str> = page
            .get_subcommands()
            .filter(|c| !c.is_hide_set() && c.get_name() != "help")
            .map(|c| c.get_name())
            .collect();
        page = page.find_subcommand(name).ok_or_else(|| {
            CliError::Usage(if known.is_empty() {
                format!(
                    "`{parent}` has no subcommands: its page is `telnyx man {}`",
                    path[..i].join(" ")
                )
            } else {
                format!(
                    "`{parent}` has no command {name:?}: pick one of {}",
                    known.join(", ")
                )
            })
        })?;
    }
    let man = clap_mangen::Man::new(page.clone())
        .source(format!("telnyx {}", env!("CARGO_PKG_VERSION")))
        .manual("telnyx manual");
    let mut roff = Vec::new();
    man.render(&mut roff)
        .map_err(|e| CliError::io("rendering the manual page", e))?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&roff)
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::io("writing the manual page to stdout", e))
}
