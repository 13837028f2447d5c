//! Every endpoint through its happy path, on SQLite and on PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{spawn_app, spawn_on, spawn_with};
use infrastructure::testing::TestDb;

#[tokio::test]
async fn full_flow_on_sqlite() {
    full_flow(spawn_on(TestDb::sqlite().await).await).await;
}

#[tokio::test]
async fn full_flow_on_postgres() {
    full_flow(spawn_on(TestDb::postgres().await).await).await;
}

async fn full_flow(app: crate::app::TestApp) {
    // Users: register, login, current user, update.
    let jake = app.register("jake").await;
    let login = json!({"user": {"email": "JAKE@example.com", "password": "password123"}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["user"]["username"], "jake");
    let reply = app.get("/api/user", Some(&jake)).await;
    assert_eq!(
        (reply.json["user"]["email"].as_str(), reply.json["user"]["bio"].is_null()),
        (Some("jake@example.com"), true)
    );
    let update = json!({"user": {"bio": "I like dogs", "image": "https://example.com/jake.png"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&jake), Some(update)).await;
    assert_eq!(reply.json["user"]["bio"], "I like dogs", "{}", reply.text);
    assert_eq!(reply.json["user"]["token"], jake.as_str());

    //{% if realworld %} The RealWorld example: profiles and follows.
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

    //{% endif %} The server shuts down cleanly afterwards.
    app.stop().await.expect("graceful shutdown");
}

#[tokio::test]
async fn data_survives_a_restart_of_the_server() {
    let db = TestDb::sqlite().await;
    let settings = db.settings();
    let app = spawn_on(db).await;
    let token = app.register("durable").await;
    //{% if realworld %} The RealWorld example's data survives too.
    app.publish(&token, "Kept", &["kept"]).await;
    //{% endif %} A second server on the same database file sees everything the first accepted.
    let again = api::startup::Application::build(&settings).await.expect("rebuilt");
    let addr = again.local_addr().expect("addr");
    let server = tokio::spawn(again.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::new();
    let reply = client.get(format!("http://{addr}/api/user")).header("Authorization", format!("Token {token}"));
    let reply = reply.send().await.expect("sent");
    assert_eq!(reply.status(), StatusCode::OK);
    let user: serde_json::Value = reply.json().await.expect("json");
    assert_eq!(user["user"]["username"], "durable");
    //{% if realworld %} The RealWorld example's data survives too.
    let reply = reqwest::get(format!("http://{addr}/api/articles/kept")).await.expect("sent");
    assert_eq!(reply.status(), StatusCode::OK);
    //{% endif %} The second server is not needed any more.
    server.abort();
    app.stop().await.expect("stopped");
}

#[tokio::test]
async fn shutdown_stops_accepting_and_ends_cleanly() {
    let app = spawn_app().await;
    let base = app.base.clone();
    assert_eq!(app.get("/health", None).await.status, StatusCode::OK);
    app.stop().await.expect("graceful shutdown returns Ok");
    assert!(reqwest::get(format!("{base}/health")).await.is_err(), "server no longer accepts connections");
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish() {
    let db = TestDb::sqlite().await;
    let mut settings = db.settings();
    // Make registration slow (password hashing) so it is surely in flight at shutdown.
    settings.auth.argon2_memory_kib = 19_456;
    settings.auth.argon2_iterations = 100;
    let app = spawn_with(db, &settings).await;
    let client = app.client.clone();
    let url = format!("{}/api/users", app.base);
    let body = json!({"user": {"username": "late", "email": "late@example.com", "password": "password123"}});
    let in_flight = tokio::spawn(async move { client.post(url).json(&body).send().await });
    // Long enough for the request to reach the server, far shorter than the hashing.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!in_flight.is_finished(), "the request must still be running when shutdown starts");
    app.stop().await.expect("graceful shutdown waits for the request and returns Ok");
    let response = in_flight.await.expect("joined").expect("the in-flight request got its answer");
    assert_eq!(response.status(), StatusCode::CREATED);
}
