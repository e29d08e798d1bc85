//! `telnyx usage export`: incremental, resumable export of detail records into a dataset.
//!
//! Each record type is read newest first (the API's default order, which needs no sort and
//! no filter on a first full export) in windows: a window covers the records newer than the
//! checkpoint's `through` edge (or `--since`), up to `--until`. While a window runs, each
//! committed part file moves the checkpoint's `pending.low` edge down; when the window reaches
//! `through`, `through` becomes the window's newest edge. An interrupted window is finished by
//! the next run from `pending.low` (with a server-side `<time field>[lte]` filter) before a new
//! window starts. Records at an edge's instant are told apart by id, so none is written twice.
//!
//! When `meta.total_results` changes between pages (records arrived during the run, which
//! shifts the newest-first pages), the rest of the window is re-read from the current low edge
//! with a `[lte]` filter, which the new records do not match.

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use telnyx::{DetailRecord, DetailRecordListParams, FieldFilter, FilterOp};

use super::dataset::{Dataset, Edge, Pending};
use super::files::{Format, PartFile};
use super::rows::{columns_for, row_of, time_field, time_text};
use super::Selection;
use crate::cli::usage::ExportArgs;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::progress::{thousands, Progress};

/// Rows per part file at most (a file also ends where its date partition does).
pub const MAX_PART_ROWS: u64 = 500_000;

/// Totals of a run.
#[derive(Debug, Default)]
struct Totals {
    records: u64,
    files: u64,
    bytes: u64,
}

