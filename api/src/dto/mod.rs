//! What every feature's request bodies share. The bodies themselves live with their
//! feature (`crate::accounts::dto`, ...), with their OpenAPI schemas.
//!
//! Requests take every field as optional text so that a missing field is reported by the
//! domain rules ("can't be blank", 422) instead of a serde error; update requests tell
//! an absent field from an explicit `null` (see [`present`]).

use serde::{Deserialize, Deserializer};

/// Deserializes a field that is present in the input, `null` included, as `Some(..)`.
///
/// With `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>`
/// field, an absent field stays `None` (leave unchanged), `null` becomes `Some(None)`
/// (clear, or refuse for required fields) and a value becomes `Some(Some(v))`. Plain
/// serde maps both absent and `null` to `None`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "present")]
        bio: Option<Option<String>>,
    }

    fn parse(json: &str) -> Option<Option<String>> {
        serde_json::from_str::<Patch>(json).expect("valid JSON").bio
    }

    #[test]
    fn present_tells_absent_from_null_from_a_value() {
        assert_eq!(parse("{}"), None);
        assert_eq!(parse(r#"{"bio": null}"#), Some(None));
        assert_eq!(parse(r#"{"bio": "hi"}"#), Some(Some("hi".to_owned())));
    }
}
