//! `GET /invoices` and `GET /invoices/{id}`.

use std::fmt;
use std::future::IntoFuture;

use bytes::Bytes;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::shared::{check_page, param_enum, query_params};
use crate::error::{body_excerpt, Error, Result};
use crate::options::{request_option_setters, RequestOptions};
use crate::pagination::{list, ListRequest};
use crate::query::Query;
use crate::request::{get, path_with_id, BoxFuture, RawResponse, Request};
use crate::violation::Violation;
use crate::Client;

/// The largest page the invoices endpoint serves.
pub const MAX_INVOICES_PAGE_SIZE: u32 = 250;

param_enum! {
    /// Sort order of the invoice list (`sort`).
    pub enum InvoiceSort {
        /// Oldest period first (`period_start`).
        PeriodStart = "period_start",
        /// Newest period first (`-period_start`).
        PeriodStartDesc = "-period_start",
    }
}

param_enum! {
    /// What an invoice retrieve returns (`action`).
    pub enum InvoiceAction {
        /// The invoice as JSON (`json`).
        Json = "json",
        /// The invoice with a temporary `download_url` (`link`).
        Link = "link",
    }
}

/// An invoice in the list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Invoice {
    /// Id of the invoice file.
    pub file_id: Option<String>,
    /// Invoice id.
    pub invoice_id: Option<String>,
    /// Whether it has been paid.
    pub paid: Option<bool>,
    /// First day of the billed period.
    pub period_start: Option<NaiveDate>,
    /// Last day of the billed period.
    pub period_end: Option<NaiveDate>,
    /// API URL of the invoice.
    pub url: Option<String>,
}

/// One invoice, as returned by [`InvoicesApi::retrieve`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InvoiceDetail {
    /// Temporary download URL, present only with [`InvoiceAction::Link`].
    pub download_url: Option<String>,
    /// Id of the invoice file.
    pub file_id: Option<String>,
    /// Invoice id.
    pub invoice_id: Option<String>,
    /// Whether it has been paid.
    pub paid: Option<bool>,
    /// First day of the billed period.
    pub period_start: Option<NaiveDate>,
    /// Last day of the billed period.
    pub period_end: Option<NaiveDate>,
    /// API URL of the invoice.
    pub url: Option<String>,
}

query_params! {
    /// Sort and page options for [`InvoicesApi::list`].
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct InvoiceListParams {
        /// Sort order (`sort`).
        opt sort: InvoiceSort = "sort",
        /// First page to load, 1-based (`page[number]`).
        opt page_number: u32 = "page[number]",
        /// Items per page, 1 to 250 (`page[size]`).
        opt page_size: u32 = "page[size]",
    }
}

impl InvoiceListParams {
    pub(crate) fn to_query(&self) -> Result<Query, Violation> {
        check_page(
            "invoices.list",
            self.page_number,
            self.page_size,
            Some(MAX_INVOICES_PAGE_SIZE),
        )?;
        Ok(self.query_pairs())
    }
}

/// The invoices endpoint: `client.invoices()`.
#[derive(Debug, Clone, Copy)]
pub struct InvoicesApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The invoices endpoint.
    pub fn invoices(&self) -> InvoicesApi<'_> {
        InvoicesApi { client: self }
    }
}

impl InvoicesApi<'_> {
    /// `GET /invoices`: the account's invoices, paginated.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// use telnyx::{InvoiceListParams, InvoiceSort};
    /// let client = telnyx::Client::from_env()?;
    /// let page = client.invoices().list(InvoiceListParams::default().sort(InvoiceSort::PeriodStartDesc)).await?;
    /// for invoice in &page.data {
    ///     println!("{:?} paid={:?}", invoice.period_start, invoice.paid);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, params: InvoiceListParams) -> ListRequest<Invoice> {
        list(self.client, "/invoices", params.to_query())
    }

    /// `GET /invoices/{id}`: one invoice; `Some(InvoiceAction::Link)` adds a `download_url`.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// let client = telnyx::Client::from_env()?;
    /// let invoice = client
    ///     .invoices()
    ///     .retrieve("182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e", Some(telnyx::InvoiceAction::Link))
    ///     .await?;
    /// println!("{:?}", invoice.download_url);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, id: &str, action: Option<InvoiceAction>) -> Request<InvoiceDetail> {
        let query = Query::new().push_opt("action", action.map(|a| a.as_str()));
        match path_with_id("invoices.retrieve", "/invoices", id) {
            Ok(path) => get(self.client, path, Ok(query)),
            Err(violation) => get(self.client, "", Err(violation)),
        }
    }

    /// The invoice's PDF: retrieves the invoice with [`InvoiceAction::Link`], then GETs its
    /// `download_url`. Lazy like every call: await it (or [`send`](InvoicePdfRequest::send)).
    ///
    /// Both requests go through the SDK's retry rules for GETs, and the timeout (the
    /// client's, or [`InvoicePdfRequest::timeout`]) limits each attempt of each of them.
    ///
    /// **The API key is sent to the download URL only when its origin (scheme, host and
    /// port) is the base URL's.** A real `download_url` is usually a pre-signed link on
    /// another host; it gets no `Authorization` header and none of the client's default
    /// headers.
    ///
    /// Errors: an API error of the retrieve as usual; a missing or empty `download_url`, or
    /// one that is not an http(s) URL, is [`Decode`](crate::ErrorKind::Decode); a non-2xx
    /// answer of the download is an API error of that status (e.g. 403 for an expired link,
    /// [`PermissionDenied`](crate::ErrorKind::PermissionDenied)). A 2xx body that does not
    /// start with `%PDF` (an HTML error or login page from a proxy, say) **is an error**
    /// too, [`Decode`](crate::ErrorKind::Decode), so that it is never saved as a `.pdf`.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// let client = telnyx::Client::from_env()?;
    /// let pdf = client.invoices().download_pdf("182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e").await?;
    /// std::fs::write("invoice.pdf", &pdf).expect("write the file");
    /// # Ok(()) }
    /// ```
    pub fn download_pdf(&self, id: &str) -> InvoicePdfRequest {
        InvoicePdfRequest {
            client: self.client.clone(),
            id: id.to_owned(),
            options: RequestOptions::default(),
        }
    }
}

