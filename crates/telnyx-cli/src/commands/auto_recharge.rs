//! `telnyx auto-recharge show|set`

use crate::cli::auto_recharge::{AutoRechargeCommand, PreferenceArg};
use crate::cli::GlobalArgs;
use crate::columns::cell_or_dash;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv, Style};

/// Runs `telnyx auto-recharge ...`.
pub async fn run(cmd: AutoRechargeCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: AutoRechargeCommand) -> Result<(), CliError> {
    let prefs = match cmd {
        AutoRechargeCommand::Show => ctx.client.payment().auto_recharge_prefs().list().await?,
        AutoRechargeCommand::Set {
            enabled,
            threshold,
            amount,
            preference,
            invoice_enabled,
        } => {
            let mut update = telnyx::AutoRechargePrefUpdate::default();
            if enabled.is_none()
                && threshold.is_none()
                && amount.is_none()
                && preference.is_none()
                && invoice_enabled.is_none()
            {
                return Err(CliError::Usage(
                    "nothing to change: pass at least one of --enabled, --threshold, --amount, --preference, --invoice-enabled".into(),
                ));
            }
            if let Some(e) = enabled {
                update = update.enabled(e);
            }
            if let Some(e) = invoice_enabled {
                update = update.invoice_enabled(e);
            }
            if let Some(t) = threshold {
                update = update.threshold_amount(money("--threshold", &t)?);
            }
            if let Some(a) = amount {
                update = update.recharge_amount(money("--amount", &a)?);
            }
            if let Some(p) = preference {
                update = update.preference(match p {
                    PreferenceArg::Ach => telnyx::RechargePreference::Ach,
                    PreferenceArg::CreditPaypal => telnyx::RechargePreference::CreditPaypal,
                });
            }
            ctx.client
                .payment()
                .auto_recharge_prefs()
                .update(update)
                .await?
        }
    };
    ctx.out.object(&prefs, |st| render_prefs(st, &prefs))
}

fn money(flag: &str, s: &str) -> Result<telnyx::Money, CliError> {
    telnyx::Money::parse(s.trim()).map_err(|e| CliError::Invalid(format!("{flag}: {e}")))
}

/// The human view of auto recharge preferences (also used by `overview`).
pub fn render_prefs(st: &Style, p: &telnyx::AutoRechargePref) -> String {
    let onoff = |on: Option<bool>| match on {
        Some(true) => st.green("on"),
        Some(false) => st.red("off"),
        None => "-".into(),
    };
    render_kv(
        st,
        &[
            ("Auto recharge", onoff(p.enabled)),
            ("Threshold", cell_or_dash(&p.threshold_amount)),
            ("Recharge amount", cell_or_dash(&p.recharge_amount)),
            ("Preference", cell_or_dash(&p.preference)),
            ("Invoice", onoff(p.invoice_enabled)),
        ],
    )
}
