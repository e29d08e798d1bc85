//! `GET /user_tags`: the tags in use on the account.

use serde::{Deserialize, Serialize};

use super::shared::query_params;
use crate::query::Query;
use crate::request::{get, Request};
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

query_params! {
    /// Options for [`UserTagsApi::list`]. The default sends no query.
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct UserTagListParams {
        /// Only tags starting with this prefix (`filter[starts_with]`).
        opt_into starts_with: String = "filter[starts_with]",
    }
}

impl UserTagListParams {
    pub(crate) fn to_query(&self) -> Query {
        self.query_pairs()
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
        get(self.client, "/user_tags", Ok(params.to_query()))
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
