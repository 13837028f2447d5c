//! The example's routes in `/metrics`: labelled by route template, never by path value,
//! and its queries counted per table.

use reqwest::StatusCode;

use crate::app::spawn_app;
use crate::publish::Publish;

#[tokio::test]
async fn article_routes_are_labelled_by_template_and_their_queries_by_table() {
    let app = spawn_app().await;
    let token = app.register("metrics-user").await;
    let slug = app.publish(&token, "Counted", &[]).await;
    assert_eq!(app.get(&format!("/api/articles/{slug}"), None).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/articles/no-such-article", None).await.status, StatusCode::NOT_FOUND);
    // A list counts its rows (`select_articles`).
    assert_eq!(app.get("/api/articles", None).await.status, StatusCode::OK);

    let reply = app.get("/metrics", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = &reply.text;
    for expected in [
        r#"http_request_duration_seconds_bucket{method="GET",route="/api/articles/{slug}",status="200",le="#,
        r#"http_request_duration_seconds_count{method="GET",route="/api/articles/{slug}",status="404"}"#,
        r#"db_query_duration_seconds_count{operation="insert_articles"}"#,
        r#"db_query_duration_seconds_count{operation="select_articles"}"#,
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains(&slug), "path parameters never become labels");
    assert!(!text.contains("no-such-article"));
}
