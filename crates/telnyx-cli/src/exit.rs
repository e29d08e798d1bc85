//! Errors for humans: every failure becomes a message, a hint and an exit code, here and only here.

use std::fmt::Write as _;
use std::process::ExitCode;

use telnyx::{ErrorKind, Rule};

/// Exit code: anything not covered below.
pub const OTHER: u8 = 1;
/// Exit code: bad usage (flags, arguments, missing confirmation).
pub const USAGE: u8 = 2;
/// Exit code: missing, invalid or unauthorized API key.
pub const AUTH: u8 = 3;
/// Exit code: the resource does not exist.
pub const NOT_FOUND: u8 = 4;
/// Exit code: the request was rejected as invalid.
pub const VALIDATION: u8 = 5;
/// Exit code: rate limited.
pub const RATE_LIMITED: u8 = 6;
/// Exit code: connection, DNS or timeout.
pub const NETWORK: u8 = 7;
/// Exit code: interrupted by Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// Everything that can make a command fail.
#[derive(Debug)]
pub enum CliError {
    /// An error from the SDK (HTTP, API, decoding, validation).
    Api(telnyx::Error),
    /// No API key and no `--emulator`.
    NoApiKey,
    /// A bad argument detected after parsing.
    Usage(String),
    /// The user declined (or could not be asked) to confirm; exits like a usage error.
    Declined(String),
    /// An argument value the API would reject, checked locally.
    Invalid(String),
    /// A file or terminal I/O error, with what we were doing.
    Io(String, std::io::Error),
    /// The embedded emulator failed to start.
    Emulator(String),
    /// Ctrl-C; the string says what was kept.
    Interrupted(String),
    /// Anything else.
    Other(String),
    /// A running emulator's control API (`/_emulator/...`) could not be used.
    Control {
        /// The command that needed it (`telnyx webhooks trigger`).
        command: &'static str,
        /// What went wrong.
        error: ControlError,
    },
    /// A webhook delivery the command waited for failed, or did not finish in time.
    Delivery {
        /// What happened, e.g. `delivery ID failed after 3 attempts (last HTTP 500)`.
        message: String,
        /// What to do about it.
        hint: String,
    },
    /// The local setup (config file, profile, stored key) is not usable; exits like a usage error.
    Setup {
        /// What is wrong, naming the file or profile.
        message: String,
        /// What to do about it.
        hint: String,
    },
    /// A check failed (`telnyx doctor`): its report is already printed.
    Failed(String),
    /// The API could not be reached (connection error) at this base URL.
    Unreachable {
        /// The base URL in use (`--base-url`, `TELNYX_BASE_URL` or the default).
        base_url: String,
        /// The SDK's connection error.
        err: telnyx::Error,
    },
}

/// Why a call to an emulator's control API (`/_emulator/...`) failed: the control client's
/// error ([`telnyx_emulator::control_client::Error`]). Its messages never hold the API key.
pub use telnyx_emulator::control_client::Error as ControlError;

/// The exit code of a control error.
fn control_exit_code(error: &ControlError) -> u8 {
    match error {
        ControlError::InvalidUrl { .. } | ControlError::NotEmulator { .. } => USAGE,
        ControlError::Unreachable { .. } => NETWORK,
        ControlError::Rejected { status, .. } => match status {
            400 | 409 | 422 => VALIDATION,
            401 | 403 => AUTH,
            404 => NOT_FOUND,
            429 => RATE_LIMITED,
            _ => OTHER,
        },
        ControlError::Client(_) | ControlError::BadAnswer { .. } => OTHER,
    }
}

