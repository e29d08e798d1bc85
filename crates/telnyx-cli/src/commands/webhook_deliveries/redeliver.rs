//! `telnyx webhook-deliveries redeliver` (emulator only): one more attempt of a delivery, to
//! the account's current webhook URL, then the wait for it ([`super::wait`]).

use serde::Serialize;

use super::wait::{print_and_wait, Until};
use crate::cli::webhook_deliveries::WaitArgs;
use crate::cli::GlobalArgs;
use crate::context::Ctx;
use crate::control::{self, ForCommand};
use crate::exit::CliError;

const REDELIVER: &str = "telnyx webhook-deliveries redeliver";

/// Runs `telnyx webhook-deliveries redeliver` against the emulator (its address by default).
pub async fn run(id: String, wait: WaitArgs, global: GlobalArgs) -> Result<(), CliError> {
    let global = control::emulator_only(global, REDELIVER)?;
    Ctx::run(global, async |ctx| run_in(ctx, &id, &wait).await).await
}

/// What `redeliver` prints before the wait: the new attempt.
#[derive(Debug, Serialize)]
struct Redelivered {
    delivery_id: String,
    attempt: u32,
}

/// `run` inside the context.
pub async fn run_in(ctx: &mut Ctx, id: &str, wait: &WaitArgs) -> Result<(), CliError> {
    let key = if ctx.emulator.is_some() {
        telnyx_emulator::DEMO_API_KEY
    } else {
        control::api_key(&ctx.global).ok_or(CliError::NoApiKey)?
    };
    let control = control::client(ctx.client.base_url(), key, &ctx.global, REDELIVER)?;
    control.check().await.for_command(REDELIVER)?;
    let sent = control.redeliver(id).await.for_command(REDELIVER)?;
    let head_block = [
        ("Delivery ID", sent.delivery_id.clone()),
        ("Attempt", format!("{} (queued)", sent.attempt)),
    ];
    let until = Until::Attempts(usize::try_from(sent.attempt).unwrap_or(usize::MAX));
    let delivery_id = sent.delivery_id.clone();
    let head = Redelivered {
        delivery_id: sent.delivery_id,
        attempt: sent.attempt,
    };
    print_and_wait(ctx, head, &head_block, &delivery_id, until, wait).await
}
