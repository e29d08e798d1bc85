//! The blocking client (feature `blocking`): the balance and a top-up, from a plain
//! `fn main` with no async runtime.
//!
//! ```sh
//! telnyx-emulator &   # or a real key
//! TELNYX_API_KEY=KEY_demo TELNYX_BASE_URL=http://127.0.0.1:4010/v2 \
//!     cargo run -p telnyx --features blocking --example blocking_balance
//! ```

use telnyx::blocking::Client;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let (balance, response) = client.balance().retrieve().with_response()?;
    println!(
        "balance {:?} {:?} (request id {:?}, {:?} requests left in this window)",
        balance.balance,
        balance.currency,
        response.request_id(),
        response.rate_limit().and_then(|r| r.remaining)
    );
    // A payment moves money: the idempotency key makes a retry safe.
    let tx = client
        .payment()
        .create_stored_payment_transaction("10.00")
        .idempotency_key("blocking-example-topup-1")
        .send()?;
    println!(
        "charged {:?} cents: {:?}",
        tx.amount_cents, tx.processor_status
    );
    Ok(())
}