/// Headline, details and hint of a control error met by `command`.
fn control_parts(command: &str, error: &ControlError) -> (String, Vec<String>, Option<String>) {
    match error {
        ControlError::InvalidUrl { base_url } => (
            format!(
                "--base-url {base_url:?} is not an http:// URL; an emulator's looks like http://127.0.0.1:4010/v2"
            ),
            vec![],
            Some("see `telnyx --help`".into()),
        ),
        ControlError::Client(m) => (format!("building the HTTP client: {m}"), vec![], None),
        ControlError::Unreachable {
            origin,
            cause,
            timed_out,
        } => {
            let host_port = origin.split("://").nth(1).unwrap_or(origin);
            let cause = if *timed_out {
                format!("{cause} (raise it with --timeout)")
            } else {
                cause.clone()
            };
            (
                format!("no emulator answered at {origin}"),
                vec![format!("cause: {cause}")],
                Some(format!(
                    "start one there (`telnyx emulator --bind {host_port}`), or point \
                     --base-url/TELNYX_BASE_URL at a running one (e.g. http://127.0.0.1:4010/v2)"
                )),
            )
        }
        ControlError::NotEmulator { origin, why } => (
            format!("`{command}` works only against the Telnyx emulator, and {origin} is not one"),
            vec![why.clone()],
            Some(
                "start one with `telnyx emulator` and point --base-url/TELNYX_BASE_URL at it \
                 (http://127.0.0.1:4010/v2 by default)"
                    .into(),
            ),
        ),
        ControlError::Rejected {
            op,
            status,
            code,
            detail,
            retry_after,
        } => {
            let tag = code
                .as_deref()
                .map(|c| format!("[{c}] "))
                .unwrap_or_default();
            let hint = control_hint(op, *status, code.as_deref(), *retry_after);
            (
                format!("{tag}{detail} (HTTP {status})"),
                vec![format!("emulator: {op}")],
                hint,
            )
        }
        ControlError::BadAnswer { op, problem } => (
            format!("unexpected answer from the emulator to {op}: {problem}"),
            vec![],
            Some("is --base-url a telnyx emulator of the same version as this CLI?".into()),
        ),
    }
}

/// What to do about an error answer of the control API.
fn control_hint(
    op: &str,
    status: u16,
    code: Option<&str>,
    retry_after: Option<u64>,
) -> Option<String> {
    let events = op.ends_with("/_emulator/events");
    let redeliver = op.ends_with("/redeliver");
    match status {
        409 if code == Some("emulator_no_webhook") || events || redeliver => Some(
            "no webhook URL is set for this account: run `telnyx webhooks listen` in another \
             terminal (it registers itself as the account's webhook URL), or set one with \
             PUT /_emulator/webhooks"
                .into(),
        ),
        400 if events => Some(
            "the emulator has a default payload only for the types it lists; any other type \
             (lower-case words with dots, like message.custom) needs --payload '{...}' or \
             --payload @FILE"
                .into(),
        ),
        400 if op.ends_with("/_emulator/webhooks") => Some(
            "by default the emulator delivers only to loopback addresses (127.0.0.1, ::1, \
             localhost); start it with --allow-webhook-host HOST to widen that"
                .into(),
        ),
        404 if redeliver => Some(
            "check the id: `telnyx webhook-deliveries list` shows this account's deliveries".into(),
        ),
        503 if events || redeliver => Some(format!(
            "nothing was recorded, so trying again is safe: wait {} s, or raise --max-retries \
             (retries follow the emulator's Retry-After); a larger --webhook-queue on the \
             emulator makes room",
            retry_after.unwrap_or(1).max(1)
        )),
        401 | 403 => {
            Some("this emulator accepts only its --accept-key keys: pass one with --api-key".into())
        }
        _ => None,
    }
}

impl From<telnyx::Error> for CliError {
    fn from(e: telnyx::Error) -> Self {
        CliError::Api(e)
    }
}

