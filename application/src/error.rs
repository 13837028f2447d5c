//! Errors crossing the application boundary.

use domain::{FieldError, ValidationErrors};

/// What a repository adapter may report. Adapters MUST map a unique-constraint violation
/// to `Conflict` naming the field (`"username"`, `"email"`, `"slug"`), and a missing
/// row on update or delete to `NotFound`; everything else is `Unexpected`. An
/// `Unexpected` that a retry may cure (no pool connection in time, a statement cancelled
/// by the database's timeout) MUST carry an [`Unavailable`] as context, so the API can
/// answer 503 instead of 500.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("not found")]
    NotFound,
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A dependency is saturated or too slow right now: the request failed, but the same
/// request may succeed in a moment. Travels as the context of an `Unexpected` cause
/// (`anyhow::Error::context`), so every existing error path carries it unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// No database connection became free within the pool's acquire timeout.
    #[error("no database connection became free within the acquire timeout")]
    PoolExhausted,
    /// The database cancelled a statement that ran past its statement timeout.
    #[error("the database cancelled a statement that ran past its statement timeout")]
    StatementTimeout,
    /// The database could not be reached or dropped the connection (restarting, failing
    /// over, network): a retry after a moment may find it back.
    #[error("the database could not be reached")]
    DatabaseUnreachable,
}

impl Unavailable {
    /// The `Unavailable` anywhere in `cause`'s context chain, if any.
    pub fn of(cause: &anyhow::Error) -> Option<Self> {
        cause.downcast_ref::<Self>().copied()
    }
}

/// Why a use case refused or failed. The API maps each variant to one status code.
#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// Input broke domain rules (422).
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// Login with an unknown e-mail or a wrong password (401); never says which.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The token named a user that no longer exists (401).
    #[error("unknown user")]
    UnknownUser,
    /// The caller may not change this resource, e.g. another user's article (403).
    #[error("{0} is forbidden")]
    Forbidden(&'static str),
    /// The named resource does not exist (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique field is already used by another record (409).
    #[error("{0} has already been taken")]
    Conflict(&'static str),
    /// The caller has used up a quota on `subject` (429 with `Retry-After`), e.g. too many
    /// reports still pending; `message` says which limit.
    #[error("{subject}: {message}")]
    TooMany { subject: &'static str, message: String, retry_after_secs: u32 },
    /// A failure of the infrastructure; logged, never shown to clients (500, or 503
    /// when the cause carries an [`Unavailable`]).
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

impl From<FieldError> for UseCaseError {
    fn from(error: FieldError) -> Self {
        Self::Validation(error.into())
    }
}

impl UseCaseError {
    /// Maps a repository error, naming the resource a `NotFound` is about.
    pub fn from_repo(resource: &'static str) -> impl Fn(RepoError) -> Self {
        move |error| match error {
            RepoError::NotFound => Self::NotFound(resource),
            RepoError::Conflict(field) => Self::Conflict(field),
            RepoError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

impl From<RepoError> for UseCaseError {
    fn from(error: RepoError) -> Self {
        match error {
            RepoError::NotFound => Self::Unexpected(anyhow::anyhow!("row vanished during the operation")),
            RepoError::Conflict(field) => Self::Conflict(field),
            RepoError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailability_survives_more_context() {
        let cause = anyhow::anyhow!("pool timed out").context(Unavailable::PoolExhausted).context("loading a profile");
        assert_eq!(Unavailable::of(&cause), Some(Unavailable::PoolExhausted));
        assert_eq!(Unavailable::of(&anyhow::anyhow!("disk full")), None);
    }
}
