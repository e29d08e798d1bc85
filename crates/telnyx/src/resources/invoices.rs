//! `GET /invoices` and `GET /invoices/{id}`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::shared::{check_page, invalid, param_enum, push_page};
use crate::pagination::ListRequest;
use crate::query::{encode_path_segment, Query};
use crate::request::Request;
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

/// Sort and page options for [`InvoicesApi::list`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceListParams {
    /// Sort order (`sort`).
    pub sort: Option<InvoiceSort>,
    /// First page to load, 1-based (`page[number]`).
    pub page_number: Option<u32>,
    /// Items per page, 1 to 250 (`page[size]`).
    pub page_size: Option<u32>,
}

impl InvoiceListParams {
    /// Sets `sort`.
    pub fn sort(mut self, value: InvoiceSort) -> Self {
        self.sort = Some(value);
        self
    }
    /// Sets `page_number`.
    pub fn page_number(mut self, value: u32) -> Self {
        self.page_number = Some(value);
        self
    }
    /// Sets `page_size`.
    pub fn page_size(mut self, value: u32) -> Self {
        self.page_size = Some(value);
        self
    }

    pub(crate) fn to_query(&self) -> Result<Query, String> {
        check_page(
            "invoices.list",
            self.page_number,
            self.page_size,
            Some(MAX_INVOICES_PAGE_SIZE),
        )?;
        let query = Query::new().push_opt("sort", self.sort.map(|s| s.as_str()));
        Ok(push_page(query, self.page_number, self.page_size))
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
        match params.to_query() {
            Ok(query) => ListRequest::new(self.client.clone(), "/invoices", query),
            Err(message) => ListRequest::invalid(self.client.clone(), invalid(message)),
        }
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
        if id.is_empty() {
            return Request::invalid(
                self.client.clone(),
                invalid("invoices.retrieve: the invoice id must not be empty"),
            );
        }
        let path = format!("/invoices/{}", encode_path_segment(id));
        let query = Query::new().push_opt("action", action.map(|a| a.as_str()));
        Request::new(self.client.clone(), http::Method::GET, path, query)
    }
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
