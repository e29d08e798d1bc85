//! `telnyx doctor`: the configuration in effect, reachability, TLS, latency, the key's
//! validity, the server clock, rate-limit headroom, and a drift check: one page of every
//! read operation decoded strictly ([`telnyx::strict`]), every field the SDK does not model,
//! every enum value it maps to `Unknown` and every decode failure reported with its JSON path
//! and record type. Values are never shown (only JSON types and enum values).

use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use telnyx::strict::{check, FindingKind};

use crate::cli::doctor::DoctorArgs;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::keystore::mask;
use crate::output::Style;
use crate::profile::{self, Config};

/// Clock skew that is worth a warning (webhook timestamps are checked within 300 s).
const SKEW_WARN: i64 = 60;
/// Clock skew that fails: webhook signatures would be rejected.
const SKEW_FAIL: i64 = 300;
/// Items asked for per list page.
const PAGE: &str = "20";

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Ok,
    Warn,
    Fail,
}

/// One check's outcome.
#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    status: Status,
    detail: String,
}

/// One drift finding, located.
#[derive(Debug, Serialize)]
struct Drift {
    /// The operation, e.g. `invoices.list`.
    operation: String,
    /// The model (or detail record type) the value was decoded as.
    record_type: String,
    /// JSON path in the response body, e.g. `$.data[2].status`.
    path: String,
    #[serde(flatten)]
    kind: FindingKind,
}

/// The whole report (`--report FILE`, `-o json`).
#[derive(Debug, Serialize)]
struct Report {
    telnyx_cli_version: &'static str,
    generated_at: String,
    base_url: String,
    key: String,
    key_source: String,
    checks: Vec<Check>,
    /// Read operations checked, with the number of records decoded.
    operations: Vec<(String, usize)>,
    drift: Vec<Drift>,
    ok: bool,
}

/// Runs `telnyx doctor`.
pub async fn run(args: DoctorArgs, global: GlobalArgs) -> Result<(), CliError> {
    let no_key = !global.emulator
        && global
            .api_key
            .as_deref()
            .is_none_or(|k| k.trim().is_empty());
    if no_key {
        return without_key(&args, &global);
    }
    Ctx::run(global, async move |ctx| run_in(ctx, &args).await).await
}

/// No key anywhere: the config check and the missing key, reported like any failure.
fn without_key(args: &DoctorArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let report = Report {
        telnyx_cli_version: env!("CARGO_PKG_VERSION"),
        generated_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        base_url: crate::control::given_base_url(global)
            .unwrap_or(telnyx::DEFAULT_BASE_URL)
            .to_string(),
        key: "-".into(),
        key_source: "none".into(),
        checks: vec![
            config_check(global, false),
            Check {
                name: "api key",
                status: Status::Fail,
                detail: "no key: pass --api-key, set TELNYX_API_KEY, or store one with `telnyx auth login`"
                    .into(),
            },
        ],
        operations: Vec::new(),
        drift: Vec::new(),
        ok: false,
    };
    if let Some(path) = &args.report {
        std::fs::write(path, crate::output::pretty(&report)?)
            .map_err(|e| CliError::io(format!("writing --report {}", path.display()), e))?;
    }
    let st = Style {
        color: crate::context::color_ok(global)
            && std::io::IsTerminal::is_terminal(&std::io::stdout()),
    };
    print!("{}", render(&st, &report));
    Err(CliError::Failed("doctor: 1 check(s) failed".into()))
}

