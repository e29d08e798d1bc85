//! `telnyx invoices list|get|download`

use std::path::{Path, PathBuf};

use futures::StreamExt;
use serde_json::{json, Value};

use crate::cli::{InvoiceSortArg, InvoicesCommand};
use crate::commands::{d, s, to_json};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::export::{safe_file_name, write_atomic};
use crate::output::{render_kv, Col, ListSpec};
use crate::progress::Progress;

/// Largest page the API serves for invoices.
pub const MAX_PAGE: u32 = 250;
/// Parallel PDF downloads.
const DOWNLOADS_IN_FLIGHT: usize = 4;

/// The invoice list columns (also used by `overview`).
pub fn list_spec() -> ListSpec {
    ListSpec {
        table: vec![
            Col::path("INVOICE ID", "invoice_id"),
            Col::path("PERIOD START", "period_start"),
            Col::path("PERIOD END", "period_end"),
            Col::func("PAID", |v| match v.get("paid").and_then(Value::as_bool) {
                Some(true) => "paid".into(),
                Some(false) => "unpaid".into(),
                None => "-".into(),
            })
            .status(),
            Col::path("FILE ID", "file_id"),
        ],
        csv: vec![
            "invoice_id",
            "period_start",
            "period_end",
            "paid",
            "file_id",
            "url",
        ],
        noun: "invoices",
    }
}

/// Runs `telnyx invoices ...`.
pub async fn run(ctx: &mut Ctx, cmd: InvoicesCommand) -> Result<(), CliError> {
    match cmd {
        InvoicesCommand::List { sort } => {
            let mut params =
                telnyx::InvoiceListParams::default().page_size(ctx.page_size(MAX_PAGE));
            if let Some(sort) = sort {
                params = params.sort(match sort {
                    InvoiceSortArg::PeriodStart => telnyx::InvoiceSort::PeriodStart,
                    InvoiceSortArg::PeriodStartDesc => telnyx::InvoiceSort::PeriodStartDesc,
                });
            }
            let req = ctx.client.invoices().list(params);
            ctx.stream_list(req, list_spec()).await.map(|_| ())
        }
        InvoicesCommand::Get { id, link } => {
            let action = link.then_some(telnyx::InvoiceAction::Link);
            let invoice = ctx.client.invoices().retrieve(&id, action).await?;
            let v = to_json(&invoice)?;
            ctx.out.object(&v, |st| {
                let mut pairs = vec![
                    ("Invoice ID", d(&v, "invoice_id")),
                    (
                        "Period",
                        format!("{} .. {}", d(&v, "period_start"), d(&v, "period_end")),
                    ),
                    (
                        "Paid",
                        match v.get("paid").and_then(Value::as_bool) {
                            Some(true) => st.green("yes"),
                            Some(false) => st.red("no"),
                            None => "-".into(),
                        },
                    ),
                    ("File ID", d(&v, "file_id")),
                    ("URL", d(&v, "url")),
                ];
                if link {
                    pairs.push(("Download URL", d(&v, "download_url")));
                }
                render_kv(st, &pairs)
            })
        }
        InvoicesCommand::Download { id, since, dir } => download(ctx, id, since, dir).await,
    }
}

async fn download(
    ctx: &mut Ctx,
    id: Option<String>,
    since: Option<chrono::NaiveDate>,
    dir: PathBuf,
) -> Result<(), CliError> {
    let all = ctx.global.all;
    if id.is_some() == all {
        return Err(CliError::Usage(
            "invoices download needs exactly one of an invoice ID or --all".into(),
        ));
    }
    if since.is_some() && !all {
        return Err(CliError::Usage("--since only applies with --all".into()));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::io(format!("creating {}", dir.display()), e))?;

    // Which invoices: one id, or every invoice (their metadata is small) filtered by --since.
    let targets: Vec<Value> = match id {
        Some(id) => vec![to_json(&ctx.client.invoices().retrieve(&id, None).await?)?],
        None => {
            let req = ctx
                .client
                .invoices()
                .list(
                    telnyx::InvoiceListParams::default()
                        .sort(telnyx::InvoiceSort::PeriodStart)
                        .page_size(MAX_PAGE),
                )
                .concurrency(crate::context::PREFETCH);
            let stream = req.into_stream();
            futures::pin_mut!(stream);
            let mut list = Vec::new();
            while let Some(inv) = stream.next().await {
                let v = to_json(&inv?)?;
                let keep = match since {
                    None => true,
                    Some(since) => s(&v, "period_start")
                        .parse::<chrono::NaiveDate>()
                        .is_ok_and(|p| p >= since),
                };
                if keep {
                    list.push(v);
                }
            }
            list
        }
    };

    let progress = Progress::new(ctx.stderr_tty, "invoice PDFs", Some(targets.len() as u64));
    let client = ctx.client.clone();
    let mut saved: Vec<Value> = Vec::new();
    let result = {
        let work = async {
            let mut jobs = futures::stream::iter(targets.iter().map(|t| {
                let client = client.clone();
                let dir = dir.clone();
                async move { download_one(&client, t, &dir).await }
            }))
            .buffered(DOWNLOADS_IN_FLIGHT);
            while let Some(done) = jobs.next().await {
                let done = done?;
                progress.inc(1);
                saved.push(done);
            }
            Ok::<(), CliError>(())
        };
        tokio::select! {
            r = work => r,
            _ = tokio::signal::ctrl_c() => Err(CliError::Interrupted(String::new())),
        }
    };
    progress.finish();
    if let Err(CliError::Interrupted(_)) = result {
        return Err(CliError::Interrupted(format!(
            "{} of {} PDFs were saved completely in {}; the one in progress was removed",
            saved.len(),
            targets.len(),
            dir.display()
        )));
    }
    result?;

    let spec = ListSpec {
        table: vec![
            Col::path("INVOICE ID", "invoice_id"),
            Col::path("PERIOD START", "period_start"),
            Col::path("BYTES", "bytes"),
            Col::path("FILE", "file"),
        ],
        csv: vec!["invoice_id", "period_start", "period_end", "bytes", "file"],
        noun: "invoices",
    };
    let mut w = ctx.out.list(spec);
    for v in &saved {
        w.push(v)?;
    }
    w.finish().map(|_| ())
}

/// Fetches one invoice's PDF through the SDK (which sends the API key only to the API's own
/// origin, never to a pre-signed link elsewhere) and saves it atomically. `invoice` is the
/// invoice's JSON (id and period).
async fn download_one(
    client: &telnyx::Client,
    invoice: &Value,
    dir: &Path,
) -> Result<Value, CliError> {
    let id = s(invoice, "invoice_id");
    let bytes = client.invoices().download_pdf(&id).await?;
    let period = s(invoice, "period_start");
    let name = if period.is_empty() {
        format!("{}.pdf", safe_file_name(&id))
    } else {
        format!("{}_{}.pdf", safe_file_name(&period), safe_file_name(&id))
    };
    let path = dir.join(name);
    let bytes_len = bytes.len();
    // Synchronous on purpose: a Ctrl-C can only land between files, never inside one.
    write_atomic(&path, &bytes)
        .map_err(|e| CliError::io(format!("saving {}", path.display()), e))?;
    Ok(json!({
        "invoice_id": id,
        "period_start": invoice.get("period_start"),
        "period_end": invoice.get("period_end"),
        "bytes": bytes_len,
        "file": path.display().to_string(),
    }))
}
