//! `telnyx balance`

use crate::commands::{d, to_json};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::render_kv;

/// Prints the balance, credit limit, available credit and pending amount.
pub async fn run(ctx: &mut Ctx) -> Result<(), CliError> {
    let balance = ctx.client.balance().retrieve().await?;
    let v = to_json(&balance)?;
    ctx.out.object(&v, |st| {
        render_kv(
            st,
            &[
                ("Balance", d(&v, "balance")),
                ("Credit limit", d(&v, "credit_limit")),
                ("Available credit", d(&v, "available_credit")),
                ("Pending", d(&v, "pending")),
                ("Currency", d(&v, "currency")),
            ],
        )
    })
}
