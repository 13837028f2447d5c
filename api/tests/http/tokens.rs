//! Tokens and password changes: a new password retires every token issued before it,
//! while tokens of older releases (no `ver` claim) keep working until then.

use infrastructure::testing::TestDb;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{TestApp, spawn_with};

#[tokio::test]
async fn a_password_change_retires_older_tokens_on_sqlite() {
    a_password_change_retires_older_tokens(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_password_change_retires_older_tokens_on_postgres() {
    a_password_change_retires_older_tokens(TestDb::postgres().await).await;
}

#[tokio::test]
async fn a_token_without_a_version_claim_is_version_0_on_sqlite() {
    a_token_without_a_version_claim_is_version_0(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_token_without_a_version_claim_is_version_0_on_postgres() {
    a_token_without_a_version_claim_is_version_0(TestDb::postgres().await).await;
}

async fn spawn(db: TestDb) -> (TestApp, String) {
    let settings = db.settings();
    let secret = settings.auth.jwt_secret.clone();
    (spawn_with(db, &settings).await, secret)
}

async fn change_password(app: &TestApp, token: &str, password: &str) -> String {
    let body = json!({"user": {"password": password}});
    let reply = app.send(Method::PUT, "/api/user", Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["user"]["token"].as_str().expect("token").to_owned()
}

async fn a_password_change_retires_older_tokens(db: TestDb) {
    let (app, _) = spawn(db).await;
    let t1 = app.register("jake").await;

    // Only the bio: the token stays valid and is echoed back.
    let bio = json!({"user": {"bio": "I like dogs"}});
    let reply = app.send(Method::PUT, "/api/user", Some(&t1), Some(bio)).await;
    assert_eq!((reply.status, reply.json["user"]["token"].as_str()), (StatusCode::OK, Some(t1.as_str())));
    assert_eq!(app.get("/api/user", Some(&t1)).await.status, StatusCode::OK);

    let t2 = change_password(&app, &t1, "a-new-password").await;
    assert_ne!(t2, t1, "a password change hands out a new token");
    let message = app.get("/api/user", Some(&t1)).await.assert_error(StatusCode::UNAUTHORIZED, "token").to_owned();
    assert_eq!(message, "is invalid");
    // Refused everywhere a token is read, also where it is optional.
    app.send(Method::PUT, "/api/user", Some(&t1), Some(json!({"user": {"bio": "x"}})))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "token");
    let reply = app.get("/api/user", Some(&t2)).await;
    assert_eq!((reply.status, reply.json["user"]["bio"].as_str()), (StatusCode::OK, Some("I like dogs")));

    // A second change retires the second token as well; logging in gives a current one.
    let t3 = change_password(&app, &t2, "a-third-password").await;
    app.get("/api/user", Some(&t2)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    assert_eq!(app.get("/api/user", Some(&t3)).await.status, StatusCode::OK);
    let login = json!({"user": {"email": "jake@example.com", "password": "a-third-password"}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    let t4 = reply.json["user"]["token"].as_str().expect("token");
    assert_eq!(app.get("/api/user", Some(t4)).await.status, StatusCode::OK);
}

/// `token`'s claims re-signed with `secret` without the `ver` claim, as the release
/// before credential versions signed them.
fn without_version(token: &str, secret: &str) -> String {
    let key = DecodingKey::from_secret(secret.as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    let mut claims = jsonwebtoken::decode::<Value>(token, &key, &validation).expect("our own token").claims;
    assert!(claims.as_object_mut().expect("an object").remove("ver").is_some(), "tokens carry `ver`");
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("signed")
}

async fn a_token_without_a_version_claim_is_version_0(db: TestDb) {
    let (app, secret) = spawn(db).await;
    let old = without_version(&app.register("jake").await, &secret);
    let reply = app.get("/api/user", Some(&old)).await;
    assert_eq!(
        (reply.status, reply.json["user"]["username"].as_str()),
        (StatusCode::OK, Some("jake")),
        "{}",
        reply.text
    );

    // Until the password changes: then it is version 1's turn.
    let fresh = change_password(&app, &old, "a-new-password").await;
    app.get("/api/user", Some(&old)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    assert_eq!(app.get("/api/user", Some(&fresh)).await.status, StatusCode::OK);
}
