//! The OpenAPI document `api::openapi()` builds, and its operations.

use serde_json::Value;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub fn document() -> Value {
    serde_json::to_value(api::openapi()).expect("the document serializes")
}

/// `(method, path)` of every operation in the document.
pub fn operations(document: &Value) -> Vec<(String, String)> {
    let paths = document["paths"].as_object().expect("a paths object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter(|m| item.get(**m).is_some()).map(move |m| ((*m).to_owned(), path.clone()))
        })
        .collect()
}

/// Fails unless every `(method, path)` of `expected` is an operation of `document`.
#[track_caller]
pub fn assert_documented(document: &Value, expected: &[(&str, &str)]) {
    let documented = operations(document);
    for &(method, path) in expected {
        assert!(documented.contains(&(method.to_owned(), path.to_owned())), "{method} {path} is not documented");
    }
}
