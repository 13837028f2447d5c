//! Registration, login and the signed-in user's account.

use application::accounts::Accounts;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::dto::{LoginRequest, RegisterRequest, UpdateUserRequest, UserResponse};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, AuthUser};

/// Register a new user and sign them in.
#[utoipa::path(
    post,
    path = "/api/users",
    tag = "users",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = UserResponse),
        (status = 409, description = "Username or email already taken", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn register(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<UserResponse>), ApiError> {
    let signed_in = accounts.users.register(request.user.into()).await?;
    Ok((StatusCode::CREATED, Json(UserResponse::new(signed_in.user, signed_in.token))))
}

/// Sign in with email and password. After `http.login_throttle.max_failures` failed
/// logins for one account within the window, attempts are refused (429) without the
/// password being checked, until the window ends; a successful login clears the count.
#[utoipa::path(
    post,
    path = "/api/users/login",
    tag = "users",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = UserResponse),
        (status = 401, description = "Unknown email or wrong password", body = ErrorBody),
        (status = 422, description = "Blank fields", body = ErrorBody),
        (status = 429, description = "Too many failed logins for this account (`http.login_throttle`), or for this client IP (`http.rate_limit`); `Retry-After` gives the seconds until the window ends", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds until a new attempt is counted"))),
    )
)]
pub async fn login(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<UserResponse>, ApiError> {
    let signed_in = accounts.users.login(request.user.into()).await?;
    Ok(Json(UserResponse::new(signed_in.user, signed_in.token)))
}

/// The signed-in user, with the token they presented.
#[utoipa::path(
    get,
    path = "/api/user",
    tag = "users",
    security(("Token" = [])),
    responses(
        (status = 200, description = "The current user", body = UserResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
    )
)]
pub async fn current_user(State(accounts): State<Accounts>, auth: AuthUser) -> Result<Json<UserResponse>, ApiError> {
    let user = accounts.users.current(auth.id).await?;
    Ok(Json(UserResponse::new(user, auth.token)))
}

/// Update the signed-in user; absent fields are left unchanged. A new password retires
/// every other token issued before it: the presented one stays valid (the session that
/// changed the password stays signed in), and the response carries a fresh token of the
/// new credential version.
#[utoipa::path(
    put,
    path = "/api/user",
    tag = "users",
    security(("Token" = [])),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated user; a new token when the password changed", body = UserResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 409, description = "Username or email already taken", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn update_user(
    State(accounts): State<Accounts>,
    auth: AuthUser,
    ApiJson(request): ApiJson<UpdateUserRequest>,
) -> Result<Json<UserResponse>, ApiError> {
    let user = accounts.users.update_in_session(&auth.claims, request.user.into()).await?;
    // Tokens name the user by id, so the presented one stays valid after a rename; only
    // a password change (a new credential version) gives a token of the new version.
    let token = if user.credential_version == auth.claims.credential_version {
        auth.token
    } else {
        accounts.users.issue_token(&user)?
    };
    Ok(Json(UserResponse::new(user, token)))
}
