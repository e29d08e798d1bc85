//! Form handling shared by the console's pages: a refused form (`FormError`) and its alert,
//! reading a urlencoded body, a form field, and the 303 after a change.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use crate::domain::StoreError;

/// Largest form body accepted.
const MAX_FORM: usize = 16 * 1024;

/// A refused form: which form, which field, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The form's name (`advance`, `traffic`, `reset`).
    pub form: &'static str,
    /// The field (its `name`).
    pub field: String,
    /// What was wrong and what is accepted.
    pub message: String,
}

impl FormError {
    /// A refusal of `form`'s `field`.
    pub fn new(form: &'static str, field: &str, message: impl Into<String>) -> FormError {
        FormError {
            form,
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The refusal a domain error means.
    pub fn from_store(form: &'static str, e: StoreError) -> FormError {
        match e {
            StoreError::Invalid { field, detail } => FormError {
                form,
                field,
                message: detail,
            },
            other => FormError::new(form, "", other.to_string()),
        }
    }
}

/// The alert that names the refused field.
pub fn error_box(e: &FormError) -> Markup {
    html! {
        div.error #form-error role="alert" data-form=(e.form) data-field=(e.field) {
            p {
                strong { "Not applied. " }
                @if !e.field.is_empty() { "Field " code { (e.field) } ": " }
                (e.message)
            }
        }
    }
}

pub fn invalid_attr(error: Option<&FormError>, form: &str, field: &str) -> Option<&'static str> {
    error
        .filter(|e| e.form == form && e.field == field)
        .map(|_| "true")
}

/// The pairs of a urlencoded body.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn read_form(body: Body) -> Option<Vec<(String, String)>> {
    axum::body::to_bytes(body, MAX_FORM)
        .await
        .ok()
        .map(|b| form_pairs(&b))
}

/// A handler argument: the urlencoded form's fields, or (as the rejection) the page refusing a
/// body over [`MAX_FORM`].
pub struct FormPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormPairs {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, _: &S) -> Result<Self, Response> {
        read_form(req.into_body())
            .await
            .map(FormPairs)
            .ok_or_else(form_too_large)
    }
}

fn form_too_large() -> Response {
    super::message_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Form too large",
        &format!("A console form is at most {MAX_FORM} bytes."),
    )
}

/// 303 to `to` (after a change: the browser then GETs the page).
pub fn see_other(to: &str) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = to.parse() {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The trimmed, non-empty value of field `name`.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}
