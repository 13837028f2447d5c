//! Publishing an article through the API: the RealWorld example's helper, next to its
//! tests so that it goes with them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::TestApp;

pub(crate) trait Publish {
    /// Publishes an article and returns its slug.
    async fn publish(&self, token: &str, title: &str, tags: &[&str]) -> String;
}

impl Publish for TestApp {
    async fn publish(&self, token: &str, title: &str, tags: &[&str]) -> String {
        let body = json!({"article": {"title": title, "description": "about it", "body": "the body", "tagList": tags}});
        let reply = self.send(Method::POST, "/api/articles", Some(token), Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json["article"]["slug"].as_str().expect("slug").to_owned()
    }
}
