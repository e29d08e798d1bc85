//! `telnyx usage report`: quantity (records) and cost per group, exact decimals per currency,
//! from the API (streamed, constant memory) or from an exported dataset (`--from`).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use rust_decimal::Decimal;
use telnyx::{DetailRecord, DetailRecordListParams, FieldFilter, FilterOp};

use super::dataset::open_existing;
use super::rows::{parse_time, time_field, time_text};
use super::Selection;
use crate::cli::usage::{GroupBy, ReportArgs};
use crate::cli::OutputFormat;
use crate::context::Ctx;
use crate::exit::CliError;

/// One record, as a report sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Record type.
    pub record_type: String,
    /// When.
    pub at: Option<DateTime<Utc>>,
    /// Cost, if any.
    pub cost: Option<Decimal>,
    /// Currency of the cost.
    pub currency: Option<String>,
    /// Own number.
    pub number: Option<String>,
    /// Direction.
    pub direction: Option<String>,
    /// Status.
    pub status: Option<String>,
}

impl Fact {
    /// A fact from named values: the dataset's columns (`usage_at`, `cost`, `currency`, and
    /// the API's field names).
    pub fn from_fields(
        record_type: &str,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Fact, String> {
        let cost = match get("cost") {
            Some(c) => Some(
                c.parse::<Decimal>()
                    .map_err(|_| format!("cost {c:?} is not a decimal"))?,
            ),
            None => None,
        };
        let direction = get("direction");
        let number = match (direction.as_deref(), get("cli"), get("cld")) {
            (Some("outbound"), Some(cli), _) => Some(cli),
            (Some(_), _, Some(cld)) => Some(cld),
            _ => [
                "phone_number",
                "destination_number",
                "destination_phone_number",
            ]
            .iter()
            .find_map(|k| get(k)),
        };
        Ok(Fact {
            record_type: record_type.to_string(),
            at: get("usage_at").as_deref().and_then(parse_time),
            cost,
            currency: get("currency"),
            number,
            direction,
            status: get("status").or_else(|| get("verification_status")),
        })
    }

    /// A fact from an API record.
    pub fn from_record(record_type: &str, r: &DetailRecord) -> Result<Fact, String> {
        let wire = serde_json::to_value(r).map_err(|e| e.to_string())?;
        let get = |name: &str| match name {
            "usage_at" => r.created_at().map(|t| time_text(t.to_utc())),
            "cost" => r.cost().map(|m| m.as_str().to_string()),
            "currency" => r.currency().map(str::to_string),
            other => match wire.get(other) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                _ => None,
            },
        };
        Fact::from_fields(record_type, &get)
    }

    fn key(&self, by: GroupBy) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
        match by {
            GroupBy::Type => self.record_type.clone(),
            GroupBy::Day => self
                .at
                .map_or("-".into(), |t| t.format("%Y-%m-%d").to_string()),
            GroupBy::Month => self
                .at
                .map_or("-".into(), |t| t.format("%Y-%m").to_string()),
            GroupBy::Number => opt(&self.number),
            GroupBy::Direction => opt(&self.direction),
            GroupBy::Status => opt(&self.status),
        }
    }
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// Group values, in `--by` order.
    pub group: Vec<(String, String)>,
    /// Currency (`-` for records without a cost).
    pub currency: String,
    /// Number of records.
    pub quantity: u64,
    /// Exact sum of their cost.
    pub cost: Decimal,
}

/// Sums facts per group and currency, in memory proportional to the number of groups.
#[derive(Debug, Default)]
pub struct Totals {
    by: Vec<GroupBy>,
    groups: BTreeMap<(Vec<String>, String), (u64, Decimal)>,
}

impl Totals {
    /// Totals grouped by `by` (none: one line per currency).
    pub fn new(by: Vec<GroupBy>) -> Totals {
        Totals {
            by,
            groups: BTreeMap::new(),
        }
    }

    /// Adds one record.
    pub fn add(&mut self, f: &Fact) {
        let key: Vec<String> = self.by.iter().map(|b| f.key(*b)).collect();
        let currency = f.currency.clone().unwrap_or_else(|| "-".into());
        let e = self
            .groups
            .entry((key, currency))
            .or_insert((0, Decimal::ZERO));
        e.0 += 1;
        e.1 += f.cost.unwrap_or(Decimal::ZERO);
    }

