//! An MCP server over the Telnyx Account API: typed billing tools for AI agents, read-only by
//! default.
//!
//! The tools are plain async functions over the [`telnyx`] SDK with typed inputs and outputs
//! (one module per resource, named like the SDK's); [`catalog`] lists them with their JSON
//! Schemas and runs one by name; [`server`] is the only module that speaks MCP (through
//! `rmcp`): stdio and streamable HTTP.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = telnyx::Client::from_env()?;
//! let tools = telnyx_mcp::Tools::new(client, telnyx_mcp::Policy::read_only());
//! telnyx_mcp::server::serve_stdio(tools).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod answer;
pub mod audit_events;
pub mod balance;
pub mod catalog;
pub mod charges_breakdown;
pub mod charges_summary;
pub mod detail_records;
pub mod error;
pub mod invoices;
pub mod payment;
pub mod policy;
pub mod server;
pub mod user_tags;
pub mod webhook_deliveries;

pub use catalog::{all_tools, listed_tools, Access, ToolSpec, Tools};
pub use error::ToolError;
pub use policy::Policy;
