//! `telnyx charges summary|breakdown`

use serde::Serialize;
use telnyx::{
    ChargesAdjustment, ChargesBreakdown, ChargesSummary, ComparativeLine, CostType, Money,
    SimpleLine, SummaryLine,
};

use crate::cli::charges::ChargesCommand;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::columns::{cell, cell_or_dash, Col, ListSpec};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_cols, render_kv, Style};

/// Runs `telnyx charges ...`.
pub async fn run(cmd: ChargesCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: ChargesCommand) -> Result<(), CliError> {
    match cmd {
        ChargesCommand::Summary { start, end } => summary(ctx, start, end).await,
        ChargesCommand::Breakdown { start, end, csv } => breakdown(ctx, start, end, csv).await,
    }
}

fn simple(l: &SummaryLine) -> Option<&SimpleLine> {
    match l {
        SummaryLine::Simple(s) => Some(s),
        _ => None,
    }
}

fn comparative(l: &SummaryLine) -> Option<&ComparativeLine> {
    match l {
        SummaryLine::Comparative(c) => Some(c),
        _ => None,
    }
}

/// A line's `type`: `simple`, `comparative`, or what an unknown line says.
fn line_type(l: &SummaryLine) -> String {
    match l {
        SummaryLine::Simple(_) => "simple".into(),
        SummaryLine::Comparative(_) => "comparative".into(),
        // A line type the SDK does not know is raw JSON: show what it says it is.
        SummaryLine::Unknown(v) => cell(&v.get("type")),
    }
}

/// A line's name.
fn line_name(l: &SummaryLine) -> String {
    match l {
        SummaryLine::Simple(s) => s.name.clone(),
        SummaryLine::Comparative(c) => c.name.clone(),
        SummaryLine::Unknown(v) => cell(&v.get("name")),
    }
}

/// A line's alias.
fn line_alias(l: &SummaryLine) -> String {
    match l {
        SummaryLine::Simple(s) => s.alias.clone(),
        SummaryLine::Comparative(c) => c.alias.clone(),
        SummaryLine::Unknown(v) => cell(&v.get("alias")),
    }
}

/// Table columns of summary lines (simple and comparative side by side).
fn line_cols() -> Vec<Col<SummaryLine>> {
    vec![
        Col::new("NAME", line_name),
        Col::new("TYPE", line_type),
        Col::new("QTY", |l: &SummaryLine| {
            cell(&simple(l).map(|s| s.quantity))
        }),
        Col::new("AMOUNT", |l: &SummaryLine| {
            cell(&simple(l).map(|s| &s.amount))
        }),
        Col::new("NEW QTY", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| c.new_this_month.quantity))
        }),
        Col::new("NEW MRC", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| &c.new_this_month.mrc))
        }),
        Col::new("NEW OTC", |l: &SummaryLine| {
            cell(&comparative(l).and_then(|c| c.new_this_month.otc.as_ref()))
        }),
        Col::new("EXISTING QTY", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| c.existing_this_month.quantity))
        }),
        Col::new("EXISTING MRC", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| &c.existing_this_month.mrc))
        }),
    ]
}

/// CSV columns of summary lines, named after their flattened wire fields.
fn line_csv() -> Vec<Col<SummaryLine>> {
    vec![
        Col::new("type", line_type),
        Col::new("name", line_name),
        Col::new("alias", line_alias),
        Col::new("quantity", |l: &SummaryLine| {
            cell(&simple(l).map(|s| s.quantity))
        }),
        Col::new("amount", |l: &SummaryLine| {
            cell(&simple(l).map(|s| &s.amount))
        }),
        Col::new("new_this_month.quantity", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| c.new_this_month.quantity))
        }),
        Col::new("new_this_month.mrc", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| &c.new_this_month.mrc))
        }),
        Col::new("new_this_month.otc", |l: &SummaryLine| {
            cell(&comparative(l).and_then(|c| c.new_this_month.otc.as_ref()))
        }),
        Col::new("existing_this_month.quantity", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| c.existing_this_month.quantity))
        }),
        Col::new("existing_this_month.mrc", |l: &SummaryLine| {
            cell(&comparative(l).map(|c| &c.existing_this_month.mrc))
        }),
        Col::new("existing_this_month.otc", |l: &SummaryLine| {
            cell(&comparative(l).and_then(|c| c.existing_this_month.otc.as_ref()))
        }),
    ]
}

/// `start .. end (end exclusive)`.
fn period(start: chrono::NaiveDate, end: chrono::NaiveDate) -> String {
    format!("{start} .. {end} (end exclusive)")
}

