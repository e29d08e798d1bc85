//! `list_user_tags`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{Client, UserTagListParams};

use crate::answer::{Capped, MAX_ROWS};
use crate::error::ToolError;

/// `list_user_tags` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserTagsInput {
    /// Only tags starting with this text.
    #[serde(default)]
    pub starts_with: Option<String>,
}

/// The account's tags.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct UserTagsAnswer {
    /// Tags on phone numbers (at most 50).
    pub number_tags: Vec<String>,
    /// Tags on outbound voice profiles (at most 50).
    pub outbound_profile_tags: Vec<String>,
    /// How many number tags match in all.
    pub number_tags_total: u64,
    /// How many outbound profile tags match in all.
    pub outbound_profile_tags_total: u64,
    /// True when a list was cut to 50 (narrow it with starts_with).
    pub truncated: bool,
}

impl Capped for UserTagsAnswer {}

/// Tags in use on numbers and outbound profiles.
pub async fn list_user_tags(
    client: &Client,
    input: UserTagsInput,
) -> Result<UserTagsAnswer, ToolError> {
    let params = UserTagListParams {
        starts_with: input.starts_with.filter(|s| !s.is_empty()),
    };
    let tags = client.user_tags().list(params).await?;
    let cut = |mut v: Vec<String>| {
        let total = v.len() as u64;
        v.truncate(MAX_ROWS as usize);
        (v, total)
    };
    let (number_tags, number_tags_total) = cut(tags.number_tags);
    let (outbound_profile_tags, outbound_profile_tags_total) = cut(tags.outbound_profile_tags);
    Ok(UserTagsAnswer {
        truncated: number_tags_total > number_tags.len() as u64
            || outbound_profile_tags_total > outbound_profile_tags.len() as u64,
        number_tags,
        outbound_profile_tags,
        number_tags_total,
        outbound_profile_tags_total,
    })
}
