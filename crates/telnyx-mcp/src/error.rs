//! [`ToolError`]: what a tool answers when it cannot answer. The adapter turns it into an MCP
//! tool error (`isError: true`) whose text is this error as JSON, never a protocol error.

use serde::Serialize;

/// A failed tool call, as the agent sees it: what went wrong and what to send instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolError {
    /// `invalid_argument`, `disabled`, `telnyx_api`, `rate_limited`, `unreachable`, `internal`.
    pub kind: &'static str,
    /// One sentence: what was wrong and what to do.
    pub message: String,
    /// The Telnyx error code (`10015`), for errors Telnyx sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telnyx_code: Option<String>,
    /// Telnyx's title and detail, for errors Telnyx sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The HTTP status Telnyx answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// For a 429: seconds to wait before calling again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

impl ToolError {
    fn new(kind: &'static str, message: impl Into<String>) -> ToolError {
        ToolError {
            kind,
            message: message.into(),
            telnyx_code: None,
            detail: None,
            http_status: None,
            retry_after_seconds: None,
        }
    }

    /// A bad argument: `message` says what to send instead.
    pub fn invalid(message: impl Into<String>) -> ToolError {
        ToolError::new("invalid_argument", message)
    }

    /// A tool the server was started without (`flag` enables it).
    pub fn disabled(tool: &str, flag: &str) -> ToolError {
        ToolError::new(
            "disabled",
            format!(
                "{tool} is disabled on this server: restart `telnyx mcp` with {flag} to enable it \
                 (ask the person running the server first)"
            ),
        )
    }

    /// A failure of this server itself (a bug), never the caller's fault.
    pub fn internal(message: impl Into<String>) -> ToolError {
        ToolError::new("internal", message)
    }

    /// The error as the JSON text of an MCP tool error.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.message.clone())
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

impl From<telnyx::Error> for ToolError {
    fn from(err: telnyx::Error) -> ToolError {
        if let Some(v) = err.violation() {
            return ToolError::invalid(format!(
                "{} (parameter `{}`): fix that argument and call again",
                v.explanation(),
                v.parameter()
            ));
        }
        if err.kind() == telnyx::ErrorKind::RateLimit || err.status() == Some(429) {
            let secs = err.retry_after().map(|d| d.as_secs().max(1)).or_else(|| {
                err.rate_limit()
                    .and_then(|r| r.reset)
                    .map(|reset| reset.max(1))
            });
            let mut e = ToolError::new(
                "rate_limited",
                match secs {
                    Some(s) => format!("Telnyx rate limit reached: call again in {s} s"),
                    None => {
                        "Telnyx rate limit reached: wait a few seconds, then call again".to_string()
                    }
                },
            );
            e.retry_after_seconds = Some(secs.unwrap_or(5));
            e.http_status = Some(429);
            fill_api(&mut e, &err);
            return e;
        }
        if err.is_connection() || err.is_timeout() {
            return ToolError::new(
                "unreachable",
                format!("could not reach the Telnyx API ({err}); try again later"),
            );
        }
        let mut e = ToolError::new(
            "telnyx_api",
            format!("Telnyx answered with an error: {err}"),
        );
        e.http_status = err.status();
        fill_api(&mut e, &err);
        if err.kind() == telnyx::ErrorKind::Authentication {
            e.message = format!(
                "{}; the server's API key was refused: the person running `telnyx mcp` must fix \
                 --api-key or TELNYX_API_KEY",
                e.message
            );
        }
        e
    }
}

fn fill_api(e: &mut ToolError, err: &telnyx::Error) {
    if let Some(first) = err.errors().first() {
        e.telnyx_code = first.code.clone();
        let parts: Vec<&str> = [first.title.as_deref(), first.detail.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            e.detail = Some(parts.join(": "));
        }
    }
}