async fn run_in(ctx: &mut Ctx, args: &DoctorArgs) -> Result<(), CliError> {
    let base_url = ctx.client.base_url().trim_end_matches('/').to_string();
    let key = match &ctx.emulator {
        Some(_) => telnyx_emulator::DEMO_API_KEY.to_string(),
        None => ctx
            .global
            .api_key
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
    };
    let mut checks = Vec::new();
    checks.push(config_check(&ctx.global, ctx.emulator.is_some()));
    let http = reqwest::Client::builder()
        .timeout(ctx.global.timeout.unwrap_or(Duration::from_secs(30)))
        .build()
        .map_err(|e| CliError::Other(format!("building the HTTP client: {e}")))?;
    let api = Api {
        http,
        base_url: base_url.clone(),
        key: key.clone(),
    };

    let mut operations = Vec::new();
    let mut drift = Vec::new();
    let started = Instant::now();
    let first = api.get("/balance", &[]).await;
    let latency = started.elapsed();
    match &first {
        Err(e) => checks.push(Check {
            name: "reachability",
            status: Status::Fail,
            detail: format!("GET {base_url}/balance: {e}"),
        }),
        Ok(resp) => {
            checks.push(Check {
                name: "reachability",
                status: Status::Ok,
                detail: format!(
                    "GET /balance answered HTTP {} in {} ms",
                    resp.status,
                    latency.as_millis()
                ),
            });
            checks.push(tls_check(&base_url));
            checks.push(key_check(resp.status));
            checks.push(clock_check(resp.date.as_deref(), Utc::now()));
            checks.push(rate_check(resp));
        }
    }
    let key_ok = matches!(&first, Ok(r) if r.status == 200);
    if key_ok {
        if let Ok(resp) = &first {
            record::<telnyx::Balance>("balance.retrieve", resp, &mut operations, &mut drift);
        }
        drift_check(&api, &mut operations, &mut drift, &mut checks).await;
    }
    let worst_drift = drift
        .iter()
        .map(|d| match d.kind {
            FindingKind::DecodeError { .. } => Status::Fail,
            _ => Status::Warn,
        })
        .max()
        .unwrap_or(Status::Ok);
    if key_ok {
        checks.push(Check {
            name: "drift",
            status: worst_drift,
            detail: format!(
                "{} read operations, {} records decoded strictly: {} findings",
                operations.len(),
                operations.iter().map(|(_, n)| n).sum::<usize>(),
                drift.len()
            ),
        });
    }
    let worst = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
    let failing = worst == Status::Fail || (args.strict && worst == Status::Warn);
    let report = Report {
        telnyx_cli_version: env!("CARGO_PKG_VERSION"),
        generated_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        base_url,
        key: if key.is_empty() {
            "-".into()
        } else {
            mask(&key)
        },
        key_source: key_source(&ctx.global, ctx.emulator.is_some()),
        checks,
        operations,
        drift,
        ok: !failing,
    };
    if let Some(path) = &args.report {
        let text = crate::output::pretty(&report)?;
        std::fs::write(path, text)
            .map_err(|e| CliError::io(format!("writing --report {}", path.display()), e))?;
        eprintln!("wrote the report to {}", path.display());
    }
    match ctx.out.format {
        OutputFormat::Table | OutputFormat::Csv => {
            let st = ctx.out.style;
            let text = render(&st, &report);
            ctx.out.write_str(&text)?;
        }
        OutputFormat::Json | OutputFormat::Jsonl => ctx.out.object(&report, |_| String::new())?,
    }
    if failing {
        let n = report
            .checks
            .iter()
            .filter(|c| c.status == Status::Fail || (args.strict && c.status == Status::Warn))
            .count();
        return Err(CliError::Failed(format!(
            "doctor: {n} check(s) {}",
            if args.strict {
                "failed or warned (--strict)"
            } else {
                "failed"
            }
        )));
    }
    Ok(())
}

/// Where the key comes from, as `auth status` says it.
fn key_source(global: &GlobalArgs, emulator: bool) -> String {
    if emulator {
        return "the embedded emulator (--emulator)".into();
    }
    let config = profile::config_dir()
        .ok()
        .and_then(|d| Config::load(&d).ok())
        .unwrap_or_default();
    profile::source(global, &config).describe()
}

fn config_check(global: &GlobalArgs, emulator: bool) -> Check {
    let dir = profile::config_dir();
    let file = dir
        .as_ref()
        .map(|d| d.join(profile::CONFIG_FILE).display().to_string())
        .unwrap_or_else(|e| e.headline());
    let loaded = dir.as_ref().ok().map(|d| Config::load(d));
    let (status, note) = match loaded {
        Some(Err(e)) => (Status::Warn, format!("; {}", e.headline())),
        Some(Ok(c)) => (Status::Ok, format!(", {} profile(s)", c.profiles.len())),
        None => (Status::Warn, String::new()),
    };
    Check {
        name: "config",
        status,
        detail: format!("{file}{note}; key from {}", key_source(global, emulator)),
    }
}

