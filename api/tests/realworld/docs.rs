//! The RealWorld example's part of the OpenAPI document: every operation of the spec
//! (endpoints.md) is documented, with its optional authentication and its schemas.

use serde_json::json;

use crate::app::openapi::{assert_documented, document};

/// The spec's operations beyond the accounts' (those are checked in `tests/http/docs.rs`).
const EXAMPLE: &[(&str, &str)] = &[
    ("get", "/api/profiles/{username}"),
    ("post", "/api/profiles/{username}/follow"),
    ("delete", "/api/profiles/{username}/follow"),
    ("get", "/api/articles"),
    ("get", "/api/articles/feed"),
    ("get", "/api/articles/{slug}"),
    ("post", "/api/articles"),
    ("put", "/api/articles/{slug}"),
    ("delete", "/api/articles/{slug}"),
    ("post", "/api/articles/{slug}/comments"),
    ("get", "/api/articles/{slug}/comments"),
    ("delete", "/api/articles/{slug}/comments/{id}"),
    ("post", "/api/articles/{slug}/favorite"),
    ("delete", "/api/articles/{slug}/favorite"),
    ("get", "/api/tags"),
];

#[test]
fn every_operation_of_the_example_is_documented() {
    assert_documented(&document(), EXAMPLE);
}

#[test]
fn optional_auth_endpoints_also_allow_anonymous_calls() {
    let document = document();
    assert_eq!(document["paths"]["/api/articles"]["get"]["security"], json!([{}, {"Token": []}]));
}

#[test]
fn list_articles_have_an_optional_body() {
    let document = document();
    let article_required =
        document["components"]["schemas"]["Article"]["required"].as_array().cloned().unwrap_or_default();
    assert!(!article_required.contains(&json!("body")), "{article_required:?}");
    assert!(article_required.contains(&json!("tagList")));
}

#[test]
fn the_example_brings_its_own_tags() {
    let document = document();
    let tags: Vec<&str> =
        document["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    for tag in ["users", "health", "profiles", "articles", "comments", "tags", "reports"] {
        assert!(tags.contains(&tag), "{tag} missing from {tags:?}");
    }
}

#[test]
fn the_report_endpoints_are_documented() {
    let document = document();
    for path in ["/api/reports", "/api/reports/{id}", "/api/reports/{id}/download"] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
}
