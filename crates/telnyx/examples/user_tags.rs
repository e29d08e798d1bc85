//! Lists the tags in use, optionally by prefix: `cargo run --example user_tags -- my-`.

use telnyx::UserTagListParams;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let mut params = UserTagListParams::default();
    if let Some(prefix) = std::env::args().nth(1) {
        params = params.starts_with(prefix);
    }
    let tags = client.user_tags().list(params).await?;
    println!("number tags:           {}", tags.number_tags.join(", "));
    println!(
        "outbound profile tags: {}",
        tags.outbound_profile_tags.join(", ")
    );
    Ok(())
}