/// The lazy download of an invoice PDF, from [`InvoicesApi::download_pdf`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct InvoicePdfRequest {
    client: Client,
    id: String,
    options: RequestOptions,
}

impl fmt::Debug for InvoicePdfRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvoicePdfRequest")
            .field("id", &self.id)
            .field("options", &self.options)
            .finish()
    }
}

impl InvoicePdfRequest {
    fn map_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        self.options = f(std::mem::take(&mut self.options));
        self
    }

    // Both requests (the retrieve and the download) get these settings.
    request_option_setters!();

    fn customise<T>(&self, request: Request<T>) -> Request<T> {
        request.options(&self.options)
    }

    /// Sends both requests and returns the PDF bytes.
    pub async fn send(self) -> Result<Bytes> {
        let link = self
            .client
            .invoices()
            .retrieve(&self.id, Some(InvoiceAction::Link));
        let detail = self.customise(link).send().await?;
        let url = detail
            .download_url
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| {
                Error::decode(format!(
                    "invoices.download_pdf: the API returned no download_url for invoice {:?}",
                    self.id
                ))
            })?;
        let download =
            Request::absolute_get(self.client.clone(), &url, "application/pdf", decode_pdf);
        self.customise(download).send().await
    }
}

impl IntoFuture for InvoicePdfRequest {
    type Output = Result<Bytes>;
    type IntoFuture = BoxFuture<Result<Bytes>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A PDF body: must start with `%PDF`.
fn decode_pdf(raw: &RawResponse) -> Result<Bytes> {
    if raw.body.starts_with(b"%PDF") {
        return Ok(raw.body.clone());
    }
    let content_type = raw
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    Err(Error::decode(format!(
        "the invoice download is not a PDF (it does not start with %PDF; content-type {content_type}, \
         {} bytes): {}",
        raw.body.len(),
        body_excerpt(&raw.body)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_rules() {
        let p = InvoiceListParams::default().sort(InvoiceSort::PeriodStartDesc);
        assert_eq!(p.to_query().unwrap().encode(), "sort=-period_start");
        let p = InvoiceListParams::default().page_number(3).page_size(250);
        assert_eq!(
            p.to_query().unwrap().encode(),
            "page%5Bnumber%5D=3&page%5Bsize%5D=250"
        );
        assert!(InvoiceListParams::default()
            .page_size(251)
            .to_query()
            .is_err());
        assert!(InvoiceListParams::default()
            .page_size(0)
            .to_query()
            .is_err());
        assert_eq!(
            "-period_start".parse::<InvoiceSort>().unwrap(),
            InvoiceSort::PeriodStartDesc
        );
    }

    #[test]
    fn decodes_spec_example() {
        let i: InvoiceDetail = serde_json::from_str(
            r#"{"download_url":"https://example.com/x.pdf","file_id":"454ea3b0-9eaa-4fa9-992e-6d9f31c0a37e",
            "invoice_id":"48eff763-ea80-4345-b688-78249eb165a8","paid":true,"period_end":"2023-11-30",
            "period_start":"2023-11-01","url":"https://api.telnyx.com:443/v2/invoices/48eff763"}"#,
        )
        .unwrap();
        assert_eq!(i.period_end, NaiveDate::from_ymd_opt(2023, 11, 30));
    }
}