/// Renders the human view of a charges summary.
pub fn render_summary(st: &Style, s: &ChargesSummary) -> String {
    let mut out = render_kv(
        st,
        &[
            ("Period", period(s.start_date, s.end_date)),
            ("Currency", cell_or_dash(&s.currency)),
            ("Account", cell_or_dash(&s.user_email)),
        ],
    );
    out.push('\n');
    out.push_str(&st.bold("Totals"));
    out.push('\n');
    let t = &s.total;
    let totals: Vec<(&str, String)> = [
        ("New MRC", &t.new_mrc),
        ("New OTC", &t.new_otc),
        ("Existing MRC", &t.existing_mrc),
        ("Other", &t.other),
        ("Credits", &t.credits),
        ("Ledger adjustments", &t.ledger_adjustments),
        ("Grand total", &t.grand_total),
    ]
    .into_iter()
    .map(|(label, amount): (&str, &Money)| (label, cell_or_dash(amount)))
    .collect();
    for line in render_kv(st, &totals).lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    let lines = &s.summary.lines;
    out.push('\n');
    out.push_str(&st.bold(&format!("Lines ({})", lines.len())));
    out.push('\n');
    if !lines.is_empty() {
        out.push_str(&render_cols(st, &line_cols(), lines));
    }
    let adjustments = &s.summary.adjustments;
    if !adjustments.is_empty() {
        out.push('\n');
        out.push_str(&st.bold(&format!("Adjustments ({})", adjustments.len())));
        out.push('\n');
        let cols = [
            Col::new("DATE", |a: &ChargesAdjustment| cell(&a.event_date)),
            Col::new("AMOUNT", |a: &ChargesAdjustment| cell(&a.amount)),
            Col::new("DESCRIPTION", |a: &ChargesAdjustment| a.description.clone()),
        ];
        out.push_str(&render_cols(st, &cols, adjustments));
    }
    out
}

/// One row per (number, service) of a breakdown (a number without services gets one row).
#[derive(Serialize)]
struct BreakdownRow<'a> {
    tn: &'a str,
    charge_type: &'a str,
    service_owner_email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_type: Option<&'a CostType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<&'a Money>,
}

fn breakdown_rows(b: &ChargesBreakdown) -> Vec<BreakdownRow<'_>> {
    fn row<'a>(
        r: &'a telnyx::NumberBreakdown,
        service: Option<&'a telnyx::ServiceCharge>,
    ) -> BreakdownRow<'a> {
        BreakdownRow {
            tn: &r.tn,
            charge_type: &r.charge_type,
            service_owner_email: &r.service_owner_email,
            service: service.map(|s| s.name.as_str()),
            cost_type: service.map(|s| &s.cost_type),
            cost: service.map(|s| &s.cost),
        }
    }
    let mut rows = Vec::new();
    for r in &b.results {
        if r.services.is_empty() {
            rows.push(row(r, None));
        }
        rows.extend(r.services.iter().map(|s| row(r, Some(s))));
    }
    rows
}

async fn summary(
    ctx: &mut Ctx,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
) -> Result<(), CliError> {
    let params = telnyx::ChargesSummaryParams::new(start, end);
    let summary = ctx.client.charges_summary().retrieve(params).await?;
    if ctx.out.format == OutputFormat::Csv {
        // CSV: one row per line (the totals are in JSON/table output).
        let spec = ListSpec {
            table: vec![],
            csv: line_csv(),
            noun: "lines",
        };
        let mut w = ctx.out.list(spec);
        for l in &summary.summary.lines {
            w.push(l)?;
        }
        return w.finish().map(|_| ());
    }
    ctx.out.object(&summary, |st| render_summary(st, &summary))
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
    // One row per (number, service) for table, CSV and JSONL; JSON is the whole object.
    if ctx.out.format == OutputFormat::Json {
        return ctx.out.object(&breakdown, |_| String::new());
    }
    if ctx.out.format == OutputFormat::Table {
        let header = render_kv(
            &ctx.out.style,
            &[
                ("Period", period(breakdown.start_date, breakdown.end_date)),
                ("Currency", cell_or_dash(&breakdown.currency)),
                ("Account", cell_or_dash(&breakdown.user_email)),
            ],
        ) + "\n";
        ctx.out.write_str(&header)?;
    }
    let spec = ListSpec {
        table: vec![
            Col::new("NUMBER", |r: &BreakdownRow<'_>| r.tn.to_string()),
            Col::new("CHARGE TYPE", |r: &BreakdownRow<'_>| {
                r.charge_type.to_string()
            }),
            Col::new("SERVICE", |r: &BreakdownRow<'_>| cell(&r.service)),
            Col::new("COST TYPE", |r: &BreakdownRow<'_>| cell(&r.cost_type)),
            Col::new("COST", |r: &BreakdownRow<'_>| cell(&r.cost)),
            Col::new("OWNER", |r: &BreakdownRow<'_>| {
                r.service_owner_email.to_string()
            }),
        ],
        csv: vec![
            Col::new("tn", |r: &BreakdownRow<'_>| r.tn.to_string()),
            Col::new("charge_type", |r: &BreakdownRow<'_>| {
                r.charge_type.to_string()
            }),
            Col::new("service", |r: &BreakdownRow<'_>| cell(&r.service)),
            Col::new("cost_type", |r: &BreakdownRow<'_>| cell(&r.cost_type)),
            Col::new("cost", |r: &BreakdownRow<'_>| cell(&r.cost)),
            Col::new("service_owner_email", |r: &BreakdownRow<'_>| {
                r.service_owner_email.to_string()
            }),
        ],
        noun: "charges",
    };
    let mut w = ctx.out.list(spec);
    for r in &breakdown_rows(&breakdown) {
        w.push(r)?;
    }
    w.finish().map(|_| ())
}
