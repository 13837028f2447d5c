//! Registration, login and the current user, following the Hurl suite.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::spawn_app;

#[tokio::test]
async fn registering_returns_201_and_the_user_with_null_bio_and_image() {
    let app = spawn_app().await;
    let body = json!({"user": {"username": "jake", "email": "jake@example.com", "password": "password123"}});
    let response = app.send(Method::POST, "/api/users", None, Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    let user = &response.json["user"];
    assert_eq!(user["username"], "jake");
    assert_eq!(user["email"], "jake@example.com");
    assert_eq!(user["bio"], Value::Null);
    assert_eq!(user["image"], Value::Null);
    assert!(user.as_object().is_some_and(|u| u.contains_key("bio") && u.contains_key("image")));
    assert!(user["token"].as_str().is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn registering_with_blank_missing_or_short_fields_is_a_422_per_field() {
    let app = spawn_app().await;
    for field in ["username", "email", "password"] {
        let mut user = json!({"username": "jake", "email": "jake@example.com", "password": "password123"});
        user[field] = json!("");
        let response = app.send(Method::POST, "/api/users", None, Some(json!({ "user": user }))).await;
        response.assert_error_is(StatusCode::UNPROCESSABLE_ENTITY, field, "can't be blank");
    }
    let response = app.send(Method::POST, "/api/users", None, Some(json!({"user": {}}))).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = response.json["errors"].clone();
    for field in ["username", "email", "password"] {
        assert_eq!(errors[field], json!(["can't be blank"]), "{field}: {errors}");
    }
    let short = json!({"user": {"username": "a", "email": "a@b.c", "password": "short"}});
    let reply = app.send(Method::POST, "/api/users", None, Some(short)).await;
    assert!(
        reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "password").contains("minimum is 8"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_taken_username_or_email_is_a_409() {
    let app = spawn_app().await;
    app.register("jake").await;
    let same_name = json!({"user": {"username": "jake", "email": "other@example.com", "password": "password123"}});
    app.send(Method::POST, "/api/users", None, Some(same_name)).await.assert_error_is(
        StatusCode::CONFLICT,
        "username",
        "has already been taken",
    );
    let same_email = json!({"user": {"username": "other", "email": "jake@example.com", "password": "password123"}});
    app.send(Method::POST, "/api/users", None, Some(same_email)).await.assert_error_is(
        StatusCode::CONFLICT,
        "email",
        "has already been taken",
    );
}

#[tokio::test]
async fn login_checks_the_account_the_password_and_blank_fields() {
    let app = spawn_app().await;
    app.register("jake").await;
    let ok = json!({"user": {"email": "jake@example.com", "password": "password123"}});
    let response = app.send(Method::POST, "/api/users/login", None, Some(ok)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.json["user"]["username"], "jake");
    let wrong = json!({"user": {"email": "jake@example.com", "password": "wrongpassword"}});
    app.send(Method::POST, "/api/users/login", None, Some(wrong)).await.assert_error_is(
        StatusCode::UNAUTHORIZED,
        "credentials",
        "invalid",
    );
    let unknown = json!({"user": {"email": "nobody@example.com", "password": "password123"}});
    app.send(Method::POST, "/api/users/login", None, Some(unknown)).await.assert_error_is(
        StatusCode::UNAUTHORIZED,
        "credentials",
        "invalid",
    );
    let blank = json!({"user": {"email": "", "password": "password123"}});
    app.send(Method::POST, "/api/users/login", None, Some(blank)).await.assert_error_is(
        StatusCode::UNPROCESSABLE_ENTITY,
        "email",
        "can't be blank",
    );
    let blank = json!({"user": {"email": "jake@example.com", "password": ""}});
    app.send(Method::POST, "/api/users/login", None, Some(blank)).await.assert_error_is(
        StatusCode::UNPROCESSABLE_ENTITY,
        "password",
        "can't be blank",
    );
}

#[tokio::test]
async fn the_current_user_comes_with_the_presented_token() {
    let app = spawn_app().await;
    let token = app.register("jake").await;
    let response = app.get("/api/user", Some(&token)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.json["user"]["token"], token.as_str());
    assert_eq!(response.json["user"]["email"], "jake@example.com");
}

#[tokio::test]
async fn update_distinguishes_absent_null_and_empty_for_bio_and_image() {
    let app = spawn_app().await;
    let token = app.register("jake").await;
    let set = app.update_user(&token, json!({"bio": "Updated bio", "image": "https://example.com/a.jpg"})).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(set.json["user"]["bio"], "Updated bio");
    assert_eq!(set.json["user"]["token"], token.as_str());

    // Absent: unchanged.
    let untouched = app.update_user(&token, json!({"email": "jake2@example.com"})).await;
    assert_eq!(untouched.json["user"]["bio"], "Updated bio");
    assert_eq!(untouched.json["user"]["email"], "jake2@example.com");

    // Null clears; so does the empty string.
    let cleared = app.update_user(&token, json!({"bio": null, "image": ""})).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_eq!(cleared.json["user"]["bio"], Value::Null);
    assert_eq!(cleared.json["user"]["image"], Value::Null);
    let persisted = app.get("/api/user", Some(&token)).await;
    assert_eq!(persisted.json["user"]["bio"], Value::Null);
    assert_eq!(persisted.json["user"]["image"], Value::Null);
}

#[tokio::test]
async fn update_refuses_null_or_empty_required_fields_and_short_passwords() {
    let app = spawn_app().await;
    let token = app.register("jake").await;
    for user in [
        json!({"email": null}),
        json!({"email": ""}),
        json!({"username": null}),
        json!({"username": ""}),
        json!({"password": null}),
        json!({"password": ""}),
        json!({"password": "short7c"}),
    ] {
        let response = app.update_user(&token, user.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{user}: {}", response.text);
        let field = user.as_object().and_then(|u| u.keys().next().cloned()).unwrap_or_default();
        assert!(response.json["errors"][&field].is_array(), "{user}: {}", response.text);
    }
    assert_eq!(app.update_user(&token, json!({"password": "bonjour1"})).await.status, StatusCode::OK);
    // The token a password change was made with stays valid (as the RealWorld suite expects).
    assert_eq!(app.update_user(&token, json!({"password": "a".repeat(64)})).await.status, StatusCode::OK);
}

#[tokio::test]
async fn renaming_to_a_taken_username_is_a_409() {
    let app = spawn_app().await;
    app.register("taken").await;
    let token = app.register("jake").await;
    app.update_user(&token, json!({"username": "taken"})).await.assert_error_is(
        StatusCode::CONFLICT,
        "username",
        "has already been taken",
    );
}
