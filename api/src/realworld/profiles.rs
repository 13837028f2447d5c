//! Public profiles and following.

use application::realworld::RealWorld;
use axum::Json;
use axum::extract::State;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, AuthUser, MaybeAuthUser};
use crate::realworld::dto::ProfileResponse;

/// A user's public profile; `following` is computed for the caller, if signed in.
#[utoipa::path(
    get,
    path = "/api/profiles/{username}",
    tag = "profiles",
    params(("username" = String, Path, description = "Username of the profile")),
    security((), ("Token" = [])),
    responses(
        (status = 200, description = "The profile", body = ProfileResponse),
        (status = 401, description = "Invalid token", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    )
)]
pub async fn get_profile(
    State(realworld): State<RealWorld>,
    viewer: MaybeAuthUser,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let profile = realworld.profiles.get(&username, viewer.id()).await?;
    Ok(Json(profile.into()))
}

/// Follow a user (idempotent).
#[utoipa::path(
    post,
    path = "/api/profiles/{username}/follow",
    tag = "profiles",
    params(("username" = String, Path, description = "Username to follow")),
    security(("Token" = [])),
    responses(
        (status = 200, description = "The followed profile", body = ProfileResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "Following oneself", body = ErrorBody),
    )
)]
pub async fn follow(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let profile = realworld.profiles.follow(auth.id, &username).await?;
    Ok(Json(profile.into()))
}

/// Stop following a user (idempotent).
#[utoipa::path(
    delete,
    path = "/api/profiles/{username}/follow",
    tag = "profiles",
    params(("username" = String, Path, description = "Username to unfollow")),
    security(("Token" = [])),
    responses(
        (status = 200, description = "The unfollowed profile", body = ProfileResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    )
)]
pub async fn unfollow(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<ProfileResponse>, ApiError> {
    let profile = realworld.profiles.unfollow(auth.id, &username).await?;
    Ok(Json(profile.into()))
}
