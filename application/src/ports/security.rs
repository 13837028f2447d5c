//! Ports for password hashing, access tokens and time.

use async_trait::async_trait;
use domain::{PlainPassword, Timestamp, UserId};

/// A password hash in PHC string format (algorithm, parameters and salt included).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(pub String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

/// Slow, salted password hashing.
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// # Errors
    /// Only when the hashing machinery fails.
    async fn hash(&self, password: &PlainPassword) -> anyhow::Result<PasswordHash>;

    /// Whether `password` matches `hash`. With `hash = None` (unknown account) the
    /// adapter MUST still spend about the time of a real verification and return false,
    /// so response times do not reveal which e-mails are registered.
    ///
    /// # Errors
    /// Only when the hashing machinery fails; a mismatch is `Ok(false)`.
    async fn verify(&self, password: &PlainPassword, hash: Option<&PasswordHash>) -> anyhow::Result<bool>;
}

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token has expired")]
    Expired,
    #[error("token is invalid")]
    Invalid,
}

/// Issues and checks the bearer tokens that identify a signed-in user.
pub trait TokenService: Send + Sync {
    /// # Errors
    /// Only when signing fails.
    fn issue(&self, user: UserId) -> anyhow::Result<String>;

    /// # Errors
    /// `Expired` for a well-signed token past its expiry, `Invalid` for anything else.
    fn verify(&self, token: &str) -> Result<UserId, TokenError>;
}

/// The current time; a port so that tests control it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}
