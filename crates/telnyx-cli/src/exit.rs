//! Errors for humans: every failure becomes a message, a hint and an exit code, here and only here.

use std::fmt::Write as _;
use std::process::ExitCode;

use telnyx::ErrorKind;

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
            CliError::Api(e) => api_exit_code(e),
            CliError::NoApiKey => AUTH,
            CliError::Usage(_) | CliError::Declined(_) => USAGE,
            CliError::Invalid(_) => VALIDATION,
            CliError::Io(..) | CliError::Emulator(_) | CliError::Other(_) => OTHER,
            CliError::Interrupted(_) => INTERRUPTED,
        }
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
            CliError::NoApiKey => (
                "no API key".into(),
                vec![],
                Some(
                    "set TELNYX_API_KEY=KEY... (from https://portal.telnyx.com/#/app/api-keys), pass --api-key KEY, \
                     or try it offline with --emulator (e.g. `telnyx --emulator overview`)"
                        .into(),
                ),
            ),
            CliError::Usage(m) => (m.clone(), vec![], Some("see `telnyx --help`".into())),
            CliError::Invalid(m) | CliError::Declined(m) => (m.clone(), vec![], None),
            CliError::Io(ctx, e) => (format!("{ctx}: {e}"), vec![], None),
            CliError::Emulator(m) => (format!("the embedded emulator failed: {m}"), vec![], None),
            CliError::Interrupted(m) => ("interrupted".into(), vec![m.clone()], None),
            CliError::Other(m) => (m.clone(), vec![], None),
        }
    }
}

/// Exit code for an SDK error kind.
fn api_exit_code(e: &telnyx::Error) -> u8 {
    match e.kind() {
        ErrorKind::Authentication | ErrorKind::PermissionDenied | ErrorKind::Configuration => AUTH,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::BadRequest
        | ErrorKind::UnprocessableEntity
        | ErrorKind::Conflict
        | ErrorKind::InvalidRequest => VALIDATION,
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
        headline = format!("{e}{status}");
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
        ErrorKind::Configuration => Some(
            "check --api-key/TELNYX_API_KEY and --base-url/TELNYX_BASE_URL (a URL like https://api.telnyx.com/v2)"
                .into(),
        ),
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
    fn no_key_message_says_how_to_start() {
        let m = CliError::NoApiKey.render(false);
        assert!(m.contains("TELNYX_API_KEY"), "{m}");
        assert!(m.contains("--api-key"), "{m}");
        assert!(m.contains("--emulator"), "{m}");
        assert!(!m.contains('\x1b'));
        assert!(CliError::NoApiKey.render(true).contains('\x1b'));
    }
}
