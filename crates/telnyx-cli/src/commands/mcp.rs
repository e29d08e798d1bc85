//! `telnyx mcp`: serves the `telnyx_mcp` billing tools over MCP (stdio by default, or
//! streamable HTTP with `--http`). Stdout carries only protocol messages; notes go to stderr.

use std::sync::Arc;

use crate::cli::mcp::McpArgs;
use crate::cli::GlobalArgs;
use crate::context::Ctx;
use crate::exit::CliError;

/// Runs `telnyx mcp`: the MCP server with the context's client until stdin closes (stdio) or
/// Ctrl-C (HTTP).
pub async fn run(args: McpArgs, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, args).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, args: McpArgs) -> Result<(), CliError> {
    let policy = telnyx_mcp::Policy {
        allow_writes: args.allow_writes,
        allow_payments: args.allow_payments,
        max_payment_amount: args.max_payment_amount,
    };
    let mut tools = telnyx_mcp::Tools::new(ctx.client.clone(), policy.clone());
    if let Some(emu) = &ctx.emulator {
        // Default periods follow the demo account's clock, not the wall clock.
        let today = emu
            .clock(telnyx_emulator::DEMO_API_KEY)
            .map_err(|e| CliError::Emulator(e.to_string()))?
            .date_naive();
        tools = tools.with_today(Arc::new(move || today));
    }
    let mut enabled = Vec::new();
    if policy.allow_writes {
        enabled.push("writes".to_string());
    }
    if policy.allow_payments {
        enabled.push(format!("payments up to {} USD", args.max_payment_amount));
    }
    let mode = if enabled.is_empty() {
        "read-only".to_string()
    } else {
        format!("{} enabled", enabled.join(" and "))
    };
    let target = if ctx.emulator.is_some() {
        "the embedded emulator (demo account)".to_string()
    } else {
        ctx.client.base_url().to_string()
    };
    match args.http {
        None => {
            eprintln!("telnyx mcp: serving MCP on stdio against {target} ({mode})");
            telnyx_mcp::server::serve_stdio(tools)
                .await
                .map_err(|e| CliError::Other(e.to_string()))
        }
        Some(bind) => {
            if !bind.ip().is_loopback() && args.bearer_token.is_none() {
                eprintln!(
                    "warning: --http {bind} is reachable from other machines and no --bearer-token is set"
                );
            }
            let options = telnyx_mcp::server::HttpOptions {
                bind: Some(bind),
                bearer_token: args.bearer_token.clone(),
                allowed_origins: args.allow_origin.clone(),
                allowed_hosts: args.allow_host.clone(),
            };
            let server = telnyx_mcp::server::HttpServer::bind(tools, options)
                .await
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let addr = server
                .local_addr()
                .map_err(|e| CliError::Other(e.to_string()))?;
            eprintln!(
                "telnyx mcp: listening on http://{addr}{} against {target} ({mode}{})",
                telnyx_mcp::server::HTTP_PATH,
                if args.bearer_token.is_some() {
                    ", bearer token required"
                } else {
                    ""
                }
            );
            server
                .run(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| CliError::Other(e.to_string()))
        }
    }
}
