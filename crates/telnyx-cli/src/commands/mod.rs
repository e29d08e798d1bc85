//! One thin handler file per command group (the args live in [`crate::cli`]): build the SDK
//! call, hand the result to the output layer.

pub mod audit_events;
pub mod auth;
pub mod auto_recharge;
pub mod balance;
pub mod charges;
pub mod completions;
pub mod detail_records;
pub mod doctor;
pub mod emulator;
pub mod invoices;
pub mod man;
pub mod mcp;
pub mod overview;
pub mod payment;
pub mod tags;
pub mod usage;
pub mod webhook_deliveries;
pub mod webhooks;

use crate::cli::{Command, GlobalArgs};
use crate::exit::CliError;

/// The global options a command runs with: for a command that may call the API, the key,
/// base URL and output format of the selected profile when no key was given directly
/// ([`crate::profile::apply`]). `auth`, `completions` and `man` get them as parsed.
pub fn with_profile(global: GlobalArgs, command: &Command) -> Result<GlobalArgs, CliError> {
    match command {
        Command::Auth(_) | Command::Completions(_) | Command::Man(_) => Ok(global),
        _ => crate::profile::apply(global),
    }
}

/// Runs a parsed command. Every command has the same entry, `run(args, global)`: the
/// command decides what it needs (a client in a [`crate::context::Ctx`], a running
/// emulator's control API, or nothing).
pub async fn dispatch(global: GlobalArgs, command: Command) -> Result<(), CliError> {
    match command {
        Command::Auth(args) => auth::run(args, global).await,
        Command::Doctor(args) => doctor::run(args, global).await,
        Command::Balance(args) => balance::run(args, global).await,
        Command::Charges(args) => charges::run(args, global).await,
        Command::Invoices(args) => invoices::run(args, global).await,
        Command::AuditEvents(args) => audit_events::run(args, global).await,
        Command::DetailRecords(args) => detail_records::run(args, global).await,
        Command::WebhookDeliveries(args) => webhook_deliveries::run(args, global).await,
        Command::AutoRecharge(args) => auto_recharge::run(args, global).await,
        Command::Payment(args) => payment::run(args, global).await,
        Command::Tags(args) => tags::run(args, global).await,
        Command::Overview(args) => overview::run(args, global).await,
        Command::Emulator(args) => emulator::run(args, global).await,
        Command::Completions(args) => completions::run(args, global).await,
        Command::Man(args) => man::run(args, global).await,
        Command::Webhooks(args) => webhooks::run(args, global).await,
        Command::Usage(args) => usage::run(args, global).await,
        Command::Mcp(args) => mcp::run(args, global).await,
    }
}
