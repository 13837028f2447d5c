//! Tokens and password changes: a new password retires every token issued before it
//! except the one the change was made with (that session stays signed in), while tokens
//! of older releases (no `ver` or `jti` claim) keep working until then.

use infrastructure::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{TestApp, spawn_on};

#[tokio::test]
async fn a_password_change_signs_out_every_other_session_on_sqlite() {
    a_password_change_signs_out_every_other_session(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_password_change_signs_out_every_other_session_on_postgres() {
    a_password_change_signs_out_every_other_session(TestDb::postgres().await).await;
}

#[tokio::test]
async fn a_token_without_a_version_claim_is_version_0_on_sqlite() {
    a_token_without_a_version_claim_is_version_0(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_token_without_a_version_claim_is_version_0_on_postgres() {
    a_token_without_a_version_claim_is_version_0(TestDb::postgres().await).await;
}

async fn change_password(app: &TestApp, token: &str, password: &str) -> String {
    let body = json!({"user": {"password": password}});
    let reply = app.send(Method::PUT, "/api/user", Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["user"]["token"].as_str().expect("token").to_owned()
}

async fn status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/user", Some(token)).await.status
}

async fn a_password_change_signs_out_every_other_session(db: TestDb) {
    let app = spawn_on(db).await;
    let t1 = app.register("jake").await;
    let t1b = app.login_token("jake", "password123").await;
    assert_ne!(t1, t1b, "a second login is a second session");

    // Only the bio: the token stays valid and is echoed back.
    let bio = json!({"user": {"bio": "I like dogs"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&t1), Some(bio)).await;
    assert_eq!((reply.status, reply.json["user"]["token"].as_str()), (StatusCode::OK, Some(t1.as_str())));
    assert_eq!(status(&app, &t1b).await, StatusCode::OK);

    // Session A changes the password: A stays signed in, B is signed out.
    let t2 = change_password(&app, &t1, "a-new-password").await;
    assert_ne!(t2, t1, "a password change hands out a token of the new version");
    assert_eq!(status(&app, &t1).await, StatusCode::OK, "the session that made the change stays");
    let message = app.get("/api/user", Some(&t1b)).await.assert_error(StatusCode::UNAUTHORIZED, "token").to_owned();
    assert_eq!(message, "is invalid");
    // Refused everywhere a token is read (where it is optional too: a feature with
    // optional-auth routes checks them in its own tests).
    app.send(Method::PUT, "/api/user", Some(&t1b), Some(json!({"user": {"bio": "x"}})))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "token");
    let reply = app.get("/api/user", Some(&t2)).await;
    assert_eq!((reply.status, reply.json["user"]["bio"].as_str()), (StatusCode::OK, Some("I like dogs")));

    // A change made with t2 (another token) retires t1: only the latest changer is kept.
    let t3 = change_password(&app, &t2, "a-third-password").await;
    app.get("/api/user", Some(&t1)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    assert_eq!((status(&app, &t2).await, status(&app, &t3).await), (StatusCode::OK, StatusCode::OK));

    // The same token changes the password twice (as the RealWorld suite does): still
    // signed in, while the token the first change handed out is retired.
    let t4 = change_password(&app, &t2, "a-fourth-password").await;
    assert_eq!((status(&app, &t2).await, status(&app, &t4).await), (StatusCode::OK, StatusCode::OK));
    app.get("/api/user", Some(&t3)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    let t5 = app.login_token("jake", "a-fourth-password").await;
    assert_eq!(status(&app, &t5).await, StatusCode::OK);
}

async fn a_token_without_a_version_claim_is_version_0(db: TestDb) {
    let app = spawn_on(db).await;
    let old = app.without_version(&app.register("jake").await);
    let reply = app.get("/api/user", Some(&old)).await;
    assert_eq!(
        (reply.status, reply.json["user"]["username"].as_str()),
        (StatusCode::OK, Some("jake")),
        "{}",
        reply.text
    );

    // Until the password changes: then it is version 1's turn. Without an id it cannot
    // be the kept session, so even the token the change was made with is retired.
    let fresh = change_password(&app, &old, "a-new-password").await;
    app.get("/api/user", Some(&old)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    assert_eq!(app.get("/api/user", Some(&fresh)).await.status, StatusCode::OK);
}
