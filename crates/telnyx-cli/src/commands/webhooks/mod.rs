//! `telnyx webhooks verify|listen|trigger`, a file per job: [`verify`] checks one webhook's
//! signature with the SDK (`telnyx::webhooks`), [`listen`] receives webhooks on a local port
//! (verifying, printing and answering each, or relaying it through [`forward`]), [`trigger`]
//! has the emulator send one.
//!
//! `verify` and `listen` work from the account's webhook public key (`--public-key` or
//! `TELNYX_PUBLIC_KEY`) and need no API key. Without a key, `listen` asks the emulator at
//! --base-url (default `telnyx emulator`'s address) for the account's key; against an
//! emulator it also registers itself as the account's webhook URL, like `stripe listen`, and
//! unregisters on exit. `trigger` (emulator only) emits one event and waits for its
//! delivery. The emulator calls go through the control client ([`crate::control`]).

pub mod forward;
pub mod listen;
pub mod trigger;
pub mod verify;

use std::time::Duration;

use telnyx::webhooks::{Event, Verifier};

use crate::cli::webhooks::{PublicKeyArgs, WebhooksCommand};
use crate::cli::GlobalArgs;
use crate::context::color_ok;
use crate::exit::CliError;

/// Runs `telnyx webhooks ...`: `verify` and `listen` need no API key or client; `trigger`
/// runs in a [`crate::context::Ctx`] against the emulator.
pub async fn run(cmd: WebhooksCommand, global: GlobalArgs) -> Result<(), CliError> {
    let color = color_ok(&global);
    let global = &global;
    match cmd {
        WebhooksCommand::Trigger(args) => trigger::run(args, global.clone()).await,
        WebhooksCommand::Verify(args) => {
            stdout_only(global)?;
            verify::run(global, &args)
        }
        WebhooksCommand::Listen(args) => {
            stdout_only(global)?;
            listen::run(global, args, color).await
        }
    }
}

/// `verify` and `listen` print to stdout as they go: no `--out`.
fn stdout_only(global: &GlobalArgs) -> Result<(), CliError> {
    match &global.out {
        Some(path) => Err(CliError::Usage(format!(
            "`telnyx webhooks verify|listen` print to stdout; --out {} is not supported here (redirect stdout instead)",
            path.display()
        ))),
        None => Ok(()),
    }
}

/// What to say when there is no public key at all.
pub(crate) const NO_PUBLIC_KEY: &str =
    "no webhook public key: pass --public-key KEY or set TELNYX_PUBLIC_KEY \
     (the base64 public key from Mission Control Portal > Keys & Credentials > Public Key)";

/// `--public-key` / `TELNYX_PUBLIC_KEY`, when given and not blank.
pub(crate) fn given_public_key(key: &PublicKeyArgs) -> Option<&str> {
    key.public_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The verifier for a base64 public key, with `--tolerance`.
pub(crate) fn verifier_for(text: &str, key: &PublicKeyArgs) -> Result<Verifier, CliError> {
    let verifier = Verifier::new(text).map_err(|e| CliError::Invalid(e.to_string()))?;
    Ok(verifier.tolerance(Duration::from_secs(key.tolerance)))
}

/// The verifier for `--public-key` / `TELNYX_PUBLIC_KEY`.
pub(crate) fn verifier_from(key: &PublicKeyArgs) -> Result<Verifier, CliError> {
    let text = given_public_key(key).ok_or_else(|| CliError::Usage(NO_PUBLIC_KEY.into()))?;
    verifier_for(text, key)
}

/// The event's delivery attempt number, or `-`.
pub(crate) fn attempt(event: &Event) -> String {
    event
        .attempt()
        .map_or_else(|| "-".into(), |a| a.to_string())
}
