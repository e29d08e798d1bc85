//! `telnyx auth login|status|logout`: profiles and their stored keys. The profile is the
//! global `--profile NAME` (or `TELNYX_PROFILE`); without one, `default`.

use clap::{Args, Subcommand};

/// `telnyx auth ...`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Check an API key with a real call and store it for a profile (OS keyring, else a 0600 file).
    ///
    /// The key is read without echo from the terminal, or from stdin with --with-key
    /// (`telnyx auth login --with-key < key.txt`). The base URL in effect (--base-url /
    /// TELNYX_BASE_URL) is recorded with the profile, so a profile can point at an emulator;
    /// --output given here becomes the profile's default format.
    Login(LoginArgs),
    /// Show each profile, where its key is kept (masked), and which key a command would use.
    Status(StatusArgs),
    /// Remove a profile and its stored key.
    Logout(LogoutArgs),
}

/// `telnyx auth login`
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Read the key from stdin (no prompt), e.g. from a secrets manager.
    #[arg(long)]
    pub with_key: bool,
    /// Make this the default profile (the first profile is the default anyway).
    #[arg(long)]
    pub default: bool,
}

/// `telnyx auth status` (no options of its own).
#[derive(Debug, Args)]
pub struct StatusArgs {}

/// `telnyx auth logout` (no options of its own).
#[derive(Debug, Args)]
pub struct LogoutArgs {}
