//! The console's static files, embedded in the binary (nothing is fetched from elsewhere):
//! the stylesheet and the live-update script. No framework: the pages are plain HTML forms and
//! links, and `console.js` (about 40 lines) only swaps live regions after a change.

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

/// (file name, content type, bytes).
const FILES: [(&str, &str, &str); 2] = [
    (
        "console.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/console.css"),
    ),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/console.js"),
    ),
];

/// `GET /console/assets/{file}`.
pub async fn get(Path(file): Path<String>) -> Response {
    let Some((_, ctype, body)) = FILES.iter().find(|(n, _, _)| *n == file) else {
        return super::message_page(
            StatusCode::NOT_FOUND,
            "No such file",
            "The console has no asset by that name.",
        );
    };
    let mut r = Response::new(Body::from(*body));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
