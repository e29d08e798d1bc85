//! `telnyx payment create`

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::payment::PaymentCommand;
use crate::cli::GlobalArgs;
use crate::columns::{cell, cell_or_dash};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::render_kv;

/// Runs `telnyx payment ...`.
pub async fn run(cmd: PaymentCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: PaymentCommand) -> Result<(), CliError> {
    let PaymentCommand::Create {
        amount,
        idempotency_key,
        yes,
    } = cmd;
    let amount = amount.trim().to_string();
    let key = match idempotency_key {
        Some(k) => {
            check_key(&k)?;
            k
        }
        None => generate_key(),
    };
    if !yes {
        confirm(&amount)?;
    }
    eprintln!("idempotency key: {key}");
    let request = ctx
        .client
        .payment()
        .create_stored_payment_transaction(amount.clone())
        .idempotency_key(key.clone());
    let tx = match request.await {
        Ok(tx) => tx,
        Err(e) => {
            if e.is_retryable() || e.is_connection() || e.is_timeout() {
                eprintln!(
                    "to retry without paying twice: telnyx payment create --amount {amount} --idempotency-key {key} --yes"
                );
            }
            return Err(e.into());
        }
    };
    ctx.out.object(&tx, |st| {
        render_kv(
            st,
            &[
                ("Transaction ID", cell_or_dash(&tx.id)),
                ("Amount", cents(&tx)),
                ("Status", st.status(&cell_or_dash(&tx.processor_status))),
                ("Created at", cell_or_dash(&tx.created_at)),
                ("Type", cell_or_dash(&tx.transaction_processing_type)),
                ("Idempotency key", key.clone()),
            ],
        )
    })
}

/// `amount_cents` as dollars and cents with the currency, in integer arithmetic.
fn cents(tx: &telnyx::StoredPaymentTransaction) -> String {
    let currency = cell(&tx.amount_currency);
    match tx.amount_cents {
        Some(c) => {
            let sign = if c < 0 { "-" } else { "" };
            let a = c.unsigned_abs();
            format!("{sign}{}.{:02} {currency}", a / 100, a % 100)
                .trim_end()
                .to_string()
        }
        None => "-".into(),
    }
}

/// Telnyx's rule: 1-255 characters of `[A-Za-z0-9_:-]`.
fn check_key(k: &str) -> Result<(), CliError> {
    let ok = (1..=255).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(CliError::Invalid(
            "--idempotency-key must be 1-255 characters of A-Z a-z 0-9 _ : -".into(),
        ))
    }
}

/// A fresh key: `cli-<unix ms, hex>-<64 random bits, hex>`.
pub fn generate_key() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("cli-{ms:x}-{:016x}", fastrand::u64(..))
}

/// Asks on the terminal; refuses without a terminal (use `--yes` in scripts).
fn confirm(amount: &str) -> Result<(), CliError> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(CliError::Declined(format!(
            "refusing to charge {amount} without confirmation: no terminal to ask on; pass --yes"
        )));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "Charge {amount} to the account's stored payment method? [y/N] "
    );
    let _ = err.flush();
    drop(err);
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::io("reading the confirmation", e))?;
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::Declined("cancelled: nothing was charged".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_valid_and_unique() {
        let a = generate_key();
        let b = generate_key();
        assert!(a.starts_with("cli-"));
        assert_ne!(a, b);
        check_key(&a).unwrap();
        assert!(check_key("has space").is_err());
        assert!(check_key("").is_err());
        assert!(check_key(&"a".repeat(256)).is_err());
    }

    fn tx(json: serde_json::Value) -> telnyx::StoredPaymentTransaction {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn cents_are_exact() {
        assert_eq!(
            cents(&tx(
                serde_json::json!({"amount_cents": 1234, "amount_currency": "USD"})
            )),
            "12.34 USD"
        );
        assert_eq!(cents(&tx(serde_json::json!({"amount_cents": 5}))), "0.05");
        assert_eq!(
            cents(&tx(serde_json::json!({"amount_cents": -250}))),
            "-2.50"
        );
        assert_eq!(cents(&tx(serde_json::json!({}))), "-");
    }
}