impl CliError {
    /// Wraps an I/O error with context.
    pub fn io(context: impl Into<String>, e: std::io::Error) -> Self {
        CliError::Io(context.into(), e)
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Api(e) | CliError::Unreachable { err: e, .. } => api_exit_code(e),
            CliError::NoApiKey => AUTH,
            CliError::Usage(_) | CliError::Declined(_) => USAGE,
            CliError::Invalid(_) => VALIDATION,
            CliError::Io(..) | CliError::Emulator(_) | CliError::Other(_) => OTHER,
            CliError::Interrupted(_) => INTERRUPTED,
            CliError::Control { error, .. } => control_exit_code(error),
            CliError::Delivery { .. } | CliError::Failed(_) => OTHER,
            CliError::Setup { .. } => USAGE,
        }
    }

    /// Whether the command's output is complete despite the error (it reports an outcome,
    /// like a failed delivery, rather than a failure to produce the output): kept in --out.
    pub fn keeps_output(&self) -> bool {
        matches!(self, CliError::Delivery { .. })
    }

    /// The headline of [`CliError::render`], on one line (for warnings).
    pub fn headline(&self) -> String {
        self.parts().0
    }

    /// The full message shown on stderr: `error: ...`, details, and a `hint: ...` line.
    pub fn render(&self, color: bool) -> String {
        let (red, yellow, bold, reset) = if color {
            ("\x1b[31;1m", "\x1b[33m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut out = String::new();
        let (headline, details, hint) = self.parts();
        let _ = writeln!(out, "{red}error:{reset} {bold}{headline}{reset}");
        for d in details {
            let _ = writeln!(out, "  {d}");
        }
        if let Some(h) = hint {
            let _ = writeln!(out, "{yellow}hint:{reset} {h}");
        }
        out
    }

    fn parts(&self) -> (String, Vec<String>, Option<String>) {
        match self {
            CliError::Api(e) => api_parts(e),
            CliError::Unreachable { base_url, err } => unreachable_parts(base_url, err),
            CliError::NoApiKey => (
                "no API key".into(),
                vec![],
                Some(
                    "set TELNYX_API_KEY=KEY... (from https://portal.telnyx.com/#/app/api-keys), pass --api-key KEY, \
                     store one with `telnyx auth login`, or try it offline with --emulator (e.g. `telnyx --emulator overview`)"
                        .into(),
                ),
            ),
            CliError::Usage(m) => (m.clone(), vec![], Some("see `telnyx --help`".into())),
            CliError::Invalid(m) | CliError::Declined(m) => (m.clone(), vec![], None),
            CliError::Io(ctx, e) => (format!("{ctx}: {e}"), vec![], io_hint(e)),
            CliError::Emulator(m) => (format!("the embedded emulator failed: {m}"), vec![], None),
            CliError::Interrupted(m) => ("interrupted".into(), vec![m.clone()], None),
            CliError::Other(m) => (m.clone(), vec![], None),
            CliError::Control { command, error } => control_parts(command, error),
            CliError::Failed(m) => (m.clone(), vec![], None),
            CliError::Delivery { message, hint } | CliError::Setup { message, hint } => {
                (message.clone(), vec![], Some(hint.clone()))
            }
        }
    }
}

/// What to do about a file error, when the OS message alone does not say.
fn io_hint(e: &std::io::Error) -> Option<String> {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            Some("the directory does not exist: create it first or pick another path".into())
        }
        std::io::ErrorKind::PermissionDenied => {
            Some("no permission to write there: pick a path you can write to".into())
        }
        _ => None,
    }
}

/// The deepest cause of an error chain ("Connection refused (os error 111)").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = e.source()?;
    while let Some(next) = cur.source() {
        cur = next;
    }
    Some(cur.to_string())
}

