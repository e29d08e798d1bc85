//! HTTP responses: JSON bodies, the `ok_*` helpers, request body and path-id parsing, the
//! response of an [`ApiError`], and the fallbacks for unknown routes and methods.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::error::ApiError;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// A JSON response with the given status.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// `200 {"data": data}`.
pub fn ok_data(data: Value) -> Response {
    json_response(StatusCode::OK, &json!({ "data": data }))
}

/// `200 {"data": [...], "meta": {...}}`.
pub fn ok_list(data: Vec<Value>, meta: Value) -> Response {
    json_response(StatusCode::OK, &json!({ "data": data, "meta": meta }))
}

/// `200 {"data": raw}` for an object stored serialized.
pub fn ok_data_raw(raw: &str) -> Response {
    let mut out = String::with_capacity(raw.len() + 10);
    out.push_str("{\"data\":");
    out.push_str(raw);
    out.push('}');
    raw_response(out)
}

/// `200 {"data": [...], "meta": {...}}` from items stored serialized; the same bytes as
/// [`ok_list`] over the parsed items, without building or cloning any `Value`.
pub fn ok_list_raw<'a>(items: impl IntoIterator<Item = &'a str>, meta: &Value) -> Response {
    let mut out = String::from("{\"data\":[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push_str("],\"meta\":");
    out.push_str(&meta.to_string());
    out.push('}');
    raw_response(out)
}

fn raw_response(body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The last path segment, percent-decoded, validated as a UUID and lowercased.
pub fn path_uuid(uri: &Uri) -> Result<String, ApiError> {
    let raw = uri.path().rsplit('/').next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    match uuid::Uuid::try_parse(&decoded) {
        Ok(u) => Ok(u.hyphenated().to_string()),
        Err(_) => Err(ApiError::invalid_id(&decoded)),
    }
}

/// Reads a request body (at most [`MAX_BODY`] bytes).
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "10015",
            "Request body too large",
            format!("The request body must be at most {MAX_BODY} bytes."),
        )
    })
}

/// Parses a JSON object body; an empty (or whitespace) body is `{}`.
pub fn parse_object(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::unprocessable(
            "10015",
            "Invalid request body",
            "The request body must be a JSON object.",
            "/",
        )),
        Err(e) => Err(ApiError::malformed_json(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = json_response(self.status, &self.body());
        for (n, v) in self.headers.map(|h| *h).unwrap_or_default() {
            resp.headers_mut().append(n, v);
        }
        resp
    }
}

/// Fallback for unknown routes: a Telnyx-shaped 404.
pub async fn route_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "The requested resource or URL could not be found: {}",
        crate::error::truncate(uri.path(), 200)
    ))
}

/// Fallback for a known route with the wrong method: a Telnyx-shaped 405.
pub async fn method_not_allowed(method: axum::http::Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "10015",
        "Method not allowed",
        format!("The {method} method is not allowed on this resource."),
    )
}
