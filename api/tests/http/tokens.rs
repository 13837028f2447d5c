//! Tokens and password changes: a new password retires every token issued before it
//! except the one the change was made with (that session stays signed in), while tokens
//! of older releases (no `ver` or `jti` claim) keep working until then.

use infrastructure::testing::TestDb;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{TestApp, spawn_with};

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

async fn status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/user", Some(token)).await.status
}

async fn login(app: &TestApp, password: &str) -> String {
    let login = json!({"user": {"email": "jake@example.com", "password": password}});
    let reply = app.send(Method::POST, "/api/users/login", None, Some(login)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["user"]["token"].as_str().expect("token").to_owned()
}

async fn a_password_change_signs_out_every_other_session(db: TestDb) {
    let (app, _) = spawn(db).await;
    let t1 = app.register("jake").await;
    let t1b = login(&app, "password123").await;
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
    // Refused everywhere a token is read (where it is optional too: the example's
    // `realworld::flows` checks its article list).
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
    let t5 = login(&app, "a-fourth-password").await;
    assert_eq!(status(&app, &t5).await, StatusCode::OK);
}

/// `token`'s claims re-signed with `secret` without the `ver` and `jti` claims, as the
/// release before credential versions signed them.
fn without_version(token: &str, secret: &str) -> String {
    let key = DecodingKey::from_secret(secret.as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    let mut claims = jsonwebtoken::decode::<Value>(token, &key, &validation).expect("our own token").claims;
    let object = claims.as_object_mut().expect("an object");
    assert!(object.remove("ver").is_some(), "tokens carry `ver`");
    assert!(object.remove("jti").is_some(), "tokens carry `jti`");
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

    // Until the password changes: then it is version 1's turn. Without an id it cannot
    // be the kept session, so even the token the change was made with is retired.
    let fresh = change_password(&app, &old, "a-new-password").await;
    app.get("/api/user", Some(&old)).await.assert_error(StatusCode::UNAUTHORIZED, "token");
    assert_eq!(app.get("/api/user", Some(&fresh)).await.status, StatusCode::OK);
}
