//! `telnyx auto-recharge show|set`

use clap::{Subcommand, ValueEnum};

/// `ach|credit_paypal`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PreferenceArg {
    /// Bank account.
    #[value(name = "ach")]
    Ach,
    /// Credit card or PayPal.
    #[value(name = "credit_paypal")]
    CreditPaypal,
}

/// `telnyx auto-recharge ...`
#[derive(Debug, Subcommand)]
pub enum AutoRechargeCommand {
    /// Show the auto recharge preferences.
    Show,
    /// Change some preferences (only the given ones are sent).
    Set {
        /// Turn auto recharge on or off.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        enabled: Option<bool>,
        /// Recharge when the balance falls below this amount, e.g. 50.00.
        #[arg(long)]
        threshold: Option<String>,
        /// Amount to recharge, e.g. 100.00.
        #[arg(long)]
        amount: Option<String>,
        /// Payment method.
        #[arg(long, value_enum)]
        preference: Option<PreferenceArg>,
        /// Pay recharges by invoice.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        invoice_enabled: Option<bool>,
    },
}
