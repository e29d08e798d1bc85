//! Where the client's paging CPU goes: one 250-item page decoded in this process three ways
//! (untyped, typed, typed with path tracking as the SDK's error path does), and by Node's
//! `JSON.parse`.

use std::time::Instant;

use crate::child::short_err;
use crate::ctx::{Ctx, KEY_PAGE};
use crate::error::BenchError;
use crate::report::{f2, ratio, Section, Table};
use crate::stats;

const REPS: usize = 50;

#[derive(serde::Deserialize)]
struct Envelope {
    data: Vec<telnyx::WebhookDelivery>,
}

type Decoder<'a> = (&'static str, Box<dyn Fn() -> Result<usize, String> + 'a>);

/// The section, on a page of the paging account.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    super::seeding::ensure(ctx)?;
    let url = format!("{}/webhook_deliveries?page%5Bsize%5D=250", ctx.api()?);
    let page = ctx.http().get(&url, Some(KEY_PAGE))?;
    if page.status != 200 {
        return Err(BenchError::Invalid(format!(
            "GET webhook_deliveries answered {}",
            page.status
        )));
    }
    let bytes = page.text.as_bytes();
    let mut rows = decode_in_process(bytes)?;
    let mut table = Table::new(
        &format!(
            "SDK: decoding one 250-item webhook delivery page ({} KB), median of {REPS}",
            bytes.len() / 1024
        ),
        &["decoder", "µs per item", "vs typed serde_json"],
    );
    match decode_in_node(ctx, bytes) {
        Some(Ok(us)) => rows.push(("Node `JSON.parse` (all the npm SDK does per page)", us)),
        Some(Err(e)) => table
            .notes
            .push(format!("Node decode failed: {}", short_err(&e))),
        None => {}
    }
    let typed_us = rows[1].1;
    for (name, us) in rows {
        table.row(vec![name.to_string(), f2(us), ratio(us / typed_us)]);
    }
    table.intro.push("The paging client is decode-bound on loopback; this isolates the decode from the I/O. The page is fetched once from the emulator and decoded in-process (Rust) or in the Node harness.".into());
    Ok(Section::of(table))
}

fn decoders(bytes: &[u8]) -> Vec<Decoder<'_>> {
    vec![
        (
            "serde_json::Value (untyped, like JSON.parse)",
            Box::new(move || {
                let v: serde_json::Value =
                    serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
                Ok(v.get("data")
                    .and_then(|d| d.as_array())
                    .map(|a| a.len())
                    .unwrap_or(0))
            }),
        ),
        (
            "typed `telnyx::WebhookDelivery`, plain serde_json (what the SDK does)",
            Box::new(move || {
                // As the SDK decodes a page: one UTF-8 check of the body, then `from_str`.
                let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
                let e: Envelope = serde_json::from_str(text).map_err(|e| e.to_string())?;
                Ok(e.data.len())
            }),
        ),
        (
            "typed, through serde_path_to_error (the SDK's error path only)",
            Box::new(move || {
                let mut de = serde_json::Deserializer::from_slice(bytes);
                let e: Envelope =
                    serde_path_to_error::deserialize(&mut de).map_err(|e| e.to_string())?;
                Ok(e.data.len())
            }),
        ),
    ]
}

/// µs per item of each decoder, median of `REPS`, round-robin so that drift in machine load
/// hits all of them alike.
fn decode_in_process(bytes: &[u8]) -> Result<Vec<(&'static str, f64)>, BenchError> {
    let decoders = decoders(bytes);
    let mut times = vec![Vec::new(); decoders.len()];
    let mut counts = vec![0usize; decoders.len()];
    for _ in 0..REPS {
        for (i, (_, d)) in decoders.iter().enumerate() {
            let t0 = Instant::now();
            counts[i] = d()?;
            times[i].push(t0.elapsed());
        }
    }
    Ok(decoders
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let secs = stats::median(&times[i]).as_secs_f64();
            (*name, secs * 1e6 / counts[i].max(1) as f64)
        })
        .collect())
}

/// µs per item of Node's `JSON.parse` of the same page, when the Node harness is ready.
fn decode_in_node(ctx: &Ctx, bytes: &[u8]) -> Option<Result<f64, String>> {
    let harness = ctx.node_harness()?;
    let file = harness.scratch("page.json");
    if let Err(e) = std::fs::write(&file, bytes) {
        return Some(Err(format!("{}: {e}", file.display())));
    }
    let run = harness.run(&[
        "decode".into(),
        "-".into(),
        "-".into(),
        file.display().to_string(),
        REPS.to_string(),
    ]);
    Some(run.map(|w| w.wall_secs * 1e6 / w.n.max(1) as f64))
}