/// `could not connect to URL (GET /path)`, the OS cause, and a hint that depends on whether
/// the URL is a local server (start it) or a remote one (network, proxy).
fn unreachable_parts(base_url: &str, e: &telnyx::Error) -> (String, Vec<String>, Option<String>) {
    let op = e
        .operation()
        .map(|op| format!(" ({op})"))
        .unwrap_or_default();
    let headline = if e.is_connect() {
        format!("could not connect to {base_url}{op}")
    } else {
        format!("the connection to {base_url} failed before a complete response arrived{op}")
    };
    let cause = root_cause(e);
    let details = cause.iter().map(|c| format!("cause: {c}")).collect();
    let host_port = base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(base_url);
    let local = ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"]
        .iter()
        .any(|h| host_port == *h || host_port.starts_with(&format!("{h}:")));
    let hint = if local {
        format!(
            "nothing is serving {host_port}: start the emulator there (`telnyx emulator --bind {host_port}`), \
             fix --base-url/TELNYX_BASE_URL, or use the built-in one with --emulator"
        )
    } else if e.is_connect() && !resolves(base_url, host_port) {
        format!(
            "the host in {base_url} could not be resolved: check the spelling of \
             --base-url/TELNYX_BASE_URL and your DNS"
        )
    } else {
        "check your internet connection, proxy (HTTPS_PROXY) and firewall, then try again \
         (--max-retries N retries connection errors); --emulator works offline"
            .to_string()
    };
    (headline, details, Some(hint))
}

/// Whether the host of `base_url` resolves now: asked of the resolver rather than read out
/// of the OS error text (which no library exposes as a kind).
fn resolves(base_url: &str, host_port: &str) -> bool {
    use std::net::ToSocketAddrs;
    let has_port = match host_port.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    } && !host_port.ends_with(']');
    let with_port = if has_port {
        host_port.to_string()
    } else {
        let port = if base_url.starts_with("http://") {
            80
        } else {
            443
        };
        format!("{host_port}:{port}")
    };
    with_port
        .to_socket_addrs()
        .is_ok_and(|mut addrs| addrs.next().is_some())
}

/// A `--base-url` the SDK could not parse: a usage error, not an authentication one.
fn is_bad_base_url(e: &telnyx::Error) -> bool {
    e.kind() == ErrorKind::Configuration
        && e.violation().is_some_and(|v| v.parameter() == "base_url")
}

/// The parameter the API blamed (`filter[nope][contains]`, `id`), if any.
fn error_parameter(e: &telnyx::Error) -> Option<&str> {
    e.errors()
        .iter()
        .find_map(|d| d.source.as_ref().and_then(|s| s.parameter.as_deref()))
}

/// What to do about a request the SDK refused to send, from the rule it broke.
fn invalid_request_hint(v: &telnyx::Violation) -> Option<String> {
    match v.rule() {
        Rule::WithinDaysOf { days, .. } => Some(format!(
            "ask for at most {days} days per call, e.g. one calendar month at a time \
             (--start 2025-05-01 --end 2025-06-01), and add up the results"
        )),
        Rule::After { parameter } if v.parameter() == "end_date" => Some(format!(
            "the end date is exclusive and must come after the {}: for one day, \
             --start 2025-05-01 --end 2025-05-02",
            parameter.trim_end_matches("_date")
        )),
        Rule::Between { min, max } if v.parameter() == "page_size" => {
            Some(format!("use a page size from {min} to {max}"))
        }
        Rule::DollarsAndCents => {
            Some("write the amount as dollars and cents, e.g. 120.00 (not 120 or 120.0)".into())
        }
        Rule::Format { expected } if v.parameter() == "idempotency_key" => Some(format!(
            "an idempotency key is {expected}, for example a UUID"
        )),
        _ => None,
    }
}

/// Exit code for an SDK error kind.
fn api_exit_code(e: &telnyx::Error) -> u8 {
    match e.kind() {
        ErrorKind::Configuration if is_bad_base_url(e) => USAGE,
        ErrorKind::Authentication | ErrorKind::PermissionDenied | ErrorKind::Configuration => AUTH,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::BadRequest
        | ErrorKind::UnprocessableEntity
        | ErrorKind::Conflict
        | ErrorKind::InvalidRequest
        | ErrorKind::Webhook => VALIDATION,
        ErrorKind::RateLimit => RATE_LIMITED,
        ErrorKind::Connection | ErrorKind::Timeout => NETWORK,
        _ => OTHER,
    }
}

