//! `telnyx balance`

use crate::cli::{BalanceArgs, GlobalArgs};
use crate::columns::cell_or_dash;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::render_kv;

/// Prints the balance, credit limit, available credit and pending amount.
pub async fn run(_args: BalanceArgs, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, run_in).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx) -> Result<(), CliError> {
    let b = ctx.client.balance().retrieve().await?;
    ctx.out.object(&b, |st| {
        render_kv(
            st,
            &[
                ("Balance", cell_or_dash(&b.balance)),
                ("Credit limit", cell_or_dash(&b.credit_limit)),
                ("Available credit", cell_or_dash(&b.available_credit)),
                ("Pending", cell_or_dash(&b.pending)),
                ("Currency", cell_or_dash(&b.currency)),
            ],
        )
    })
}
