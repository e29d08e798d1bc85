//! Seeding (`POST /_emulator/seed`) of the accounts the later sections use, timed against
//! the hello world's spawn-to-ready (when the startup section ran).

use serde_json::json;

use crate::ctx::{Ctx, Group, KEY_BENCH, KEY_PAGE};
use crate::error::BenchError;
use crate::report::{f1, ratio, Section, Table};

/// Seeds the load account (emulator sections) and the paging account (SDK sections).
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let control = ctx.control()?;
    let mut table = Table::new(
        "Emulator: seeding (POST /_emulator/seed)",
        &["seed", "wall ms", "x hello spawn-to-ready", "server answer"],
    );
    for (what, body) in seeds(ctx) {
        let reply = control.seed(&body)?;
        let x = ctx
            .hello_spawn_ms()
            .map(|hello_ms| ratio(reply.ms / hello_ms))
            .unwrap_or_else(|| "n/a".into());
        table.row(vec![
            what,
            f1(reply.ms),
            x,
            reply.text.replace('\n', " ").chars().take(160).collect(),
        ]);
    }
    ctx.mark_seeded();
    table.notes.push("Seeding has no natural baseline; the ratio is against the time a bare axum hello-world process takes from spawn to its first 200 (same run), i.e. how many 'process starts' a seed costs.".into());
    Ok(Section::of(table))
}

/// Seeds the shared emulator's accounts unless this section already did (for a section run
/// alone with `telnyx-bench section NAME`).
pub fn ensure(ctx: &Ctx) -> Result<(), BenchError> {
    if !ctx.is_seeded() {
        let control = ctx.control()?;
        for (_, body) in seeds(ctx) {
            control.seed(&body)?;
        }
        ctx.mark_seeded();
    }
    Ok(())
}

/// (row label, seed request) for the groups this run includes.
fn seeds(ctx: &Ctx) -> Vec<(String, serde_json::Value)> {
    let cfg = &ctx.cfg;
    let mut seeds: Vec<(String, serde_json::Value)> = Vec::new();
    if ctx.runs(Group::Emulator) {
        seeds.push(("default account".into(), json!({"api_key": KEY_BENCH})));
        seeds.push((
            format!(
                "{} messaging detail records + 1,000 webhook deliveries",
                cfg.detail_records
            ),
            json!({"api_key": KEY_BENCH, "detail_records": cfg.detail_records,
                   "detail_record_type": "messaging", "webhook_deliveries": 1000}),
        ));
    }
    if ctx.runs(Group::Sdk) {
        seeds.push((
            format!("{} webhook deliveries", cfg.page_items),
            json!({"api_key": KEY_PAGE, "webhook_deliveries": cfg.page_items}),
        ));
    }
    seeds
}
