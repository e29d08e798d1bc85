//! User tags, filtered by a case-insensitive prefix.

use serde_json::{json, Value};

use crate::model::AccountData;

/// The typed input of `GET /user_tags`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserTagFilter {
    /// `filter[starts_with]` (empty matches every tag).
    pub starts_with: String,
}

fn starts_with(tag: &str, prefix: &str) -> bool {
    tag.to_lowercase().starts_with(&prefix.to_lowercase())
}

/// The tags object.
pub fn list(d: &AccountData, f: &UserTagFilter) -> Value {
    let pick = |v: &[String]| {
        v.iter()
            .filter(|t| starts_with(t, &f.starts_with))
            .cloned()
            .collect::<Vec<_>>()
    };
    json!({
        "number_tags": pick(&d.number_tags),
        "outbound_profile_tags": pick(&d.outbound_profile_tags),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_case_insensitive() {
        let d = crate::seed::test_account();
        let v = list(
            &d,
            &UserTagFilter {
                starts_with: "MY-".into(),
            },
        );
        assert_eq!(v["number_tags"], json!(["my-tag", "my-tag-2"]));
        assert_eq!(v["outbound_profile_tags"], json!(["my-tag"]));
    }
}
