//! `GET /user_tags`: the tags in use on the account.

use serde::{Deserialize, Serialize};

use crate::query::Query;
use crate::request::Request;
use crate::Client;

/// The account's tags.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct UserTags {
    /// Tags used on phone numbers.
    #[serde(default)]
    pub number_tags: Vec<String>,
    /// Tags used on outbound voice profiles.
    #[serde(default)]
    pub outbound_profile_tags: Vec<String>,
}

/// Options for [`UserTagsApi::list`]. The default sends no query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserTagListParams {
    /// Only tags starting with this prefix (`filter[starts_with]`).
    pub starts_with: Option<String>,
}

impl UserTagListParams {
    /// Sets `starts_with`.
    pub fn starts_with(mut self, value: impl Into<String>) -> Self {
        self.starts_with = Some(value.into());
        self
    }

    pub(crate) fn to_query(&self) -> Query {
        Query::new().push_opt("filter[starts_with]", self.starts_with.clone())
    }
}

/// The user tags endpoint: `client.user_tags()`.
#[derive(Debug, Clone, Copy)]
pub struct UserTagsApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The user tags endpoint.
    pub fn user_tags(&self) -> UserTagsApi<'_> {
        UserTagsApi { client: self }
    }
}

impl UserTagsApi<'_> {
    /// `GET /user_tags`: number and outbound profile tags, optionally by prefix.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// let client = telnyx::Client::from_env()?;
    /// let tags = client.user_tags().list(telnyx::UserTagListParams::default().starts_with("my-")).await?;
    /// println!("{:?}", tags.number_tags);
    /// # Ok(()) }
    /// ```
    pub fn list(&self, params: UserTagListParams) -> Request<UserTags> {
        Request::new(
            self.client.clone(),
            http::Method::GET,
            "/user_tags",
            params.to_query(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        assert_eq!(UserTagListParams::default().to_query().encode(), "");
        assert_eq!(
            UserTagListParams::default()
                .starts_with("a b+c&d=é")
                .to_query()
                .encode(),
            "filter%5Bstarts_with%5D=a%20b%2Bc%26d%3D%C3%A9"
        );
        let t: UserTags = serde_json::from_str(r#"{"number_tags":["a"]}"#).unwrap();
        assert!(t.outbound_profile_tags.is_empty());
    }
}
