//! `telnyx tags list`

use clap::Subcommand;

/// `telnyx tags ...`
#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// List tags.
    List {
        /// Only tags starting with this prefix.
        #[arg(long)]
        prefix: Option<String>,
    },
}
