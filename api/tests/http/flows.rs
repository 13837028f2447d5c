//! Every endpoint through its happy path, on SQLite and on PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{spawn_again, spawn_app, spawn_on, spawn_with};
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

    app.stop().await.expect("graceful shutdown");
}

#[tokio::test]
async fn data_survives_a_restart_of_the_server() {
    let db = TestDb::sqlite().await;
    let settings = db.settings();
    let app = spawn_on(db).await;
    let token = app.register("durable").await;
    // A second server on the same database file sees everything the first accepted.
    let again = spawn_again(&settings).await;
    let reply = again.get("/api/user", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["user"]["username"], "durable");
    again.stop().await.expect("stopped");
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
