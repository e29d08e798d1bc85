//! The tool catalog: names, descriptions, schemas and access of every tool, in a fixed order,
//! and [`Tools::call`], which runs one by name over JSON arguments. Knows nothing of MCP.

use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;
use telnyx::Client;

use crate::answer::{capped_json, Capped};
use crate::error::ToolError;
use crate::policy::{Policy, ALLOW_PAYMENTS_FLAG, ALLOW_WRITES_FLAG};
use crate::{
    audit_events, balance, charges_breakdown, charges_summary, detail_records, invoices, payment,
    user_tags, webhook_deliveries,
};

/// What a tool may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only; calling it twice gives the same answer.
    Read,
    /// Changes account settings (needs `--allow-writes`).
    Write,
    /// Moves money (needs `--allow-payments`).
    Payment,
}

/// One tool as a host sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// Tool name.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// When to use it.
    pub description: &'static str,
    /// What it may do.
    pub access: Access,
    /// JSON Schema of the arguments.
    pub input_schema: Value,
    /// JSON Schema of `structuredContent`.
    pub output_schema: Value,
}

fn schema<T: JsonSchema>() -> Value {
    let mut v = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("$schema");
    }
    v
}

fn spec<I: JsonSchema, O: JsonSchema>(
    name: &'static str,
    title: &'static str,
    access: Access,
    description: &'static str,
) -> ToolSpec {
    ToolSpec {
        name,
        title,
        description,
        access,
        input_schema: schema::<I>(),
        output_schema: schema::<O>(),
    }
}

/// Every tool, in the order `tools/list` shows them.
pub fn all_tools() -> Vec<ToolSpec> {
    use Access::*;
    vec![
        spec::<balance::NoInput, balance::BalanceAnswer>(
            "get_balance",
            "Account balance",
            Read,
            "The account's balance, credit limit, available credit and pending charges right now. \
             Use it for \"how much money is left?\" or before suggesting a top-up.",
        ),
        spec::<charges_summary::SummarizeInput, charges_summary::SummaryAnswer>(
            "summarize_charges",
            "Charges in a period",
            Read,
            "What a period cost: the grand total, its parts (recurring, one-time, usage, credits) and \
             the largest product lines. Use it for \"what did I spend this month?\". Default period: \
             the current month.",
        ),
        spec::<charges_summary::CompareInput, charges_summary::CompareAnswer>(
            "compare_charges",
            "Compare two periods",
            Read,
            "Why the bill changed: two periods' totals, the change in amount and percent, and the \
             product lines that drove it, largest absolute change first. Use it for \"why did my \
             bill go up?\". Default: this month against the previous one.",
        ),
        spec::<charges_breakdown::BreakdownInput, charges_breakdown::BreakdownAnswer>(
            "get_charges_breakdown",
            "Top numbers by cost",
            Read,
            "Which phone numbers and resources cost most in a period (top N with their services, plus \
             an \"other\" total). Use it after summarize_charges to find the numbers behind \
             recurring charges.",
        ),
        spec::<detail_records::SearchInput, detail_records::SearchAnswer>(
            "search_detail_records",
            "Search usage records",
            Read,
            "Usage records of one type (messaging, call-control, ...) in a period, with field filters: \
             aggregates over every match first (count, cost, top destinations and statuses), then a \
             few sample rows and a cursor. Use it to explain a usage line or find where traffic went.",
        ),
        spec::<webhook_deliveries::DeliveriesInput, webhook_deliveries::DeliveriesAnswer>(
            "list_webhook_deliveries",
            "Webhook deliveries",
            Read,
            "Webhook deliveries, failed ones by default: counts by status, HTTP status, URL and event \
             type, first and last failure, then compact rows. Use it for \"which webhooks failed \
             this week?\".",
        ),
        spec::<audit_events::AuditInput, audit_events::AuditAnswer>(
            "list_audit_events",
            "Account changes",
            Read,
            "Who changed what on the account in a period: counts by change type and author, then the \
             changes newest first. Use it for \"who changed my settings?\".",
        ),
        spec::<invoices::InvoicesInput, invoices::InvoicesAnswer>(
            "list_invoices",
            "Invoices",
            Read,
            "The account's invoices, newest first, with how many are unpaid. Use it to find an \
             invoice id for get_invoice.",
        ),
        spec::<invoices::InvoiceInput, invoices::InvoiceAnswer>(
            "get_invoice",
            "One invoice",
            Read,
            "One invoice by id, with a short-lived link to its PDF. Use it when the person asks for \
             a specific invoice.",
        ),
        spec::<balance::NoInput, payment::AutoRechargeAnswer>(
            "get_auto_recharge_prefs",
            "Auto-recharge settings",
            Read,
            "Whether the account tops itself up, below which balance and by how much. Use it when \
             the balance ran low or a recharge was unexpected.",
        ),
        spec::<user_tags::UserTagsInput, user_tags::UserTagsAnswer>(
            "list_user_tags",
            "Tags",
            Read,
            "The tags in use on phone numbers and outbound profiles. Use it to learn how the account \
             groups its numbers.",
        ),
        spec::<payment::AutoRechargeUpdateInput, payment::AutoRechargeUpdateAnswer>(
            "update_auto_recharge_prefs",
            "Change auto-recharge",
            Write,
            "Changes auto-recharge settings (only the fields sent) and answers the settings before and \
             after. Only when the person explicitly asks for the change.",
        ),
        spec::<payment::PaymentInput, payment::PaymentAnswer>(
            "create_stored_payment_transaction",
            "Charge the stored payment method",
            Payment,
            "Adds funds by charging the account's stored payment method. A dry run unless dry_run is \
             false; needs an idempotency key (reuse it only to retry the same payment); refused above \
             the server's limit. Only when the person explicitly asks to pay, after confirming the \
             amount.",
        ),
    ]
}

