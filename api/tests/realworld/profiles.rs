//! Profiles and follows (the RealWorld example).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::spawn_app;

#[tokio::test]
async fn profiles_show_following_for_the_viewer() {
    let app = spawn_app().await;
    let token = app.register("fan").await;
    app.register("celeb").await;
    let anonymous = app.get("/api/profiles/celeb", None).await;
    assert_eq!(
        anonymous.json,
        json!({"profile": {"username": "celeb", "bio": null, "image": null, "following": false}})
    );
    let followed = app.send(Method::POST, "/api/profiles/celeb/follow", Some(&token), None).await;
    assert_eq!(followed.status, StatusCode::OK, "{}", followed.text);
    assert_eq!(followed.json["profile"]["following"], true);
    assert_eq!(app.get("/api/profiles/celeb", Some(&token)).await.json["profile"]["following"], true);
    let unfollowed = app.send(Method::DELETE, "/api/profiles/celeb/follow", Some(&token), None).await;
    assert_eq!(unfollowed.json["profile"]["following"], false);
}

#[tokio::test]
async fn unknown_profiles_are_a_404() {
    let app = spawn_app().await;
    let token = app.register("fan").await;
    app.get("/api/profiles/nobody", None).await.assert_error_is(StatusCode::NOT_FOUND, "profile", "not found");
    for method in [Method::POST, Method::DELETE] {
        app.send(method, "/api/profiles/nobody/follow", Some(&token), None).await.assert_error_is(
            StatusCode::NOT_FOUND,
            "profile",
            "not found",
        );
    }
}
