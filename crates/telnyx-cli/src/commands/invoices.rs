//! `telnyx invoices list|get|download`

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use futures::StreamExt;
use serde::Serialize;
use telnyx::Invoice;

use crate::cli::invoices::{InvoiceSortArg, InvoicesCommand};
use crate::cli::GlobalArgs;
use crate::columns::{cell, cell_or_dash, Col, ListSpec};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::export::{safe_file_name, write_atomic};
use crate::output::render_kv;
use crate::progress::Progress;

/// Parallel PDF downloads.
const DOWNLOADS_IN_FLIGHT: usize = 4;

/// `paid`, `unpaid` or `-`.
pub fn paid_word(paid: Option<bool>) -> String {
    match paid {
        Some(true) => "paid".into(),
        Some(false) => "unpaid".into(),
        None => "-".into(),
    }
}

/// The invoice list columns.
pub fn list_spec() -> ListSpec<Invoice> {
    ListSpec {
        table: vec![
            Col::new("INVOICE ID", |i: &Invoice| cell(&i.invoice_id)),
            Col::new("PERIOD START", |i: &Invoice| cell(&i.period_start)),
            Col::new("PERIOD END", |i: &Invoice| cell(&i.period_end)),
            Col::new("PAID", |i: &Invoice| paid_word(i.paid)).status(),
            Col::new("FILE ID", |i: &Invoice| cell(&i.file_id)),
        ],
        csv: vec![
            Col::new("invoice_id", |i: &Invoice| cell(&i.invoice_id)),
            Col::new("period_start", |i: &Invoice| cell(&i.period_start)),
            Col::new("period_end", |i: &Invoice| cell(&i.period_end)),
            Col::new("paid", |i: &Invoice| cell(&i.paid)),
            Col::new("file_id", |i: &Invoice| cell(&i.file_id)),
            Col::new("url", |i: &Invoice| cell(&i.url)),
        ],
        noun: "invoices",
    }
}

/// An invoice to download: its id and period.
struct PdfTarget {
    invoice_id: String,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
}

/// A PDF saved by `invoices download`: one row of its output.
#[derive(Serialize)]
struct SavedPdf {
    invoice_id: String,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    bytes: usize,
    file: String,
}

/// Runs `telnyx invoices ...`.
pub async fn run(cmd: InvoicesCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: InvoicesCommand) -> Result<(), CliError> {
    match cmd {
        InvoicesCommand::List { sort } => {
            let mut params = telnyx::InvoiceListParams::default()
                .page_size(ctx.page_size(telnyx::MAX_INVOICES_PAGE_SIZE));
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
            ctx.out.object(&invoice, |st| {
                let mut pairs = vec![
                    ("Invoice ID", cell_or_dash(&invoice.invoice_id)),
                    (
                        "Period",
                        format!(
                            "{} .. {}",
                            cell_or_dash(&invoice.period_start),
                            cell_or_dash(&invoice.period_end)
                        ),
                    ),
                    (
                        "Paid",
                        match invoice.paid {
                            Some(true) => st.green("yes"),
                            Some(false) => st.red("no"),
                            None => "-".into(),
                        },
                    ),
                    ("File ID", cell_or_dash(&invoice.file_id)),
                    ("URL", cell_or_dash(&invoice.url)),
                ];
                if link {
                    pairs.push(("Download URL", cell_or_dash(&invoice.download_url)));
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
    let targets: Vec<PdfTarget> = match id {
        Some(id) => {
            let invoice = ctx.client.invoices().retrieve(&id, None).await?;
            vec![PdfTarget {
                invoice_id: invoice.invoice_id.unwrap_or(id),
                period_start: invoice.period_start,
                period_end: invoice.period_end,
            }]
        }
        None => {
            let req = ctx
                .client
                .invoices()
                .list(
                    telnyx::InvoiceListParams::default()
                        .sort(telnyx::InvoiceSort::PeriodStart)
                        .page_size(telnyx::MAX_INVOICES_PAGE_SIZE),
                )
                .concurrency(ctx.prefetch());
            let stream = req.into_stream();
            futures::pin_mut!(stream);
            let mut list = Vec::new();
            while let Some(inv) = stream.next().await {
                let inv = inv?;
                let keep = match since {
                    None => true,
                    Some(since) => inv.period_start.is_some_and(|p| p >= since),
                };
                if keep {
                    list.push(PdfTarget {
                        invoice_id: inv.invoice_id.unwrap_or_default(),
                        period_start: inv.period_start,
                        period_end: inv.period_end,
                    });
                }
            }
            list
        }
    };

    let progress = Progress::new(ctx.stderr_tty, "invoice PDFs", Some(targets.len() as u64));
    let client = ctx.client.clone();
    let mut saved: Vec<SavedPdf> = Vec::new();
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
            Col::new("INVOICE ID", |p: &SavedPdf| p.invoice_id.clone()),
            Col::new("PERIOD START", |p: &SavedPdf| cell(&p.period_start)),
            Col::new("BYTES", |p: &SavedPdf| cell(&p.bytes)),
            Col::new("FILE", |p: &SavedPdf| p.file.clone()),
        ],
        csv: vec![
            Col::new("invoice_id", |p: &SavedPdf| p.invoice_id.clone()),
            Col::new("period_start", |p: &SavedPdf| cell(&p.period_start)),
            Col::new("period_end", |p: &SavedPdf| cell(&p.period_end)),
            Col::new("bytes", |p: &SavedPdf| cell(&p.bytes)),
            Col::new("file", |p: &SavedPdf| p.file.clone()),
        ],
        noun: "invoices",
    };
    let mut w = ctx.out.list(spec);
    for v in &saved {
        w.push(v)?;
    }
    w.finish().map(|_| ())
}

/// Fetches one invoice's PDF through the SDK (which sends the API key only to the API's own
/// origin, never to a pre-signed link elsewhere) and saves it atomically.
async fn download_one(
    client: &telnyx::Client,
    invoice: &PdfTarget,
    dir: &Path,
) -> Result<SavedPdf, CliError> {
    let id = &invoice.invoice_id;
    let bytes = client.invoices().download_pdf(id).await?;
    let name = match invoice.period_start {
        None => format!("{}.pdf", safe_file_name(id)),
        Some(period) => format!(
            "{}_{}.pdf",
            safe_file_name(&period.to_string()),
            safe_file_name(id)
        ),
    };
    let path = dir.join(name);
    let bytes_len = bytes.len();
    // Synchronous on purpose: a Ctrl-C can only land between files, never inside one.
    write_atomic(&path, &bytes)
        .map_err(|e| CliError::io(format!("saving {}", path.display()), e))?;
    Ok(SavedPdf {
        invoice_id: id.clone(),
        period_start: invoice.period_start,
        period_end: invoice.period_end,
        bytes: bytes_len,
        file: path.display().to_string(),
    })
}
