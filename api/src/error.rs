//! The one error type of the HTTP layer and its RealWorld JSON shape.
//!
//! Every failure a client can see, from a use case, an extractor or the router itself,
//! becomes an [`ApiError`] and leaves as `{"errors": {"field": ["message"]}}`, so clients
//! parse a single error format.

use std::collections::BTreeMap;

use application::{Unavailable, UseCaseError};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// RealWorld's error body: messages grouped by the field (or subject) they are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"errors": {"title": ["can't be blank"]}}))]
pub struct ErrorBody {
    pub errors: BTreeMap<String, Vec<String>>,
}

/// A failed request: the status, what the client is told, and for server faults the
/// cause that only the log sees.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    errors: BTreeMap<String, Vec<String>>,
    /// Why a 500 or 503 happened; logged when the response is built, never sent.
    cause: Option<anyhow::Error>,
    /// Seconds for `Retry-After` (503s of a saturated or slow database, 429s of a quota).
    retry_after: Option<u32>,
}

/// `Retry-After` of a 503 caused by the database: the pool frees a connection, or the
/// slow statement's load passes, on the scale of a second.
const DATABASE_RETRY_AFTER_SECS: u32 = 1;

impl ApiError {
    /// An error with one message about one field.
    pub fn new(status: StatusCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        let errors = BTreeMap::from([(field.into(), vec![message.into()])]);
        Self { status, errors, cause: None, retry_after: None }
    }

    pub fn token_missing() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "token", "is missing")
    }

    pub fn token_invalid() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "token", "is invalid")
    }

    pub fn token_expired() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "token", "has expired")
    }

    pub fn not_found(subject: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, subject, "not found")
    }

    /// A 500 whose `cause` is logged with its whole chain and hidden from the client; a
    /// 503 with `Retry-After` when the cause says a retry may cure it ([`Unavailable`]:
    /// pool exhausted, statement timeout), so clients and proxies back off instead of
    /// treating an overload as a bug.
    pub fn internal(cause: anyhow::Error) -> Self {
        let mut error = match Unavailable::of(&cause) {
            Some(Unavailable::PoolExhausted) => Self::unavailable("is overloaded, retry later"),
            Some(Unavailable::StatementTimeout) => Self::unavailable("took too long, retry later"),
            Some(Unavailable::DatabaseUnreachable) => Self::unavailable("is unavailable, retry later"),
            None => Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server", "internal error"),
        };
        error.cause = Some(cause);
        error
    }

    /// 503 with `Retry-After`: the service works but is short of capacity right now.
    fn unavailable(message: &str) -> Self {
        let mut error = Self::new(StatusCode::SERVICE_UNAVAILABLE, "server", message);
        error.retry_after = Some(DATABASE_RETRY_AFTER_SECS);
        error
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn errors(&self) -> &BTreeMap<String, Vec<String>> {
        &self.errors
    }
}

impl From<UseCaseError> for ApiError {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Validation(errors) => {
                let errors =
                    errors.fields().iter().map(|(field, messages)| ((*field).to_owned(), messages.clone())).collect();
                Self { status: StatusCode::UNPROCESSABLE_ENTITY, errors, cause: None, retry_after: None }
            }
            UseCaseError::InvalidCredentials => Self::new(StatusCode::UNAUTHORIZED, "credentials", "invalid"),
            // The token was well signed but its user is gone: to the client it is simply
            // no longer a valid token.
            UseCaseError::UnknownUser => Self::token_invalid(),
            UseCaseError::Forbidden(subject) => Self::new(StatusCode::FORBIDDEN, subject, "forbidden"),
            UseCaseError::NotFound(subject) => Self::not_found(subject),
            UseCaseError::Conflict(field) => Self::new(StatusCode::CONFLICT, field, domain::error::TAKEN),
            UseCaseError::TooMany { subject, message, retry_after_secs } => {
                let mut error = Self::new(StatusCode::TOO_MANY_REQUESTS, subject, message);
                error.retry_after = Some(retry_after_secs);
                error
            }
            UseCaseError::Unexpected(cause) => Self::internal(cause),
        }
    }
}

impl From<domain::ValidationErrors> for ApiError {
    fn from(errors: domain::ValidationErrors) -> Self {
        UseCaseError::Validation(errors).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            // `{:#}` prints the whole chain on one line ("a: b: c"); this is the only
            // place a 5xx is logged, so each failure appears exactly once. An overload
            // is a WARN: the service works, it is short of capacity.
            if self.status == StatusCode::SERVICE_UNAVAILABLE {
                tracing::warn!(error = %format!("{cause:#}"), status = self.status.as_u16(), "request shed");
            } else {
                tracing::error!(error = %format!("{cause:#}"), status = self.status.as_u16(), "request failed");
            }
        }
        let mut response = (self.status, Json(ErrorBody { errors: self.errors })).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::FieldError;

    #[test]
    fn validation_errors_keep_every_field_and_message() {
        let mut errors = domain::ValidationErrors::new();
        errors.push(FieldError::blank("title"));
        errors.push(FieldError::blank("body"));
        let api = ApiError::from(UseCaseError::Validation(errors));
        assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(api.errors()["title"], ["can't be blank"]);
        assert_eq!(api.errors()["body"], ["can't be blank"]);
    }

    #[test]
    fn unexpected_errors_hide_their_cause() {
        let cause = anyhow::anyhow!("password=hunter2").context("database down");
        let api = ApiError::from(UseCaseError::Unexpected(cause));
        assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(api.errors()["server"], ["internal error"]);
        assert_eq!(api.errors().len(), 1);
    }

    #[test]
    fn an_unavailable_database_is_503_with_retry_after_and_no_internals() {
        let cause = anyhow::anyhow!("pool timed out while waiting").context(Unavailable::PoolExhausted);
        let response = ApiError::from(UseCaseError::Unexpected(cause.context("loading"))).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let api = ApiError::internal(anyhow::anyhow!("x").context(Unavailable::StatementTimeout));
        assert_eq!(
            (api.status(), api.errors()["server"][0].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "took too long, retry later")
        );
    }

    #[test]
    fn each_use_case_error_has_its_status() {
        let cases = [
            (UseCaseError::InvalidCredentials, StatusCode::UNAUTHORIZED, "credentials", "invalid"),
            (UseCaseError::UnknownUser, StatusCode::UNAUTHORIZED, "token", "is invalid"),
            (UseCaseError::Forbidden("article"), StatusCode::FORBIDDEN, "article", "forbidden"),
            (UseCaseError::NotFound("comment"), StatusCode::NOT_FOUND, "comment", "not found"),
            (UseCaseError::Conflict("email"), StatusCode::CONFLICT, "email", "has already been taken"),
        ];
        for (error, status, field, message) in cases {
            let api = ApiError::from(error);
            assert_eq!(api.status(), status);
            assert_eq!(api.errors()[field], [message]);
        }
    }
}
