//! `telnyx detail-records list`

use telnyx::{DetailRecord, MessageDetailRecord};

use crate::cli::detail_records::DetailRecordsCommand;
use crate::cli::GlobalArgs;
use crate::columns::{cell, Col, ListSpec};
use crate::context::Ctx;
use crate::exit::CliError;

/// The messaging record inside a detail record, if it is one.
fn message(r: &DetailRecord) -> Option<&MessageDetailRecord> {
    match r {
        DetailRecord::Message(m) => Some(m),
        _ => None,
    }
}

/// A column of a messaging record's field, headed by the field's wire name.
macro_rules! message_col {
    ($field:ident) => {
        message_col!(stringify!($field), $field)
    };
    ($header:expr, $field:ident) => {
        Col::new($header, |r: &DetailRecord| {
            message(r).map(|m| cell(&m.$field)).unwrap_or_default()
        })
    };
}

/// CSV columns of messaging records (the spec's MessageDetailRecord fields).
fn message_csv() -> Vec<Col<DetailRecord>> {
    vec![
        message_col!(uuid),
        message_col!(id),
        message_col!(created_at),
        message_col!(sent_at),
        message_col!(completed_at),
        message_col!(updated_at),
        message_col!(direction),
        message_col!(message_type),
        message_col!(cli),
        message_col!(cld),
        message_col!(status),
        message_col!(delivery_status),
        message_col!(parts),
        message_col!(cost),
        message_col!(rate),
        message_col!(carrier_fee),
        message_col!(currency),
        message_col!(carrier),
        message_col!(country_code),
        message_col!(source_country_code),
        message_col!(mcc),
        message_col!(mnc),
        message_col!(on_net),
        message_col!(fteu),
        message_col!(profile_id),
        message_col!(profile_name),
        message_col!(tags),
        message_col!(errors),
        message_col!(delivery_status_webhook_url),
        message_col!(delivery_status_failover_url),
        message_col!(user_id),
        Col::new("record_type", |r: &DetailRecord| cell(&r.record_type())),
    ]
}

/// Runs `telnyx detail-records ...`.
pub async fn run(cmd: DetailRecordsCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: DetailRecordsCommand) -> Result<(), CliError> {
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
        .page_size(ctx.page_size(telnyx::MAX_DETAIL_RECORDS_PAGE_SIZE));
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
                message_col!("CREATED AT", created_at),
                message_col!("DIRECTION", direction),
                message_col!("FROM", cli),
                message_col!("TO", cld),
                message_col!("STATUS", status).status(),
                message_col!("PARTS", parts),
                message_col!("COST", cost),
                message_col!("CURRENCY", currency),
                message_col!("UUID", uuid),
            ],
            csv: message_csv(),
            noun: "detail records",
        }
    } else {
        ListSpec {
            table: vec![
                Col::new("ID", |r: &DetailRecord| dash(record_id(r))),
                Col::new("RECORD TYPE", |r: &DetailRecord| cell(&r.record_type())),
                Col::new("TIME", |r: &DetailRecord| dash(record_time(r))),
                Col::new("COST", |r: &DetailRecord| dash(record_cost(r))),
                Col::new("CURRENCY", |r: &DetailRecord| cell(&record_currency(r))),
            ],
            // Every field of the first record's wire shape, flattened: records of one type
            // share their fields, and most types have no schema in the SDK.
            csv: vec![],
            noun: "detail records",
        }
    };
    let req = ctx.client.detail_records().list(params);
    ctx.stream_list(req, spec).await.map(|_| ())
}

/// `-` for an empty cell.
fn dash(text: String) -> String {
    if text.is_empty() {
        "-".into()
    } else {
        text
    }
}

/// The first non-empty text.
fn first<const N: usize>(texts: [String; N]) -> String {
    texts
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// The first non-empty of several top-level fields of a record the SDK keeps as raw JSON.
fn first_raw(v: &serde_json::Value, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| cell(&v.get(*k)))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// The record's id: its uuid, id or call leg id.
fn record_id(r: &DetailRecord) -> String {
    match r {
        DetailRecord::Message(m) => first([cell(&m.uuid), cell(&m.id)]),
        DetailRecord::Conference(c) => first([cell(&c.id), cell(&c.call_leg_id)]),
        DetailRecord::ConferenceParticipant(c) => first([cell(&c.id), cell(&c.call_leg_id)]),
        DetailRecord::Amd(a) => first([cell(&a.id), cell(&a.call_leg_id)]),
        DetailRecord::Verify(v) => cell(&v.id),
        DetailRecord::SimCardUsage(s) => cell(&s.id),
        DetailRecord::MediaStorage(m) => cell(&m.id),
        DetailRecord::Other(v) => first_raw(v, &["uuid", "id", "call_leg_id", "session_id"]),
    }
}

/// When the usage happened (created, started, joined or invoked).
fn record_time(r: &DetailRecord) -> String {
    match r {
        DetailRecord::Message(m) => first([cell(&m.created_at), cell(&m.updated_at)]),
        DetailRecord::Conference(c) => cell(&c.started_at),
        DetailRecord::ConferenceParticipant(c) => cell(&c.joined_at),
        DetailRecord::Amd(a) => cell(&a.invoked_at),
        DetailRecord::Verify(v) => first([cell(&v.created_at), cell(&v.updated_at)]),
        DetailRecord::SimCardUsage(s) => cell(&s.created_at),
        DetailRecord::MediaStorage(m) => cell(&m.created_at),
        DetailRecord::Other(v) => {
            first_raw(v, &["created_at", "started_at", "start_time", "updated_at"])
        }
    }
}

/// What the usage cost.
fn record_cost(r: &DetailRecord) -> String {
    match r {
        DetailRecord::Message(m) => cell(&m.cost),
        DetailRecord::Conference(_) => String::new(),
        DetailRecord::ConferenceParticipant(c) => cell(&c.cost),
        DetailRecord::Amd(a) => cell(&a.cost),
        DetailRecord::Verify(v) => cell(&v.verify_usage_fee),
        DetailRecord::SimCardUsage(s) => cell(&s.data_cost),
        DetailRecord::MediaStorage(m) => cell(&m.cost),
        DetailRecord::Other(v) => first_raw(v, &["cost", "total_cost", "amount"]),
    }
}

/// The currency of the cost.
fn record_currency(r: &DetailRecord) -> Option<&str> {
    match r {
        DetailRecord::Message(m) => m.currency.as_deref(),
        DetailRecord::Conference(_) => None,
        DetailRecord::ConferenceParticipant(c) => c.currency.as_deref(),
        DetailRecord::Amd(a) => a.currency.as_deref(),
        DetailRecord::Verify(v) => v.currency.as_deref(),
        DetailRecord::SimCardUsage(s) => s.currency.as_deref(),
        DetailRecord::MediaStorage(m) => m.currency.as_deref(),
        DetailRecord::Other(v) => v.get("currency").and_then(serde_json::Value::as_str),
    }
}
