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

/// What a token says: whose it is, the account's credential version when it was issued
/// ([`domain::User::credential_version`]) and the token's own random id. A token is
/// honoured while that version is still the account's, or while its id is the one the
/// account kept at its last password change (the session that made the change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenClaims {
    pub user: UserId,
    pub credential_version: i64,
    /// The token's id (`jti`); `None` for tokens of releases before ids existed.
    pub token_id: Option<String>,
}

impl TokenClaims {
    /// The claims of a token for `user` as it is now (the token service gives it its id).
    pub fn for_user(user: &domain::User) -> Self {
        Self { user: user.id, credential_version: user.credential_version, token_id: None }
    }
}

/// Issues and checks the bearer tokens that identify a signed-in user.
pub trait TokenService: Send + Sync {
    /// Signs `claims` with a fresh random token id (`claims.token_id` is ignored).
    ///
    /// # Errors
    /// Only when signing fails.
    fn issue(&self, claims: TokenClaims) -> anyhow::Result<String>;

    /// The claims of a well-signed, unexpired token. Adapters MUST read a token that
    /// carries no credential version (issued before versions existed) as version 0, so
    /// sessions survive the upgrade until the account's password changes, and a token
    /// without an id as `token_id: None`.
    ///
    /// # Errors
    /// `Expired` for a well-signed token past its expiry, `Invalid` for anything else.
    fn verify(&self, token: &str) -> Result<TokenClaims, TokenError>;
}

/// The current time; a port so that tests control it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}
