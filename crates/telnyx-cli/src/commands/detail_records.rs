//! `telnyx detail-records list`

use serde_json::Value;

use crate::cli::DetailRecordsCommand;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{Col, ListSpec};

/// Largest page the API serves for detail records.
pub const MAX_PAGE: u32 = 50;

/// CSV columns of messaging records (the spec's MessageDetailRecord fields).
const MESSAGE_CSV: &[&str] = &[
    "uuid",
    "id",
    "created_at",
    "sent_at",
    "completed_at",
    "updated_at",
    "direction",
    "message_type",
    "cli",
    "cld",
    "status",
    "delivery_status",
    "parts",
    "cost",
    "rate",
    "carrier_fee",
    "currency",
    "carrier",
    "country_code",
    "source_country_code",
    "mcc",
    "mnc",
    "on_net",
    "fteu",
    "profile_id",
    "profile_name",
    "tags",
    "errors",
    "delivery_status_webhook_url",
    "delivery_status_failover_url",
    "user_id",
    "record_type",
];

/// Runs `telnyx detail-records ...`.
pub async fn run(ctx: &mut Ctx, cmd: DetailRecordsCommand) -> Result<(), CliError> {
    let DetailRecordsCommand::List {
        record_type,
        date_range,
        filters,
        sort,
    } = cmd;
    let record_type = record_type.trim().to_string();
    if record_type.is_empty() {
        return Err(CliError::Usage(
            "--type must not be empty (e.g. --type messaging)".into(),
        ));
    }
    let mut params = telnyx::DetailRecordListParams::new(record_type.as_str())
        .page_size(ctx.page_size(MAX_PAGE));
    if let Some(r) = date_range {
        let range: telnyx::DateRange = r
            .parse()
            .map_err(|e| CliError::Invalid(format!("--date-range {r:?}: {e}")))?;
        params = params.date_range(range);
    }
    for f in &filters {
        let filter = telnyx::FieldFilter::parse(f)
            .map_err(|e| CliError::Invalid(format!("--filter {f:?}: {e}")))?;
        params = params.filter(filter);
    }
    let sort: Vec<String> = sort
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if !sort.is_empty() {
        params = params.sort(sort);
    }
    let spec = if record_type == "messaging" {
        ListSpec {
            table: vec![
                Col::path("CREATED AT", "created_at"),
                Col::path("DIRECTION", "direction"),
                Col::path("FROM", "cli"),
                Col::path("TO", "cld"),
                Col::path("STATUS", "status").status(),
                Col::path("PARTS", "parts"),
                Col::path("COST", "cost"),
                Col::path("CURRENCY", "currency"),
                Col::path("UUID", "uuid"),
            ],
            csv: MESSAGE_CSV.to_vec(),
            noun: "detail records",
        }
    } else {
        ListSpec {
            table: vec![
                Col::func("ID", |v| {
                    first(v, &["uuid", "id", "call_leg_id", "session_id"])
                }),
                Col::path("RECORD TYPE", "record_type"),
                Col::func("TIME", |v| {
                    first(v, &["created_at", "started_at", "start_time", "updated_at"])
                }),
                Col::func("COST", |v| first(v, &["cost", "total_cost", "amount"])),
                Col::path("CURRENCY", "currency"),
            ],
            // Columns of the first record, flattened (records of one type share their fields).
            csv: vec![],
            noun: "detail records",
        }
    };
    let req = ctx.client.detail_records().list(params);
    ctx.stream_list(req, spec).await.map(|_| ())
}

/// The first non-empty of several fields.
fn first(v: &Value, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| crate::commands::s(v, k))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "-".into())
}