/// Runs the export.
pub async fn run(ctx: &mut Ctx, args: &ExportArgs) -> Result<(), CliError> {
    let sel = Selection::of(&args.records)?;
    let started = Instant::now();
    let mut ds = Dataset::open(&args.dir, args.format)?;
    let mut totals = Totals::default();
    for ty in &sel.types {
        let removed = ds.remove_orphans(ty)?;
        if removed > 0 {
            eprintln!(
                "{ty}: removed {removed} part file(s) an interrupted run left unlisted; their records are fetched again"
            );
        }
        let state = ds.checkpoint.types.entry(ty.clone()).or_default();
        if state.files.is_empty() && state.through.is_none() && state.pending.is_none() {
            state.since = sel.since;
        } else if sel.since.is_some() && sel.since != state.since {
            return Err(CliError::Usage(format!(
                "{ty} in {} was first exported with --since {}; a later run continues from its \
                 checkpoint: drop --since, or export another range into a new directory",
                args.dir.display(),
                state.since.map_or("(none)".into(), time_text)
            )));
        }
        let export = TypeExport {
            ty,
            format: args.format,
            until: sel.until,
        };
        let progress = Progress::new(ctx.stderr_tty, ty, None);
        let result = export.run(ctx, &mut ds, &progress, &mut totals).await;
        progress.finish();
        result?;
    }
    eprintln!(
        "exported {} records in {} files ({} bytes) to {} in {:.1} s",
        thousands(totals.records),
        thousands(totals.files),
        thousands(totals.bytes),
        args.dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

struct TypeExport<'a> {
    ty: &'a str,
    format: Format,
    until: Option<DateTime<Utc>>,
}

/// The window being written: its edges and the open part file.
struct Window {
    /// Stop at records this edge covers (the previous `through`), if any.
    floor: Option<Edge>,
    /// `--since` of the first export.
    since: Option<DateTime<Utc>>,
    high: Option<Edge>,
    low: Option<Edge>,
    file: Option<(NaiveDate, PartFile)>,
    /// The type's columns, once known.
    columns: Option<Vec<super::rows::Column>>,
}

impl TypeExport<'_> {
    async fn run(
        &self,
        ctx: &mut Ctx,
        ds: &mut Dataset,
        progress: &Progress,
        totals: &mut Totals,
    ) -> Result<(), CliError> {
        let state = ds
            .checkpoint
            .types
            .get(self.ty)
            .cloned()
            .unwrap_or_default();
        // First finish a window an interrupted run left, then start a new one.
        if let Some(p) = state.pending.clone() {
            let mut w = Window {
                floor: state.through.clone(),
                since: state.since,
                high: Some(p.high),
                low: Some(p.low),
                file: None,
                columns: state.columns.clone(),
            };
            self.fill(ctx, ds, &mut w, progress, totals, None).await?;
        }
        let state = ds
            .checkpoint
            .types
            .get(self.ty)
            .cloned()
            .unwrap_or_default();
        let mut w = Window {
            floor: state.through.clone(),
            since: state.since,
            high: None,
            low: None,
            file: None,
            columns: state.columns.clone(),
        };
        self.fill(ctx, ds, &mut w, progress, totals, self.until)
            .await
    }

    /// Reads the window newest first until it meets its floor, committing part files as it
    /// goes, then closes it (`through` = its newest edge).
    async fn fill(
        &self,
        ctx: &mut Ctx,
        ds: &mut Dataset,
        w: &mut Window,
        progress: &Progress,
        totals: &mut Totals,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), CliError> {
        let field = time_field(self.ty);
        'query: loop {
            let mut params = DetailRecordListParams::new(self.ty).page_size(50);
            let lower = w.floor.as_ref().map(|e| e.time).or(w.since);
            if let Some(t) = lower {
                params = params.filter(FieldFilter::new(field, Some(FilterOp::Gte), time_text(t)));
            }
            match (&w.low, until) {
                (Some(low), _) => {
                    params = params.filter(FieldFilter::new(
                        field,
                        Some(FilterOp::Lte),
                        time_text(low.time),
                    ))
                }
                (None, Some(u)) => {
                    params =
                        params.filter(FieldFilter::new(field, Some(FilterOp::Lt), time_text(u)))
                }
                (None, None) => {}
            }
            let pages = ctx
                .client
                .detail_records()
                .list(params)
                .concurrency(ctx.prefetch())
                .into_pages();
            futures::pin_mut!(pages);
            let mut total: Option<u64> = None;
            while let Some(page) = pages.next().await {
                let page = page?;
                match (total, page.total_results()) {
                    (None, t) => {
                        total = t;
                        if let Some(t) = t {
                            progress.set_total(t);
                        }
                    }
                    (Some(a), Some(b)) if a != b && w.low.is_some() => {
                        // Records arrived: pages shifted. Re-read below the low edge.
                        continue 'query;
                    }
                    _ => {}
                }
                for record in &page.data {
                    if !self.take(ds, w, record, until, totals)? {
                        break 'query;
                    }
                    progress.inc(1);
                }
            }
            break;
        }
        self.commit(ds, w, totals)?;
        let state = ds.checkpoint.types.entry(self.ty.to_string()).or_default();
        if let Some(mut high) = w.high.take() {
            if let Some(floor) = &state.through {
                if floor.time == high.time {
                    high.ids.extend(floor.ids.iter().cloned());
                }
            }
            state.through = Some(high);
        }
        state.pending = None;
        ds.save()
    }

    /// Handles one record; `false` when the window is complete (the record is at its floor).
    fn take(
        &self,
        ds: &mut Dataset,
        w: &mut Window,
        record: &DetailRecord,
        until: Option<DateTime<Utc>>,
        totals: &mut Totals,
    ) -> Result<bool, CliError> {
        let field = time_field(self.ty);
        let Some(time) = record.created_at().map(|t| t.to_utc()) else {
            return Err(CliError::Other(format!(
                "a {} record has no {field}, so it cannot be placed in a date partition: {}",
                self.ty,
                serde_json::to_string(record).unwrap_or_default()
            )));
        };
        let Some(id) = record.id().map(str::to_string) else {
            return Err(CliError::Other(format!(
                "a {} record has no id, so a rerun could not tell it from another: {}",
                self.ty,
                serde_json::to_string(record).unwrap_or_default()
            )));
        };
        if until.is_some_and(|u| time >= u) {
            return Ok(true);
        }
        if let Some(floor) = &w.floor {
            if time < floor.time {
                return Ok(false);
            }
            if time == floor.time && floor.ids.contains(&id) {
                // Exported by an earlier window.
                return Ok(true);
            }
        }
        if w.since.is_some_and(|s| time < s) {
            return Ok(false);
        }
        match &mut w.low {
            Some(low) if low.covers(time, &id) => return Ok(true),
            _ => {}
        }
        let date = time.date_naive();
        if w.file.as_ref().is_some_and(|(d, _)| *d != date) {
            self.commit(ds, w, totals)?;
        }
        match &mut w.low {
            Some(low) if low.time == time => {
                low.ids.insert(id.clone());
            }
            _ => w.low = Some(Edge::at(time, &id)),
        }
        match &mut w.high {
            Some(high) if high.time == time => {
                high.ids.insert(id.clone());
            }
            Some(_) => {}
            None => w.high = Some(Edge::at(time, &id)),
        }
        let state = ds.checkpoint.types.entry(self.ty.to_string()).or_default();
        if w.columns.is_none() {
            // Fixed at the type's first record, kept in the checkpoint for later runs.
            let cols = state.columns.get_or_insert_with(|| columns_for(record));
            w.columns = Some(cols.clone());
        }
        let columns = w.columns.as_deref().unwrap_or_default();
        let row = row_of(record, columns)
            .map_err(|e| CliError::Other(format!("{} record {id}: {e}", self.ty)))?;
        if w.file.is_none() {
            let n = state.next_part;
            state.next_part += 1;
            let dir = ds.partition(self.ty, date);
            let f = PartFile::create(&dir, n, self.format, columns).map_err(|e| {
                CliError::io(format!("creating a part file in {}", dir.display()), e)
            })?;
            w.file = Some((date, f));
        }
        if let Some((_, f)) = &mut w.file {
            f.push(row)
                .map_err(|e| CliError::io(format!("writing {}", f.path.display()), e))?;
            if f.rows >= MAX_PART_ROWS {
                self.commit(ds, w, totals)?;
            }
        }
        Ok(true)
    }

    /// Makes the open part file durable, then records it (and the window's edges) in the
    /// checkpoint.
    fn commit(
        &self,
        ds: &mut Dataset,
        w: &mut Window,
        totals: &mut Totals,
    ) -> Result<(), CliError> {
        let Some((_, f)) = w.file.take() else {
            return Ok(());
        };
        let path = f.path.clone();
        let rows = f.rows;
        let bytes = f
            .commit()
            .map_err(|e| CliError::io(format!("writing {}", path.display()), e))?;
        let rel = ds.relative(&path);
        let state = ds.checkpoint.types.entry(self.ty.to_string()).or_default();
        state.files.push(rel);
        if let (Some(high), Some(low)) = (&w.high, &w.low) {
            state.pending = Some(Pending {
                high: high.clone(),
                low: low.clone(),
            });
        }
        ds.save()?;
        totals.records += rows;
        totals.files += 1;
        totals.bytes += bytes;
        Ok(())
    }
}