fn tls_check(base_url: &str) -> Check {
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| base_url.starts_with(p));
    if base_url.starts_with("https://") {
        Check {
            name: "tls",
            status: Status::Ok,
            detail: "HTTPS, certificate verified (rustls, webpki roots)".into(),
        }
    } else if local {
        Check {
            name: "tls",
            status: Status::Ok,
            detail: "plain HTTP to this machine (a local emulator): no TLS needed".into(),
        }
    } else {
        Check {
            name: "tls",
            status: Status::Fail,
            detail: "plain HTTP to another host: the API key travels unencrypted; use https://"
                .into(),
        }
    }
}

fn key_check(status: u16) -> Check {
    let (s, detail) = match status {
        200..=299 => (Status::Ok, "accepted".to_string()),
        401 => (
            Status::Fail,
            "rejected (HTTP 401): the key is invalid or revoked; get one at https://portal.telnyx.com/#/app/api-keys"
                .to_string(),
        ),
        403 => (
            Status::Fail,
            "valid but not allowed (HTTP 403): check the key's permissions".to_string(),
        ),
        other => (Status::Fail, format!("GET /balance answered HTTP {other}")),
    };
    Check {
        name: "api key",
        status: s,
        detail,
    }
}

fn clock_check(date: Option<&str>, now: DateTime<Utc>) -> Check {
    let Some(server) = date.and_then(|d| DateTime::parse_from_rfc2822(d).ok()) else {
        return Check {
            name: "clock",
            status: Status::Warn,
            detail: "the server sent no valid Date header: cannot compare clocks".into(),
        };
    };
    let skew = (now - server.to_utc()).num_seconds();
    let status = match skew.abs() {
        s if s >= SKEW_FAIL => Status::Fail,
        s if s >= SKEW_WARN => Status::Warn,
        _ => Status::Ok,
    };
    let mut detail = format!(
        "this machine is {} s {} the server",
        skew.abs(),
        if skew >= 0 { "ahead of" } else { "behind" }
    );
    if status != Status::Ok {
        detail.push_str(
            "; webhook signatures are checked within 300 s of local time: sync the clock (NTP)",
        );
    }
    Check {
        name: "clock",
        status,
        detail,
    }
}

fn rate_check(resp: &Response) -> Check {
    match (resp.rate_remaining, resp.rate_limit) {
        (Some(rem), Some(limit)) if limit > 0 => {
            let low = rem.saturating_mul(10) < limit;
            Check {
                name: "rate limit",
                status: if low { Status::Warn } else { Status::Ok },
                detail: format!(
                    "{rem} of {limit} requests left in this window{}",
                    resp.rate_reset
                        .map(|r| format!(", resets in {r} s"))
                        .unwrap_or_default()
                ),
            }
        }
        _ => Check {
            name: "rate limit",
            status: Status::Ok,
            detail: "no x-ratelimit-* headers: headroom not reported".into(),
        },
    }
}

/// A raw GET's outcome.
struct Response {
    status: u16,
    date: Option<String>,
    rate_limit: Option<u64>,
    rate_remaining: Option<u64>,
    rate_reset: Option<u64>,
    body: Option<Value>,
}

/// Raw GETs: the drift check needs the JSON as sent, not the decoded model.
struct Api {
    http: reqwest::Client,
    base_url: String,
    key: String,
}

impl Api {
    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Response, String> {
        let resp = self
            .http
            .get(format!("{}{path}", self.base_url))
            .bearer_auth(&self.key)
            .header("accept", "application/json")
            .query(query)
            .send()
            .await
            .map_err(|e| {
                let mut cur: &dyn std::error::Error = &e;
                while let Some(next) = cur.source() {
                    cur = next;
                }
                format!("{cur}")
            })?;
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let num = |n: &str| header(n).and_then(|v| v.trim().parse::<u64>().ok());
        let out = Response {
            status: resp.status().as_u16(),
            date: header("date"),
            rate_limit: num("x-ratelimit-limit"),
            rate_remaining: num("x-ratelimit-remaining"),
            rate_reset: num("x-ratelimit-reset"),
            body: None,
        };
        let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
        Ok(Response {
            body: serde_json::from_slice(&bytes).ok(),
            ..out
        })
    }
}

