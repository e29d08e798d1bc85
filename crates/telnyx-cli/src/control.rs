//! The CLI's side of a running emulator's control API: which emulator and which account the
//! global options name, and the control client ([`telnyx_emulator::control_client::Client`])
//! built from them. `telnyx emulator advance|traffic`, `webhooks listen|trigger` and
//! `webhook-deliveries redeliver` use it; its errors become [`CliError::Control`] naming the
//! command that needed an emulator.

pub use telnyx_emulator::control_client::Client;

use crate::cli::GlobalArgs;
use crate::exit::{CliError, ControlError};

/// The emulator's address when --base-url is not given (where `telnyx emulator` listens).
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:4010/v2";

/// --base-url/TELNYX_BASE_URL, when given and not blank.
pub fn given_base_url(global: &GlobalArgs) -> Option<&str> {
    global
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

/// --base-url/TELNYX_BASE_URL when given, else the address `telnyx emulator` listens on.
pub fn emulator_base_url(global: &GlobalArgs) -> &str {
    given_base_url(global).unwrap_or(DEFAULT_BASE_URL)
}

/// --api-key/TELNYX_API_KEY, when given and not blank.
pub fn api_key(global: &GlobalArgs) -> Option<&str> {
    global
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The global options for a command that works only against a running emulator: its
/// address by default (`telnyx emulator`'s), and never `--emulator` (a private emulator
/// that lives for one command cannot have a listener registered or deliveries to redo).
pub fn emulator_only(mut global: GlobalArgs, command: &str) -> Result<GlobalArgs, CliError> {
    if global.emulator {
        return Err(CliError::Usage(format!(
            "`{command}` needs an emulator that outlives the command, not --emulator's private one: \
             run `telnyx emulator` in another terminal and point --base-url at it ({DEFAULT_BASE_URL} by default)"
        )));
    }
    global.base_url = Some(emulator_base_url(&global).to_string());
    Ok(global)
}

/// The control client of the emulator at `base_url` for the account of `key`, with
/// --timeout (per attempt) and --max-retries (after a full webhook queue).
pub fn client(
    base_url: &str,
    key: &str,
    global: &GlobalArgs,
    command: &'static str,
) -> Result<Client, CliError> {
    let mut builder = Client::builder(base_url, key)
        .max_retries(global.max_retries.unwrap_or(telnyx::DEFAULT_MAX_RETRIES));
    if let Some(t) = global.timeout {
        builder = builder.timeout(t);
    }
    builder.build().for_command(command)
}

/// From the global options alone: the emulator at --base-url (default `telnyx emulator`'s
/// address), the account of --api-key (required).
pub fn from_global(global: &GlobalArgs, command: &'static str) -> Result<Client, CliError> {
    let key = api_key(global).ok_or(CliError::NoApiKey)?;
    client(emulator_base_url(global), key, global, command)
}

/// A control call's result as the CLI's: the error names the command that needed an emulator.
pub trait ForCommand<T> {
    /// `Err(CliError::Control { command, .. })` for a control error.
    fn for_command(self, command: &'static str) -> Result<T, CliError>;
}

impl<T> ForCommand<T> for Result<T, ControlError> {
    fn for_command(self, command: &'static str) -> Result<T, CliError> {
        self.map_err(|error| CliError::Control { command, error })
    }
}