fn api_parts(e: &telnyx::Error) -> (String, Vec<String>, Option<String>) {
    let status = e
        .status()
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    let mut details = Vec::new();
    let headline;
    if let Some(first) = e.errors().first() {
        let title = first.title.clone().unwrap_or_else(|| e.to_string());
        let code = first
            .code
            .as_deref()
            .map(|c| format!("[{c}] "))
            .unwrap_or_default();
        headline = format!("{code}{title}{status}");
        for (i, d) in e.errors().iter().enumerate() {
            let mut line = String::new();
            if i > 0 {
                let code = d
                    .code
                    .as_deref()
                    .map(|c| format!("[{c}] "))
                    .unwrap_or_default();
                let _ = write!(line, "{code}{}", d.title.as_deref().unwrap_or(""));
                if d.detail.is_some() {
                    line.push_str(": ");
                }
            }
            if let Some(detail) = &d.detail {
                line.push_str(detail);
            }
            if let Some(src) = &d.source {
                if let Some(p) = src.parameter.as_deref().or(src.pointer.as_deref()) {
                    let _ = write!(line, " (at {p})");
                }
            }
            if !line.trim().is_empty() {
                details.push(line);
            }
        }
    } else {
        // A local check names the SDK operation (`charges_summary.retrieve`): the explanation
        // alone is what the user needs.
        let text = match e.violation() {
            Some(v) if e.is_invalid_request() => v.explanation().to_string(),
            _ => e.to_string(),
        };
        headline = format!("{text}{status}");
    }
    if let Some(id) = e.request_id() {
        details.push(format!("request id: {id}"));
    }
    let hint = match e.kind() {
        ErrorKind::Authentication => Some(
            "check TELNYX_API_KEY (or --api-key): it must be a valid V2 API key from \
             https://portal.telnyx.com/#/app/api-keys"
                .to_string(),
        ),
        ErrorKind::PermissionDenied => {
            Some("this API key is valid but not allowed to do that; check its permissions".into())
        }
        // The SDK's message already says what is wrong and shows a valid URL.
        ErrorKind::Configuration if is_bad_base_url(e) => Some(
            "for a local emulator the URL looks like http://127.0.0.1:4010/v2 (`telnyx emulator`)"
                .into(),
        ),
        ErrorKind::Configuration => None,
        ErrorKind::RateLimit => Some(match e.retry_after() {
            Some(d) => format!("rate limited: wait {} s and try again", d.as_secs().max(1)),
            None => "rate limited: wait a few seconds and try again".into(),
        }),
        ErrorKind::Connection => Some(
            "could not reach the API: check --base-url/TELNYX_BASE_URL and your connectivity \
             (or try offline with --emulator)"
                .into(),
        ),
        ErrorKind::Timeout => Some(
            "the request timed out: check connectivity, or raise --timeout / --max-retries".into(),
        ),
        ErrorKind::InvalidRequest => e.violation().and_then(invalid_request_hint),
        ErrorKind::BadRequest | ErrorKind::UnprocessableEntity
            if error_parameter(e).is_some_and(|p| p.starts_with("filter")) =>
        {
            Some(
                "--filter takes FIELD[OP]=VALUE with a field of this record type \
                 (`-o json` shows the fields), e.g. --filter 'cld[contains]=456'"
                    .into(),
            )
        }
        ErrorKind::BadRequest if error_parameter(e) == Some("id") => Some(
            "ids are UUIDs (like 0c4c8c4e-5803-4258-bae2-796543917292): copy one from the \
             matching `list` command"
                .into(),
        ),
        ErrorKind::NotFound => Some("check the id (list them with the matching `list` command)".into()),
        ErrorKind::InternalServer => Some("a server-side error: try again later".into()),
        ErrorKind::Decode => Some(
            "the response was not what this version expects: check --base-url points at the Telnyx API".into(),
        ),
        _ => None,
    };
    (headline, details, hint)
}

