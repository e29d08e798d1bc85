//! `telnyx charges summary|breakdown`

use serde_json::{json, Value};

use crate::cli::{ChargesCommand, OutputFormat};
use crate::commands::{d, s, to_json};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv, render_table, Col, ListSpec};

/// Runs `telnyx charges ...`.
pub async fn run(ctx: &mut Ctx, cmd: ChargesCommand) -> Result<(), CliError> {
    match cmd {
        ChargesCommand::Summary { start, end } => summary(ctx, start, end).await,
        ChargesCommand::Breakdown { start, end, csv } => breakdown(ctx, start, end, csv).await,
    }
}

/// Table columns of summary lines (simple and comparative side by side).
fn line_cols() -> Vec<Col> {
    vec![
        Col::path("NAME", "name"),
        Col::path("TYPE", "type"),
        Col::path("QTY", "quantity"),
        Col::path("AMOUNT", "amount"),
        Col::path("NEW QTY", "new_this_month.quantity"),
        Col::path("NEW MRC", "new_this_month.mrc"),
        Col::path("NEW OTC", "new_this_month.otc"),
        Col::path("EXISTING QTY", "existing_this_month.quantity"),
        Col::path("EXISTING MRC", "existing_this_month.mrc"),
    ]
}

/// Renders the human view of a charges summary (also used by `overview`).
pub fn render_summary(st: &crate::output::Style, v: &Value) -> String {
    let mut out = render_kv(
        st,
        &[
            (
                "Period",
                format!(
                    "{} .. {} (end exclusive)",
                    d(v, "start_date"),
                    d(v, "end_date")
                ),
            ),
            ("Currency", d(v, "currency")),
            ("Account", d(v, "user_email")),
        ],
    );
    out.push('\n');
    out.push_str(&st.bold("Totals"));
    out.push('\n');
    let totals: Vec<(&str, String)> = [
        ("New MRC", "new_mrc"),
        ("New OTC", "new_otc"),
        ("Existing MRC", "existing_mrc"),
        ("Other", "other"),
        ("Credits", "credits"),
        ("Ledger adjustments", "ledger_adjustments"),
        ("Grand total", "grand_total"),
    ]
    .into_iter()
    .map(|(label, key)| (label, d(v, &format!("total.{key}"))))
    .collect();
    for line in render_kv(st, &totals).lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    let lines = v
        .pointer("/summary/lines")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    out.push('\n');
    out.push_str(&st.bold(&format!("Lines ({})", lines.len())));
    out.push('\n');
    if !lines.is_empty() {
        let cols = line_cols();
        let headers: Vec<&str> = cols.iter().map(|c| c.header).collect();
        let rows: Vec<Vec<String>> = lines
            .iter()
            .map(|l| cols.iter().map(|c| c.text(l)).collect())
            .collect();
        out.push_str(&render_table(st, &headers, &rows, &[]));
    }
    let adjustments = v
        .pointer("/summary/adjustments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !adjustments.is_empty() {
        out.push('\n');
        out.push_str(&st.bold(&format!("Adjustments ({})", adjustments.len())));
        out.push('\n');
        let rows: Vec<Vec<String>> = adjustments
            .iter()
            .map(|a| vec![s(a, "event_date"), s(a, "amount"), s(a, "description")])
            .collect();
        out.push_str(&render_table(
            st,
            &["DATE", "AMOUNT", "DESCRIPTION"],
            &rows,
            &[],
        ));
    }
    out
}

async fn summary(
    ctx: &mut Ctx,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
) -> Result<(), CliError> {
    let params = telnyx::ChargesSummaryParams::new(start, end);
    let summary = ctx.client.charges_summary().retrieve(params).await?;
    let v = to_json(&summary)?;
    if ctx.out.format == OutputFormat::Csv {
        // CSV: one row per line (the totals are in JSON/table output).
        let spec = ListSpec {
            table: vec![],
            csv: vec![
                "type",
                "name",
                "alias",
                "quantity",
                "amount",
                "new_this_month.quantity",
                "new_this_month.mrc",
                "new_this_month.otc",
                "existing_this_month.quantity",
                "existing_this_month.mrc",
                "existing_this_month.otc",
            ],
            noun: "lines",
        };
        let lines = v
            .pointer("/summary/lines")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut w = ctx.out.list(spec);
        for l in &lines {
            w.push(l)?;
        }
        return w.finish().map(|_| ());
    }
    ctx.out.object(&v, |st| render_summary(st, &v))
}

async fn breakdown(
    ctx: &mut Ctx,
    start: chrono::NaiveDate,
    end: Option<chrono::NaiveDate>,
    csv: bool,
) -> Result<(), CliError> {
    let mut params = telnyx::ChargesBreakdownParams::new(start);
    params.end_date = end;
    if csv {
        // The server's own CSV export, printed verbatim.
        let text = ctx.client.charges_breakdown().retrieve_csv(params).await?;
        let text = if text.ends_with('\n') || text.is_empty() {
            text
        } else {
            text + "\n"
        };
        return ctx.out.write_str(&text);
    }
    let breakdown = ctx.client.charges_breakdown().retrieve(params).await?;
    let v = to_json(&breakdown)?;
    // One row per (number, service) for table, CSV and JSONL; JSON is the whole object.
    let mut rows = Vec::new();
    for r in v
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let services = r
            .get("services")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if services.is_empty() {
            rows.push(
                json!({"tn": r.get("tn"), "charge_type": r.get("charge_type"),
                "service_owner_email": r.get("service_owner_email")}),
            );
        }
        for sv in services {
            rows.push(json!({
                "tn": r.get("tn"),
                "charge_type": r.get("charge_type"),
                "service_owner_email": r.get("service_owner_email"),
                "service": sv.get("name"),
                "cost_type": sv.get("cost_type"),
                "cost": sv.get("cost"),
            }));
        }
    }
    match ctx.out.format {
        OutputFormat::Json => ctx.out.object(&v, |_| String::new()),
        format => {
            if format == OutputFormat::Table {
                let header = render_kv(
                    &ctx.out.style,
                    &[
                        (
                            "Period",
                            format!(
                                "{} .. {} (end exclusive)",
                                d(&v, "start_date"),
                                d(&v, "end_date")
                            ),
                        ),
                        ("Currency", d(&v, "currency")),
                        ("Account", d(&v, "user_email")),
                    ],
                ) + "\n";
                ctx.out.write_str(&header)?;
            }
            let spec = ListSpec {
                table: vec![
                    Col::path("NUMBER", "tn"),
                    Col::path("CHARGE TYPE", "charge_type"),
                    Col::path("SERVICE", "service"),
                    Col::path("COST TYPE", "cost_type"),
                    Col::path("COST", "cost"),
                    Col::path("OWNER", "service_owner_email"),
                ],
                csv: vec![
                    "tn",
                    "charge_type",
                    "service",
                    "cost_type",
                    "cost",
                    "service_owner_email",
                ],
                noun: "charges",
            };
            let mut w = ctx.out.list(spec);
            for r in &rows {
                w.push(r)?;
            }
            w.finish().map(|_| ())
        }
    }
}
