//! `telnyx mcp`

use clap::Args;

/// `telnyx mcp` options.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve streamable HTTP at ADDR (e.g. 127.0.0.1:8765, endpoint /mcp) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<std::net::SocketAddr>,
    /// With --http: require `Authorization: Bearer TOKEN` on every request.
    #[arg(
        long,
        env = "TELNYX_MCP_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub bearer_token: Option<String>,
    /// With --http: also accept requests from this browser Origin (repeatable), e.g. http://localhost:6274.
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// With --http: also accept this Host header value (repeatable); loopback names are always accepted.
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// List and run update_auto_recharge_prefs.
    #[arg(long)]
    pub allow_writes: bool,
    /// List and run create_stored_payment_transaction (dry run unless the agent sends dry_run: false).
    #[arg(long)]
    pub allow_payments: bool,
    /// The largest single payment allowed, in USD.
    #[arg(long, value_name = "AMOUNT", default_value = "100.00", value_parser = parse_amount)]
    pub max_payment_amount: rust_decimal::Decimal,
}

fn parse_amount(text: &str) -> Result<rust_decimal::Decimal, String> {
    match text.trim().parse::<rust_decimal::Decimal>() {
        Ok(v) if v > rust_decimal::Decimal::ZERO => Ok(v),
        _ => Err(format!(
            "{text:?} is not a positive amount: write e.g. 100.00"
        )),
    }
}