    /// The lines, sorted by group then currency.
    pub fn lines(&self) -> Vec<ReportLine> {
        self.groups
            .iter()
            .map(|((key, currency), (q, c))| ReportLine {
                group: self
                    .by
                    .iter()
                    .map(|b| b.header().to_string())
                    .zip(key.iter().cloned())
                    .collect(),
                currency: currency.clone(),
                quantity: *q,
                cost: c.normalize(),
            })
            .collect()
    }
}

/// Streams every record of `types` in `[since, until)` from the API into `each`.
pub async fn stream_api(
    ctx: &Ctx,
    types: &[String],
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    each: &mut dyn FnMut(Fact),
) -> Result<(), CliError> {
    for ty in types {
        let field = time_field(ty);
        let mut params = DetailRecordListParams::new(ty.as_str()).page_size(50);
        if let Some(s) = since {
            params = params.filter(FieldFilter::new(field, Some(FilterOp::Gte), time_text(s)));
        }
        if let Some(u) = until {
            params = params.filter(FieldFilter::new(field, Some(FilterOp::Lt), time_text(u)));
        }
        let items = ctx
            .client
            .detail_records()
            .list(params)
            .concurrency(ctx.prefetch())
            .into_stream();
        futures::pin_mut!(items);
        while let Some(r) = items.next().await {
            let f = Fact::from_record(ty, &r?).map_err(CliError::Other)?;
            if since.is_some_and(|s| f.at.is_some_and(|t| t < s))
                || until.is_some_and(|u| f.at.is_some_and(|t| t >= u))
            {
                continue;
            }
            each(f);
        }
    }
    Ok(())
}

/// Reads every row of the dataset at `dir` (optionally only `types`) into `each`.
pub fn read_dataset(
    dir: &Path,
    types: Option<&[String]>,
    by: &[GroupBy],
    each: &mut dyn FnMut(Fact),
) -> Result<(), CliError> {
    let mut needed = vec!["usage_at", "cost", "currency"];
    for b in by {
        needed.extend_from_slice(match b {
            GroupBy::Number => &[
                "direction",
                "cli",
                "cld",
                "phone_number",
                "destination_number",
                "destination_phone_number",
            ][..],
            GroupBy::Direction => &["direction"][..],
            GroupBy::Status => &["status", "verification_status"][..],
            GroupBy::Type | GroupBy::Day | GroupBy::Month => &[][..],
        });
    }
    let needed = needed.as_slice();
    let cp = open_existing(dir)?.ok_or_else(|| {
        CliError::Usage(format!(
            "--from {}: no usage dataset there (no checkpoint): run `telnyx usage export --dir {}` first",
            dir.display(),
            dir.display()
        ))
    })?;
    for (ty, state) in &cp.types {
        if types.is_some_and(|t| !t.contains(ty)) {
            continue;
        }
        for rel in &state.files {
            let path = dir.join(rel);
            super::files::read_rows(&path, cp.format, needed, &mut |get| {
                each(Fact::from_fields(ty, get)?);
                Ok(())
            })
            .map_err(CliError::Other)?;
        }
    }
    Ok(())
}

/// Runs `usage report`.
pub async fn run(ctx: &mut Ctx, args: &ReportArgs) -> Result<(), CliError> {
    if args.chart && ctx.out.format != OutputFormat::Table {
        return Err(CliError::Usage(
            "--chart draws the report in the terminal: leave out --output (or use -o table)".into(),
        ));
    }
    let sel = Selection::of(&args.records)?;
    let all_types = sel.all;
    // A chart of one total bar says nothing: without --by it is drawn per record type.
    let by = if args.chart && args.by.is_empty() {
        vec![GroupBy::Type]
    } else {
        args.by.clone()
    };
    let mut totals = Totals::new(by.clone());
    let (since, until) = (sel.since, sel.until);
    let mut add = |f: Fact| {
        if since.is_some_and(|s| f.at.is_none_or(|t| t < s))
            || until.is_some_and(|u| f.at.is_none_or(|t| t >= u))
        {
            return;
        }
        totals.add(&f);
    };
    match &args.from {
        Some(dir) => {
            let only = (!all_types).then_some(sel.types.as_slice());
            read_dataset(dir, only, &by, &mut add)?
        }
        None => stream_api(ctx, &sel.types, since, until, &mut add).await?,
    }
    let lines = totals.lines();
    if args.chart {
        let rows: Vec<super::report_chart::ReportLine> = lines
            .iter()
            .map(|l| super::report_chart::ReportLine {
                group: l.group.clone(),
                currency: l.currency.clone(),
                quantity: l.quantity,
                cost: l.cost,
            })
            .collect();
        let text = super::report_chart::render(
            &by,
            &rows,
            crate::chart::terminal_width(),
            ctx.out.style.color,
        );
        return ctx.out.write_str(&text);
    }
    write_lines(ctx, &args.by, &lines)
}

