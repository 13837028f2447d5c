//! Ports for accounts.

use async_trait::async_trait;
use domain::{Bio, Email, Image, User, UserId, Username};

use crate::RepoError;
use crate::ports::PasswordHash;

/// An account ready to be stored: validated fields and the password's hash.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub username: Username,
    pub email: Email,
    pub password_hash: PasswordHash,
}

/// Changes to store; `None` keeps the current value, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub username: Option<Username>,
    pub email: Option<Email>,
    pub password_hash: Option<PasswordHash>,
    pub bio: Option<Option<Bio>>,
    pub image: Option<Option<Image>>,
    /// With a new `password_hash`: the id of the token the change was made with, which
    /// stays current (`None`: no token is kept).
    pub kept_token_id: Option<String>,
}

/// What decides whether a token is current: the account's credential version and the id
/// of the token kept at the last password change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub version: i64,
    pub kept_token_id: Option<String>,
}

/// Storage of accounts.
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Stores a new account.
    ///
    /// # Errors
    /// MUST return `Conflict("username")` or `Conflict("email")` when either is taken,
    /// decided by a unique constraint (not a racy read-then-write).
    async fn create(&self, user: NewUserRecord) -> Result<User, RepoError>;

    /// # Errors
    /// Only `Unexpected`.
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError>;

    /// The account with this (lower-case) e-mail and its password hash, for login.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn find_credentials(&self, email: &Email) -> Result<Option<(User, PasswordHash)>, RepoError>;

    /// Applies `update` atomically and returns the account as stored. A new
    /// `password_hash` MUST increment the credential version and store `kept_token_id`
    /// in the same transaction (older tokens stop working at once, also against
    /// concurrent requests).
    ///
    /// # Errors
    /// `NotFound` for an unknown id; `Conflict` as for `create`.
    async fn update(&self, id: UserId, update: UserUpdate) -> Result<User, RepoError>;

    /// The account's current credential version and kept token id, `None` for an unknown
    /// id. Read on every authenticated request, so adapters MUST answer with one
    /// primary-key read (or from a cache that a password change invalidates before
    /// `update` returns).
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn credentials(&self, id: UserId) -> Result<Option<Credentials>, RepoError>;

    /// Whether the account holds the admin role; `false` for an unknown id. Read on every
    /// admin check (not carried in tokens), so a revocation takes effect at once.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError>;

    /// Grants (`true`) or revokes (`false`) the admin role. Idempotent.
    ///
    /// # Errors
    /// `NotFound` for an unknown username.
    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError>;
}