/// Prints the error to stderr and turns it into the process exit code.
pub fn report(err: &CliError) -> ExitCode {
    use std::io::{IsTerminal, Write};
    let color = std::io::stderr().is_terminal() && !no_color_env();
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(err.render(color).as_bytes());
    let _ = stderr.flush();
    ExitCode::from(err.exit_code())
}

/// True when `NO_COLOR` is set to a non-empty value.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let codes = [
            OTHER,
            USAGE,
            AUTH,
            NOT_FOUND,
            VALIDATION,
            RATE_LIMITED,
            NETWORK,
            INTERRUPTED,
        ];
        let mut sorted = codes.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert_eq!(CliError::NoApiKey.exit_code(), AUTH);
        assert_eq!(CliError::Usage("x".into()).exit_code(), USAGE);
        assert_eq!(CliError::Invalid("x".into()).exit_code(), VALIDATION);
        assert_eq!(CliError::Interrupted("x".into()).exit_code(), INTERRUPTED);
    }

    #[test]
    fn control_errors_map_to_the_usual_codes_and_hints() {
        let rejected = |status, code: Option<&str>, op: &str| CliError::Control {
            command: "telnyx webhooks trigger",
            error: ControlError::Rejected {
                op: op.into(),
                status,
                code: code.map(str::to_string),
                detail: "No webhook URL is set.".into(),
                retry_after: Some(1),
            },
        };
        let e = rejected(409, Some("emulator_no_webhook"), "POST /_emulator/events");
        assert_eq!(e.exit_code(), VALIDATION);
        let m = e.render(false);
        assert!(
            m.contains("[emulator_no_webhook] No webhook URL is set. (HTTP 409)"),
            "{m}"
        );
        assert!(m.contains("telnyx webhooks listen"), "{m}");
        let e = rejected(503, None, "POST /_emulator/events");
        assert_eq!(e.exit_code(), OTHER);
        assert!(e.render(false).contains("wait 1 s"));
        let e = rejected(404, None, "POST /_emulator/webhook_deliveries/x/redeliver");
        assert_eq!(e.exit_code(), NOT_FOUND);
        assert!(e.render(false).contains("webhook-deliveries list"));
        let e = CliError::Control {
            command: "telnyx webhooks trigger",
            error: ControlError::Unreachable {
                origin: "http://127.0.0.1:9".into(),
                cause: "Connection refused".into(),
                timed_out: false,
            },
        };
        assert_eq!(e.exit_code(), NETWORK);
        assert!(e
            .render(false)
            .contains("telnyx emulator --bind 127.0.0.1:9"));
        let e = CliError::Control {
            command: "telnyx webhooks trigger",
            error: ControlError::NotEmulator {
                origin: "https://api.telnyx.com".into(),
                why: "GET /_emulator/health: HTTP 404".into(),
            },
        };
        assert_eq!(e.exit_code(), USAGE);
        assert!(e
            .render(false)
            .contains("works only against the Telnyx emulator"));
    }

    #[test]
    fn resolution_is_asked_of_the_resolver() {
        assert!(resolves("http://127.0.0.1:4010/v2", "127.0.0.1:4010"));
        assert!(resolves("http://127.0.0.1/v2", "127.0.0.1"));
        assert!(!resolves(
            "https://api.example.invalid/v2",
            "api.example.invalid"
        ));
    }

    #[test]
    fn no_key_message_says_how_to_start() {
        let m = CliError::NoApiKey.render(false);
        assert!(m.contains("TELNYX_API_KEY"), "{m}");
        assert!(m.contains("--api-key"), "{m}");
        assert!(m.contains("--emulator"), "{m}");
        assert!(!m.contains('\x1b'));
        assert!(CliError::NoApiKey.render(true).contains('\x1b'));
    }
}
