//! One thin handler per command group: build the SDK call, hand the result to the output layer.

pub mod audit_events;
pub mod auto_recharge;
pub mod balance;
pub mod charges;
pub mod detail_records;
pub mod emulator;
pub mod invoices;
pub mod overview;
pub mod payment;
pub mod tags;
pub mod webhook_deliveries;

use serde::Serialize;
use serde_json::Value;

use crate::cli::Command;
use crate::context::Ctx;
use crate::exit::CliError;

/// Runs a parsed command (everything but `emulator`, which needs no client).
pub async fn dispatch(ctx: &mut Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Balance => balance::run(ctx).await,
        Command::Charges(c) => charges::run(ctx, c).await,
        Command::Invoices(c) => invoices::run(ctx, c).await,
        Command::AuditEvents(c) => audit_events::run(ctx, c).await,
        Command::DetailRecords(c) => detail_records::run(ctx, c).await,
        Command::WebhookDeliveries(c) => webhook_deliveries::run(ctx, c).await,
        Command::AutoRecharge(c) => auto_recharge::run(ctx, c).await,
        Command::Payment(c) => payment::run(ctx, c).await,
        Command::Tags(c) => tags::run(ctx, c).await,
        Command::Overview => overview::run(ctx).await,
        Command::Emulator(args) => emulator::run(&args, &ctx.global, !ctx.global.no_color).await,
    }
}

/// An SDK model as JSON (its wire shape).
pub fn to_json<T: Serialize>(v: &T) -> Result<Value, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::Other(format!("encoding the result: {e}")))
}

/// A string field of a JSON object, or "".
pub fn s(v: &Value, path: &str) -> String {
    crate::output::cell(crate::output::lookup(v, path))
}

/// A string field, or "-" when absent/empty (for human tables).
pub fn d(v: &Value, path: &str) -> String {
    let t = s(v, path);
    if t.is_empty() {
        "-".to_string()
    } else {
        t
    }
}
