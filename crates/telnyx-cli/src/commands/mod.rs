//! One thin handler per command group: build the SDK call, hand the result to the output layer.

pub mod audit_events;
pub mod auto_recharge;
pub mod balance;
pub mod charges;
pub mod completions;
pub mod detail_records;
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
use crate::context::{color_ok, Ctx};
use crate::exit::CliError;

/// Runs a parsed command: `emulator`, `completions` and `man` need no client; every other
/// command runs inside a [`Ctx`] built from the global options.
pub async fn dispatch(global: GlobalArgs, command: Command) -> Result<(), CliError> {
    match command {
        Command::Emulator(args) => emulator::run(&args, &global, color_ok(&global)).await,
        Command::Completions { shell } => completions::run(shell),
        Command::Man { command } => man::run(&command),
        Command::Balance => Ctx::run(global, balance::run).await,
        Command::Charges(c) => Ctx::run(global, async |ctx| charges::run(ctx, c).await).await,
        Command::Invoices(c) => Ctx::run(global, async |ctx| invoices::run(ctx, c).await).await,
        Command::AuditEvents(c) => {
            Ctx::run(global, async |ctx| audit_events::run(ctx, c).await).await
        }
        Command::DetailRecords(c) => {
            Ctx::run(global, async |ctx| detail_records::run(ctx, c).await).await
        }
        Command::WebhookDeliveries(c) => webhook_deliveries::dispatch(global, c).await,
        Command::AutoRecharge(c) => {
            Ctx::run(global, async |ctx| auto_recharge::run(ctx, c).await).await
        }
        Command::Payment(c) => Ctx::run(global, async |ctx| payment::run(ctx, c).await).await,
        Command::Tags(c) => Ctx::run(global, async |ctx| tags::run(ctx, c).await).await,
        Command::Overview => Ctx::run(global, overview::run).await,
        Command::Webhooks(c) => webhooks::run(&global, c, color_ok(&global)).await,
        Command::Usage(c) => Ctx::run(global, async |ctx| usage::run(ctx, c).await).await,
        Command::Mcp(c) => Ctx::run(global, async |ctx| mcp::run(ctx, c).await).await,
    }
}
