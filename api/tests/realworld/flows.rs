//! The RealWorld example's endpoints through their happy path, on SQLite and on
//! PostgreSQL, and its data across a restart.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{TestApp, spawn_again, spawn_on};
use crate::publish::Publish;
use infrastructure::testing::TestDb;

#[tokio::test]
async fn full_flow_on_sqlite() {
    full_flow(spawn_on(TestDb::sqlite().await).await).await;
}

#[tokio::test]
async fn full_flow_on_postgres() {
    full_flow(spawn_on(TestDb::postgres().await).await).await;
}

async fn full_flow(app: TestApp) {
    // Profiles and follows (jake's bio shows up on his comments below).
    let jake = app.register("jake").await;
    let bio = json!({"user": {"bio": "I like dogs"}});
    assert_eq!(app.send(Method::PUT, "/api/user", Some(&jake), Some(bio)).await.status, StatusCode::OK);
    let celeb = app.register("celeb").await;
    let reply = app.send(Method::POST, "/api/profiles/celeb/follow", Some(&jake), None).await;
    assert_eq!(reply.json["profile"]["following"], true, "{}", reply.text);
    assert_eq!(app.get("/api/profiles/celeb", Some(&jake)).await.json["profile"]["following"], true);
    assert_eq!(app.get("/api/profiles/celeb", None).await.json["profile"]["following"], false);

    // Articles: create, read, list, feed, update, favorite.
    let first = app.publish(&celeb, "Dragons", &["dragons", "training"]).await;
    let second = app.publish(&celeb, "Dragons", &["dragons"]).await;
    assert_ne!(first, second, "equal titles get distinct slugs");
    let reply = app.get(&format!("/api/articles/{first}"), Some(&jake)).await;
    assert_eq!(reply.json["article"]["tagList"], json!(["dragons", "training"]), "{}", reply.text);
    assert_eq!(reply.json["article"]["author"]["following"], true);
    assert_eq!(reply.json["article"]["body"], "the body");

    let reply = app.get("/api/articles?tag=dragons&limit=1", None).await;
    assert_eq!(reply.json["articlesCount"], 2, "{}", reply.text);
    assert_eq!(reply.json["articles"].as_array().map(Vec::len), Some(1));
    assert_eq!(reply.json["articles"][0]["slug"], second.as_str(), "most recent first");
    assert!(reply.json["articles"][0].get("body").is_none(), "lists leave out the body");
    let reply = app.get("/api/articles/feed", Some(&jake)).await;
    assert_eq!(reply.json["articlesCount"], 2, "{}", reply.text);

    let edit = json!({"article": {"title": "Tamed dragons", "tagList": []}});
    let reply = app.send(Method::PUT, &format!("/api/articles/{first}"), Some(&celeb), Some(edit)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let renamed = reply.json["article"]["slug"].as_str().expect("slug").to_owned();
    assert_eq!(renamed, "tamed-dragons");
    assert_eq!(reply.json["article"]["tagList"], json!([]));
    assert_eq!(app.get(&format!("/api/articles/{first}"), None).await.status, StatusCode::NOT_FOUND);

    let reply = app.send(Method::POST, &format!("/api/articles/{renamed}/favorite"), Some(&jake), None).await;
    assert_eq!(
        (reply.json["article"]["favorited"].as_bool(), reply.json["article"]["favoritesCount"].as_u64()),
        (Some(true), Some(1))
    );
    let reply = app.get("/api/articles?favorited=jake", None).await;
    assert_eq!(reply.json["articles"][0]["slug"], renamed.as_str(), "{}", reply.text);
    let reply = app.send(Method::DELETE, &format!("/api/articles/{renamed}/favorite"), Some(&jake), None).await;
    assert_eq!(reply.json["article"]["favoritesCount"], 0);

    // Comments.
    let comment = json!({"comment": {"body": "Nice dragons"}});
    let reply = app.send(Method::POST, &format!("/api/articles/{renamed}/comments"), Some(&jake), Some(comment)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let id = reply.json["comment"]["id"].as_i64().expect("integer id");
    let reply = app.get(&format!("/api/articles/{renamed}/comments"), None).await;
    assert_eq!(reply.json["comments"][0]["body"], "Nice dragons", "{}", reply.text);
    assert_eq!(reply.json["comments"][0]["author"]["bio"], "I like dogs");
    let reply = app.send(Method::DELETE, &format!("/api/articles/{renamed}/comments/{id}"), Some(&jake), None).await;
    assert_eq!((reply.status, reply.text.as_str()), (StatusCode::NO_CONTENT, ""));

    // Tags, then deletion and unfollow.
    let reply = app.get("/api/tags", None).await;
    assert_eq!(reply.json["tags"], json!(["dragons"]), "{}", reply.text);
    let reply = app.send(Method::DELETE, &format!("/api/articles/{renamed}"), Some(&celeb), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = app.send(Method::DELETE, "/api/profiles/celeb/follow", Some(&jake), None).await;
    assert_eq!(reply.json["profile"]["following"], false);
    assert_eq!(app.get("/api/articles/feed", Some(&jake)).await.json["articlesCount"], 0);
    app.stop().await.expect("graceful shutdown");
}

#[tokio::test]
async fn articles_survive_a_restart_of_the_server() {
    let db = TestDb::sqlite().await;
    let settings = db.settings();
    let app = spawn_on(db).await;
    let token = app.register("durable").await;
    app.publish(&token, "Kept", &["kept"]).await;
    // A second server on the same database file sees everything the first accepted.
    let again = spawn_again(&settings).await;
    assert_eq!(again.get("/api/articles/kept", None).await.status, StatusCode::OK);
    again.stop().await.expect("stopped");
    app.stop().await.expect("stopped");
}

/// A token retired by a password change made in another session is refused where a
/// token is optional too: it is not silently read as anonymous.
async fn a_retired_token_is_refused_where_auth_is_optional(app: TestApp) {
    let first = app.register("rotating").await;
    let login = json!({"user": {"email": "rotating@example.com", "password": "password123"}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let other = reply.json["user"]["token"].as_str().expect("token").to_owned();
    assert_eq!(app.get("/api/articles", Some(&other)).await.status, StatusCode::OK);
    let change = json!({"user": {"password": "a-new-password"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&first), Some(change)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    app.get("/api/articles", Some(&other)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    assert_eq!(app.get("/api/articles", Some(&first)).await.status, StatusCode::OK, "the changing session stays");
}

#[tokio::test]
async fn a_retired_token_is_refused_where_auth_is_optional_on_sqlite() {
    a_retired_token_is_refused_where_auth_is_optional(spawn_on(TestDb::sqlite().await).await).await;
}

#[tokio::test]
async fn a_retired_token_is_refused_where_auth_is_optional_on_postgres() {
    a_retired_token_is_refused_where_auth_is_optional(spawn_on(TestDb::postgres().await).await).await;
}
