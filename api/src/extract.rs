//! Request extractors whose every rejection is an [`ApiError`] in the RealWorld shape.
//!
//! axum's own extractors answer bad input with plain text; these wrap them so a client
//! always gets JSON it can parse, with the status axum chose (400, 413, 415, 422).

use application::accounts::Accounts;
use application::ports::{TokenClaims, TokenError};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use domain::UserId;
use domain::error::{CONTROL_CHARACTERS, Lines, has_control_characters};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

mod objects;

/// The signed-in caller: `Authorization: Token <jwt>` (or `Bearer <jwt>`) is required.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    /// What the token says (its credential version, its id): the session a password
    /// change made with it keeps signed in.
    pub claims: TokenClaims,
    /// The token as presented, so `GET`/`PUT /api/user` can echo it back.
    pub token: String,
}

/// The caller if an `Authorization` header is present. A header that is present but
/// invalid is still refused: silently treating it as anonymous would hide a client bug
/// (e.g. an expired token) behind subtly different results.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl MaybeAuthUser {
    pub fn id(&self) -> Option<UserId> {
        self.0.as_ref().map(|user| user.id)
    }
}

/// The credentials of an `Authorization` value; `None` when it is not of the form
/// `Token <credentials>` or `Bearer <credentials>` (schemes are case-insensitive).
fn credentials(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let token = rest.trim();
    let known = scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer");
    (known && !token.is_empty()).then_some(token)
}

/// `Ok(None)` without an `Authorization` header, the caller for a valid one. A valid
/// token is well signed, unexpired, and of its account's current credential version or
/// the one the last password change was made with (one primary-key read): a password
/// change retires every other token issued before it.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<AuthUser>, ApiError> {
    let Some(header) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = header.to_str().ok().and_then(credentials).ok_or_else(ApiError::token_invalid)?;
    let claims = match state.tokens.verify(token) {
        Ok(claims) => claims,
        Err(TokenError::Expired) => return Err(ApiError::token_expired()),
        Err(TokenError::Invalid) => return Err(ApiError::token_invalid()),
    };
    // A retired token (or one whose account is gone) looks to the client like any other
    // invalid token: the answer says nothing about why.
    if !Accounts::from_ref(state).users.token_is_current(&claims).await? {
        return Err(ApiError::token_invalid());
    }
    Ok(Some(AuthUser { id: claims.user, claims, token: token.to_owned() }))
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await?.ok_or_else(ApiError::token_missing)
    }
}

/// A signed-in caller holding the admin role: 401 without valid credentials, 403 for
/// anyone else. The role is read from storage on each request, so revoking it is immediate.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if Accounts::from_ref(state).users.is_admin(user.id).await? {
            Ok(Self(user))
        } else {
            Err(application::UseCaseError::Forbidden("admin").into())
        }
    }
}

impl FromRequestParts<AppState> for MaybeAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await.map(Self)
    }
}

/// The message of the error an axum rejection wraps (serde's, with the path to the bad
/// value), without axum's generic prefix. Only one level down: deeper sources (serde's
/// own) drop the path.
fn inner_message(rejection: &(dyn std::error::Error + 'static)) -> String {
    rejection.source().map_or_else(|| rejection.to_string(), ToString::to_string)
}

/// A JSON request body; rejections are reported under the field `request` (not `body`,
/// which articles and comments use for their own text). Structs are read from JSON
/// objects only (see [`objects`]): `{"user": []}` is refused, not an empty update.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<objects::Strict<T>>::from_request(req, state).await {
            Ok(axum::Json(objects::Strict(value))) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let status = rejection.status();
    let message = match rejection {
        JsonRejection::JsonDataError(e) => format!("has an invalid value: {}", inner_message(e)),
        // The path serde reports for a syntax error is noise ("user.?"): keep serde's
        // own text, which has no ": " in it, e.g. "EOF while parsing ... at line 1 column 9".
        JsonRejection::JsonSyntaxError(e) => {
            let message = inner_message(e);
            let syntax = message.rsplit_once(": ").map_or(message.as_str(), |(_, text)| text);
            format!("is not valid JSON: {syntax}")
        }
        JsonRejection::MissingJsonContentType(_) => "must be JSON, sent with `Content-Type: application/json`".into(),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => "is too large".into(),
        _ => "could not be read".into(),
    };
    ApiError::new(status, "request", message)
}

/// A query string; rejections are reported under the field `query`, or under the
/// parameter's name for a value with control characters (never a valid filter, and
/// PostgreSQL cannot even compare text holding U+0000).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Checked on the decoded pairs, before `T` sees them, so no handler has to.
        if let Ok(axum::extract::Query(pairs)) = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            && let Some((name, _)) = pairs.iter().find(|(name, value)| {
                has_control_characters(name, Lines::Single) || has_control_characters(value, Lines::Single)
            })
        {
            let field = if has_control_characters(name, Lines::Single) { "query" } else { name.as_str() };
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, field, CONTROL_CHARACTERS));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    let message = match rejection {
        QueryRejection::FailedToDeserializeQueryString(e) => format!("is invalid: {}", inner_message(e)),
        other => other.body_text(),
    };
    ApiError::new(rejection.status(), "query", message)
}

/// Path parameters; rejections are reported under the field `path`. A parameter with
/// control characters names nothing that can exist (every stored name is free of them):
/// 404 under the parameter's name, before any lookup.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Ok(params) = RawPathParams::from_request_parts(parts, state).await
            && let Some((name, _)) = params.iter().find(|(_, value)| has_control_characters(value, Lines::Single))
        {
            return Err(ApiError::new(StatusCode::NOT_FOUND, name, "not found"));
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_rejection(&rejection)),
        }
    }
}

fn path_rejection(rejection: &PathRejection) -> ApiError {
    let status = rejection.status();
    if status.is_server_error() {
        // Only a mismatch between a route and its handler gets here: a bug, not bad input.
        return ApiError::internal(anyhow::anyhow!("path extraction failed: {}", rejection.body_text()));
    }
    // e.g. "Invalid URL: Cannot parse `abc` to a `i64`"
    ApiError::new(status, "path", rejection.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_accept_token_and_bearer_schemes_in_any_case() {
        assert_eq!(credentials("Token abc.def"), Some("abc.def"));
        assert_eq!(credentials("bearer abc.def"), Some("abc.def"));
        assert_eq!(credentials("  TOKEN   abc  "), Some("abc"));
    }

    #[test]
    fn credentials_reject_other_schemes_and_empty_tokens() {
        assert_eq!(credentials("Basic dXNlcjpwYXNz"), None);
        assert_eq!(credentials("Token"), None);
        assert_eq!(credentials("Token   "), None);
        assert_eq!(credentials("abc.def"), None);
    }
}
