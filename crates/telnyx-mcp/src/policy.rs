//! What a server may do beyond reading: the flags that enable the write tools.

use telnyx::Decimal;

/// The CLI flag that enables `update_auto_recharge_prefs`.
pub const ALLOW_WRITES_FLAG: &str = "--allow-writes";
/// The CLI flag that enables `create_stored_payment_transaction`.
pub const ALLOW_PAYMENTS_FLAG: &str = "--allow-payments";
/// The CLI flag that caps one payment.
pub const MAX_PAYMENT_FLAG: &str = "--max-payment-amount";
/// The payment cap when none is given, in USD.
pub const DEFAULT_MAX_PAYMENT_AMOUNT: Decimal = Decimal::from_parts(10_000, 0, 0, false, 2);

/// Which write tools are enabled. The default is read-only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `update_auto_recharge_prefs` is listed and runs.
    pub allow_writes: bool,
    /// `create_stored_payment_transaction` is listed and runs.
    pub allow_payments: bool,
    /// The largest amount one payment may be, in USD.
    pub max_payment_amount: Decimal,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            allow_writes: false,
            allow_payments: false,
            max_payment_amount: DEFAULT_MAX_PAYMENT_AMOUNT,
        }
    }
}

impl Policy {
    /// Read-only: no write tool listed or callable.
    pub fn read_only() -> Policy {
        Policy::default()
    }
}