/// Checks `data` of a response (an object, or each item of an array) against `T`.
fn record<T: DeserializeOwned + Serialize>(
    operation: &str,
    resp: &Response,
    operations: &mut Vec<(String, usize)>,
    drift: &mut Vec<Drift>,
) -> Vec<T> {
    let model = short_type_name::<T>();
    let fail = |message: String| Drift {
        operation: operation.to_string(),
        record_type: model.clone(),
        path: "$".into(),
        kind: FindingKind::DecodeError { message },
    };
    if !(200..300).contains(&resp.status) {
        drift.push(fail(format!("the request answered HTTP {}", resp.status)));
        operations.push((operation.to_string(), 0));
        return Vec::new();
    }
    let Some(data) = resp.body.as_ref().and_then(|b| b.get("data")) else {
        drift.push(fail("the body is not JSON with a `data` member".into()));
        operations.push((operation.to_string(), 0));
        return Vec::new();
    };
    let items: Vec<(String, &Value)> = match data {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("$.data[{i}]"), v))
            .collect(),
        other => vec![("$.data".to_string(), other)],
    };
    let mut out = Vec::new();
    for (prefix, item) in &items {
        let (decoded, findings) = check::<T>(item);
        let record_type = item
            .get("record_type")
            .and_then(Value::as_str)
            .filter(|_| model == "DetailRecord")
            .map_or_else(|| model.clone(), str::to_string);
        for f in findings {
            drift.push(Drift {
                operation: operation.to_string(),
                record_type: record_type.clone(),
                path: format!("{prefix}{}", f.path.trim_start_matches('$')),
                kind: f.kind,
            });
        }
        out.extend(decoded);
    }
    operations.push((operation.to_string(), items.len()));
    out
}

fn short_type_name<T>() -> String {
    std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or("?")
        .to_string()
}

/// One page of every other read operation, decoded strictly.
async fn drift_check(
    api: &Api,
    operations: &mut Vec<(String, usize)>,
    drift: &mut Vec<Drift>,
    checks: &mut Vec<Check>,
) {
    let today = Utc::now().date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let end = today.succ_opt().unwrap_or(today).to_string();
    let range = [("start_date", month_start.to_string()), ("end_date", end)];
    let page = ("page[size]", PAGE.to_string());
    let mut unreachable = Vec::new();
    macro_rules! one {
        ($op:expr, $path:expr, $query:expr, $ty:ty) => {
            match api.get($path, $query).await {
                Ok(resp) => record::<$ty>($op, &resp, operations, drift),
                Err(e) => {
                    unreachable.push(format!("{}: {e}", $op));
                    Vec::new()
                }
            }
        };
    }
    one!(
        "charges_summary.retrieve",
        "/charges_summary",
        &range,
        telnyx::ChargesSummary
    );
    one!(
        "charges_breakdown.retrieve",
        "/charges_breakdown",
        &range,
        telnyx::ChargesBreakdown
    );
    let invoices = one!(
        "invoices.list",
        "/invoices",
        std::slice::from_ref(&page),
        telnyx::Invoice
    );
    if let Some(id) = invoices.iter().find_map(|i| i.invoice_id.clone()) {
        one!(
            "invoices.retrieve",
            &format!("/invoices/{id}"),
            &[],
            telnyx::InvoiceDetail
        );
    }
    one!(
        "audit_events.list",
        "/audit_events",
        std::slice::from_ref(&page),
        telnyx::AuditEvent
    );
    for ty in telnyx::DetailRecordType::ALL {
        one!(
            &format!("detail_records.list[{}]", ty.as_str()),
            "/detail_records",
            &[
                ("filter[record_type]", ty.as_str().to_string()),
                page.clone()
            ],
            telnyx::DetailRecord
        );
    }
    one!(
        "webhook_deliveries.list",
        "/webhook_deliveries",
        std::slice::from_ref(&page),
        telnyx::WebhookDelivery
    );
    one!(
        "auto_recharge_prefs.list",
        "/payment/auto_recharge_prefs",
        &[],
        telnyx::AutoRechargePref
    );
    one!("user_tags.list", "/user_tags", &[], telnyx::UserTags);
    if !unreachable.is_empty() {
        checks.push(Check {
            name: "read operations",
            status: Status::Fail,
            detail: format!("could not be read: {}", unreachable.join("; ")),
        });
    }
}