fn write_lines(ctx: &mut Ctx, by: &[GroupBy], lines: &[ReportLine]) -> Result<(), CliError> {
    let mut headers: Vec<String> = by.iter().map(|b| b.header().to_string()).collect();
    headers.extend(["currency", "quantity", "cost"].map(String::from));
    let cells = |l: &ReportLine| -> Vec<String> {
        let mut v: Vec<String> = l.group.iter().map(|(_, g)| g.clone()).collect();
        v.extend([
            l.currency.clone(),
            l.quantity.to_string(),
            l.cost.to_string(),
        ]);
        v
    };
    let json = |l: &ReportLine| {
        let mut m = serde_json::Map::new();
        for (k, v) in &l.group {
            m.insert(k.clone(), v.clone().into());
        }
        m.insert("currency".into(), l.currency.clone().into());
        m.insert("quantity".into(), l.quantity.into());
        m.insert("cost".into(), l.cost.to_string().into());
        serde_json::Value::Object(m)
    };
    let text = match ctx.out.format {
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = lines.iter().map(cells).collect();
            if rows.is_empty() {
                "(no usage found)\n".to_string()
            } else {
                let h: Vec<&str> = headers.iter().map(String::as_str).collect();
                crate::output::render_table(&ctx.out.style, &h, &rows, &[])
            }
        }
        OutputFormat::Json => {
            let v: Vec<serde_json::Value> = lines.iter().map(json).collect();
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        OutputFormat::Jsonl => lines.iter().map(|l| json(l).to_string() + "\n").collect(),
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut rows = vec![headers.clone()];
            rows.extend(lines.iter().map(cells));
            for r in rows {
                w.write_record(&r)
                    .map_err(|e| CliError::Other(format!("CSV: {e}")))?;
            }
            String::from_utf8_lossy(&w.into_inner().map_err(|e| CliError::Other(e.to_string()))?)
                .into_owned()
        }
    };
    ctx.out.write_str(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(ty: &str, at: &str, cost: &str, dir: &str) -> Fact {
        Fact {
            record_type: ty.into(),
            at: parse_time(at),
            cost: Some(cost.parse().unwrap()),
            currency: Some("USD".into()),
            number: None,
            direction: Some(dir.into()),
            status: None,
        }
    }

    #[test]
    fn sums_exactly_per_group_and_currency() {
        let mut t = Totals::new(vec![GroupBy::Type, GroupBy::Direction]);
        for _ in 0..10 {
            t.add(&fact(
                "messaging",
                "2026-11-02T10:00:00Z",
                "0.1",
                "outbound",
            ));
        }
        t.add(&fact(
            "messaging",
            "2026-11-02T10:00:00Z",
            "0.0040",
            "inbound",
        ));
        let mut eur = fact("verify", "2026-11-03T10:00:00Z", "0.05", "-");
        eur.currency = Some("EUR".into());
        t.add(&eur);
        let lines = t.lines();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].cost.to_string(), "1", "0.1 x 10 is exactly 1");
        assert_eq!(lines[0].cost.to_string(), "0.004");
        assert_eq!(lines[2].currency, "EUR");
        let total: u64 = lines.iter().map(|l| l.quantity).sum();
        assert_eq!(total, 12);
    }

    #[test]
    fn own_number_follows_direction() {
        let get = |n: &str| match n {
            "direction" => Some("inbound".to_string()),
            "cli" => Some("+1remote".to_string()),
            "cld" => Some("+1mine".to_string()),
            _ => None,
        };
        assert_eq!(
            Fact::from_fields("messaging", &get)
                .unwrap()
                .number
                .as_deref(),
            Some("+1mine")
        );
    }
}
