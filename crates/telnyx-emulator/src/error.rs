//! The one error type of the HTTP API, mapped to Telnyx-shaped error bodies in one place, and
//! the one conversion from the domain's [`StoreError`] into it.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use serde_json::{json, Map, Value};

use crate::domain::StoreError;

/// Where in the request an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorSource {
    /// A JSON pointer (RFC 6901) into the request body, e.g. `/amount`.
    Pointer(String),
    /// A query parameter or header name, e.g. `page[size]`.
    Parameter(String),
}

/// A Telnyx-shaped API error: status, string `code`, `title`, `detail` and `source`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Telnyx error code, e.g. `"10015"`.
    pub code: &'static str,
    /// Short title.
    pub title: String,
    /// Human-readable detail.
    pub detail: String,
    /// Offending parameter or body location.
    pub source: Option<ErrorSource>,
    /// Extra response headers (e.g. `Retry-After`).
    // Boxed on purpose: most errors carry no header, and this keeps `ApiError` (returned by
    // every handler) one pointer wide here instead of three.
    #[allow(clippy::box_collection)]
    pub headers: Option<Box<Vec<(HeaderName, HeaderValue)>>>,
}

impl ApiError {
    /// A generic error.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            title: title.into(),
            detail: detail.into(),
            source: None,
            headers: None,
        }
    }

    /// Attaches a query parameter (or header) source.
    pub fn param(mut self, p: impl Into<String>) -> Self {
        self.source = Some(ErrorSource::Parameter(p.into()));
        self
    }

    /// Attaches a JSON pointer source.
    pub fn pointer(mut self, p: impl Into<String>) -> Self {
        self.source = Some(ErrorSource::Pointer(p.into()));
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers
            .get_or_insert_with(Default::default)
            .push((name, value));
        self
    }

    /// 400, code 10015: a bad request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "10015", "Bad Request", detail)
    }

    /// 400, code 10004: a required parameter is missing.
    pub fn missing_param(param: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "10004",
            "Missing required parameter",
            format!("The '{param}' parameter is required."),
        )
        .param(param)
    }

    /// 400, code 10015, for the named query parameter.
    pub fn invalid_param(param: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "10015",
            "Invalid parameter",
            detail,
        )
        .param(param)
    }

    /// 400, code 10006: a path id is not a valid id.
    pub fn invalid_id(id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "10006",
            "Invalid ID",
            format!("The id '{}' is not a valid UUID.", truncate(id, 100)),
        )
        .param("id")
    }

    /// 404, code 10005: the resource does not exist.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "10005", "Resource not found", detail)
    }

    /// 401, code 10009: authentication failed.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "10009",
            "Authentication failed",
            detail,
        )
    }

    /// 422 with a body pointer.
    pub fn unprocessable(
        code: &'static str,
        title: &str,
        detail: impl Into<String>,
        pointer: &str,
    ) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, title, detail).pointer(pointer)
    }

    /// 400 for a request body that is not valid JSON.
    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "10015", "Malformed JSON", detail).pointer("/")
    }

    /// 500, code 10007 (never expected; used for storage failures).
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "10007",
            "Unexpected error",
            detail,
        )
    }

    /// The JSON error envelope `{"errors":[...]}`.
    pub fn body(&self) -> Value {
        error_body(self.code, &self.title, &self.detail, self.source.as_ref())
    }
}

/// Builds the Telnyx error envelope.
pub fn error_body(code: &str, title: &str, detail: &str, source: Option<&ErrorSource>) -> Value {
    let mut e = Map::new();
    e.insert("code".into(), Value::String(code.to_string()));
    e.insert("title".into(), Value::String(title.to_string()));
    e.insert("detail".into(), Value::String(detail.to_string()));
    match source {
        Some(ErrorSource::Pointer(p)) => {
            e.insert("source".into(), json!({ "pointer": p }));
        }
        Some(ErrorSource::Parameter(p)) => {
            e.insert("source".into(), json!({ "parameter": p }));
        }
        None => {}
    }
    e.insert(
        "meta".into(),
        json!({ "url": format!("https://developers.telnyx.com/docs/overview/errors/{code}") }),
    );
    json!({ "errors": [Value::Object(e)] })
}

/// The default Telnyx error (code and title) for a bare HTTP status, used by fault rules.
pub fn default_for_status(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("10015", "Bad Request"),
        401 => ("10009", "Authentication failed"),
        403 => ("10010", "Authorization failed"),
        404 => ("10005", "Resource not found"),
        408 => ("10008", "Request timeout"),
        422 => ("10015", "Unprocessable entity"),
        429 => ("10011", "Too many requests"),
        _ => ("10007", "Unexpected error"),
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(detail) => ApiError::not_found(detail),
            StoreError::Invalid { field, detail } => ApiError::new(
                StatusCode::BAD_REQUEST,
                "10015",
                "Invalid parameter",
                detail,
            )
            .pointer(format!("/{field}")),
            StoreError::Storage(detail) => {
                tracing::error!(error = %detail, "storage failed");
                ApiError::internal("The change could not be stored.")
            }
            StoreError::Conflict { code, detail } => {
                ApiError::new(StatusCode::CONFLICT, code, "Conflict", detail)
            }
            StoreError::Busy(detail) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "10010",
                "Service unavailable",
                detail,
            )
            .header(
                HeaderName::from_static("retry-after"),
                HeaderValue::from_static("1"),
            ),
        }
    }
}