/// `$.data[3].x[0]` → `$.data[*].x[*]`.
fn any_index(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(']') {
            Some(j) if after[..j].bytes().all(|b| b.is_ascii_digit()) && j > 0 => {
                out.push_str("[*]");
                rest = &after[j + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn mark(st: &Style, s: Status) -> String {
    match s {
        Status::Ok => st.green("ok  "),
        Status::Warn => st.bold("warn"),
        Status::Fail => st.red("FAIL"),
    }
}

fn render(st: &Style, r: &Report) -> String {
    let mut out = format!(
        "{} {}\n{} {} ({})\n\n",
        st.bold("Base URL:"),
        r.base_url,
        st.bold("API key: "),
        r.key,
        r.key_source
    );
    let w = r.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &r.checks {
        out.push_str(&format!(
            "{} {:<w$}  {}\n",
            mark(st, c.status),
            c.name,
            c.detail
        ));
    }
    if !r.drift.is_empty() {
        out.push('\n');
        out.push_str(&st.bold("Drift: what the API sent that the SDK does not model"));
        out.push('\n');
        // The same finding on every record of a page is one line: `$.data[*].x (×12)`.
        let mut lines: Vec<(String, usize)> = Vec::new();
        for d in &r.drift {
            let what = match &d.kind {
                FindingKind::UnknownField { json_type } => format!("unknown field ({json_type})"),
                FindingKind::UnknownEnumValue { enum_type, value } => {
                    format!("unknown {enum_type} value {value:?} (decoded as Unknown)")
                }
                FindingKind::DecodeError { message } => st.red(&format!("decode error: {message}")),
                // A finding kind added to the SDK later.
                #[allow(unreachable_patterns)]
                _ => "finding".to_string(),
            };
            let line = format!(
                "  {}  {} {}  {what}",
                d.operation,
                d.record_type,
                any_index(&d.path)
            );
            match lines.iter_mut().find(|(l, _)| *l == line) {
                Some((_, n)) => *n += 1,
                None => lines.push((line, 1)),
            }
        }
        for (line, n) in lines {
            out.push_str(&line);
            if n > 1 {
                out.push_str(&format!(" (×{n})"));
            }
            out.push('\n');
        }
    }
    out.push('\n');
    let count = |s: Status| r.checks.iter().filter(|c| c.status == s).count();
    out.push_str(&match (count(Status::Fail), count(Status::Warn)) {
        (0, 0) => st.green("No problems found."),
        (0, w) => st.green(&format!(
            "No failures; {w} warning(s) to look at (--strict fails on warnings)."
        )),
        (f, _) => st.red(&format!("{f} check(s) failed: see FAIL above.")),
    });
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_skew_levels() {
        let server = "Sun, 06 Dec 2026 01:00:00 GMT";
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            clock_check(Some(server), at("2026-12-06T01:00:30Z")).status,
            Status::Ok
        );
        let c = clock_check(Some(server), at("2026-12-06T00:58:00Z"));
        assert_eq!(c.status, Status::Warn);
        assert!(c.detail.contains("120 s behind"), "{}", c.detail);
        assert_eq!(
            clock_check(Some(server), at("2026-12-06T01:06:00Z")).status,
            Status::Fail
        );
        assert_eq!(
            clock_check(None, at("2026-12-06T01:00:00Z")).status,
            Status::Warn
        );
    }

    #[test]
    fn indices_fold() {
        assert_eq!(any_index("$.data[3].x[10]"), "$.data[*].x[*]");
        assert_eq!(any_index("$.data[\"a b\"]"), "$.data[\"a b\"]");
    }

    #[test]
    fn tls_levels() {
        assert_eq!(tls_check("https://api.telnyx.com/v2").status, Status::Ok);
        assert_eq!(tls_check("http://127.0.0.1:4010/v2").status, Status::Ok);
        assert_eq!(
            tls_check("http://api.example.invalid/v2").status,
            Status::Fail
        );
    }

    #[test]
    fn key_levels() {
        assert_eq!(key_check(200).status, Status::Ok);
        assert!(key_check(401).detail.contains("401"));
        assert!(key_check(403).detail.contains("403"));
    }
}