/// The tools a server with `policy` lists: the read-only ones, plus the write tools it enables.
pub fn listed_tools(policy: &Policy) -> Vec<ToolSpec> {
    all_tools()
        .into_iter()
        .filter(|t| enabled(policy, t.access))
        .collect()
}

fn enabled(policy: &Policy, access: Access) -> bool {
    match access {
        Access::Read => true,
        Access::Write => policy.allow_writes,
        Access::Payment => policy.allow_payments,
    }
}

/// The flag a tool of this access needs.
pub fn flag_for(access: Access) -> Option<&'static str> {
    match access {
        Access::Read => None,
        Access::Write => Some(ALLOW_WRITES_FLAG),
        Access::Payment => Some(ALLOW_PAYMENTS_FLAG),
    }
}

/// Today's date for default periods.
pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// The tools of one server: an SDK client and what it may do.
#[derive(Clone)]
pub struct Tools {
    client: Client,
    policy: Policy,
    today: Today,
}

impl std::fmt::Debug for Tools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tools")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// The outcome of [`Tools::call`] for a name no tool has.
pub const UNKNOWN_TOOL: &str = "unknown_tool";

impl Tools {
    /// Tools over `client`, enabled as `policy` says; default periods from today's UTC date.
    pub fn new(client: Client, policy: Policy) -> Tools {
        Tools {
            client,
            policy,
            today: Arc::new(|| chrono::Utc::now().date_naive()),
        }
    }

    /// Default periods from `today()` instead of the wall clock (an emulator's account clock).
    pub fn with_today(mut self, today: Today) -> Tools {
        self.today = today;
        self
    }

    /// What this server may do.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The tools this server lists.
    pub fn listed(&self) -> Vec<ToolSpec> {
        listed_tools(&self.policy)
    }

    /// Runs tool `name` with JSON `args` (`null` = no arguments) and answers its output as JSON
    /// (cut to about 20 KB). A disabled write tool is refused here too, whatever was listed.
    pub async fn call(&self, name: &str, args: Value) -> Result<Value, ToolError> {
        let Some(spec) = all_tools().into_iter().find(|t| t.name == name) else {
            let mut e = ToolError::invalid(format!(
                "there is no tool {name:?}: call tools/list for the names"
            ));
            e.kind = UNKNOWN_TOOL;
            return Err(e);
        };
        if !enabled(&self.policy, spec.access) {
            return Err(ToolError::disabled(
                name,
                flag_for(spec.access).unwrap_or_default(),
            ));
        }
        let c = &self.client;
        let today = (self.today)();
        match name {
            "get_balance" => {
                args_of::<balance::NoInput>(name, args)?;
                out(balance::get_balance(c).await)
            }
            "summarize_charges" => {
                let a = args_of(name, args)?;
                out(charges_summary::summarize_charges(c, a, today).await)
            }
            "compare_charges" => {
                let a = args_of(name, args)?;
                out(charges_summary::compare_charges(c, a, today).await)
            }
            "get_charges_breakdown" => {
                let a = args_of(name, args)?;
                out(charges_breakdown::get_charges_breakdown(c, a, today).await)
            }
            "search_detail_records" => {
                out(detail_records::search_detail_records(c, args_of(name, args)?).await)
            }
            "list_webhook_deliveries" => {
                out(webhook_deliveries::list_webhook_deliveries(c, args_of(name, args)?).await)
            }
            "list_audit_events" => {
                out(audit_events::list_audit_events(c, args_of(name, args)?).await)
            }
            "list_invoices" => out(invoices::list_invoices(c, args_of(name, args)?).await),
            "get_invoice" => out(invoices::get_invoice(c, args_of(name, args)?).await),
            "get_auto_recharge_prefs" => {
                args_of::<balance::NoInput>(name, args)?;
                out(payment::get_auto_recharge_prefs(c).await)
            }
            "list_user_tags" => out(user_tags::list_user_tags(c, args_of(name, args)?).await),
            "update_auto_recharge_prefs" => {
                let a = args_of(name, args)?;
                out(payment::update_auto_recharge_prefs(c, &self.policy, a).await)
            }
            "create_stored_payment_transaction" => {
                let a = args_of(name, args)?;
                out(payment::create_stored_payment_transaction(c, &self.policy, a).await)
            }
            other => Err(ToolError::internal(format!(
                "tool {other} is listed but has no handler (a bug in telnyx-mcp)"
            ))),
        }
    }
}

fn args_of<T: DeserializeOwned>(tool: &str, args: Value) -> Result<T, ToolError> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args).map_err(|e| {
        ToolError::invalid(format!(
            "the arguments for {tool} do not fit its input schema ({e}): send the fields its \
             inputSchema lists, with those types"
        ))
    })
}

fn out<T: Capped>(result: Result<T, ToolError>) -> Result<Value, ToolError> {
    capped_json(result?)
}
