//! Registration, login and the signed-in user's own account.

use std::sync::Arc;

use domain::{Email, PlainPassword, User, UserChanges, UserId, Username, ValidationErrors};

use super::throttle::LoginThrottle;
use super::welcome::WelcomeService;
use crate::accounts::{NewUserRecord, UserRepository, UserUpdate};
use crate::ports::{PasswordHasher, TokenClaims, TokenService};
use crate::{RepoError, UseCaseError};

/// Raw registration fields, as received.
#[derive(Debug, Clone, Default)]
pub struct RegisterInput {
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
}

/// Raw login fields, as received.
#[derive(Debug, Clone, Default)]
pub struct LoginInput {
    pub email: Option<String>,
    pub password: Option<String>,
}

/// Raw update fields: `None` absent, `Some(None)` null, `Some(Some(v))` a value.
#[derive(Debug, Clone, Default)]
pub struct UpdateUserInput {
    pub username: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub password: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub image: Option<Option<String>>,
}

/// A user with a fresh access token.
#[derive(Debug, Clone)]
pub struct AuthenticatedUser {
    pub user: User,
    pub token: String,
}

/// Account use cases.
#[derive(Clone)]
pub struct UserService {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    tokens: Arc<dyn TokenService>,
    welcome: WelcomeService,
    throttle: Option<Arc<LoginThrottle>>,
}

fn patch(field: &Option<Option<String>>) -> Option<Option<&str>> {
    field.as_ref().map(Option::as_deref)
}

impl UserService {
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: Arc<dyn TokenService>,
        welcome: WelcomeService,
    ) -> Self {
        Self { users, hasher, tokens, welcome, throttle: None }
    }

    /// With failed logins throttled per account.
    #[must_use]
    pub fn with_login_throttle(mut self, throttle: LoginThrottle) -> Self {
        self.throttle = Some(Arc::new(throttle));
        self
    }

    /// Creates an account, enqueues its welcome job and signs it in.
    ///
    /// # Errors
    /// `Validation` for bad fields, `Conflict` for a taken username or e-mail.
    #[tracing::instrument(skip_all)]
    pub async fn register(&self, input: RegisterInput) -> Result<AuthenticatedUser, UseCaseError> {
        let mut errors = ValidationErrors::new();
        let username = errors.check(Username::parse(input.username.as_deref()));
        let email = errors.check(Email::parse(input.email.as_deref()));
        let password = errors.check(PlainPassword::parse(input.password.as_deref()));
        let (Some(username), Some(email), Some(password)) = (username, email, password) else {
            return Err(errors.into());
        };
        let password_hash = self.hasher.hash(&password).await.map_err(UseCaseError::Unexpected)?;
        let user = self.users.create(NewUserRecord { username, email, password_hash }).await?;
        self.welcome.enqueue(user.id).await;
        self.sign_in(user)
    }

    /// Checks credentials and signs the user in.
    ///
    /// # Errors
    /// `Validation` for blank fields, `InvalidCredentials` for an unknown e-mail or a
    /// wrong password (the same error for both), `TooMany` once the account has used up
    /// its failed logins for the window (then the password is not even checked).
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, input: LoginInput) -> Result<AuthenticatedUser, UseCaseError> {
        let mut errors = ValidationErrors::new();
        let email = errors.check(Email::parse(input.email.as_deref()));
        let password = errors.check(PlainPassword::for_login(input.password.as_deref()));
        let (Some(email), Some(password)) = (email, password) else {
            return Err(errors.into());
        };
        if let Some(throttle) = &self.throttle {
            throttle.attempt(&email).await?;
        }
        let found = self.users.find_credentials(&email).await?;
        let verified = self
            .hasher
            .verify(&password, found.as_ref().map(|(_, hash)| hash))
            .await
            .map_err(UseCaseError::Unexpected)?;
        match found {
            Some((user, _)) if verified => {
                if let Some(throttle) = &self.throttle {
                    throttle.succeeded(&email).await;
                }
                self.sign_in(user)
            }
            _ => Err(UseCaseError::InvalidCredentials),
        }
    }

    /// The signed-in user's account.
    ///
    /// # Errors
    /// `UnknownUser` if the account no longer exists.
    #[tracing::instrument(level = "debug", name = "users.current", skip_all)]
    pub async fn current(&self, id: UserId) -> Result<User, UseCaseError> {
        self.users.find_by_id(id).await?.ok_or(UseCaseError::UnknownUser)
    }

    /// Whether a verified token may still act for its user: the account exists and
    /// either its credential version is the token's, or the token is the one the last
    /// password change was made with (that session stays signed in; every other token
    /// issued before the change is retired). One primary-key read.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    #[tracing::instrument(level = "debug", name = "users.token_is_current", skip_all)]
    pub async fn token_is_current(&self, claims: &TokenClaims) -> Result<bool, UseCaseError> {
        let Some(stored) = self.users.credentials(claims.user).await? else {
            return Ok(false);
        };
        let kept = claims.token_id.is_some() && claims.token_id == stored.kept_token_id;
        Ok(claims.credential_version == stored.version || kept)
    }

    /// A fresh token for `user` at its current credential version (after a password
    /// change, the older ones no longer work).
    ///
    /// # Errors
    /// Only when signing fails.
    pub fn issue_token(&self, user: &User) -> Result<String, UseCaseError> {
        self.tokens.issue(TokenClaims::for_user(user)).map_err(UseCaseError::Unexpected)
    }

    /// Whether the account holds the admin role (false for an account that no longer exists).
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    #[tracing::instrument(level = "debug", name = "users.is_admin", skip_all)]
    pub async fn is_admin(&self, id: UserId) -> Result<bool, UseCaseError> {
        Ok(self.users.is_admin(id).await?)
    }

    /// Grants or revokes the admin role of `username` (an operator command, not an endpoint).
    ///
    /// # Errors
    /// `Validation` for a malformed username, `NotFound` when no account has it.
    #[tracing::instrument(level = "debug", name = "users.set_admin", skip_all)]
    pub async fn set_admin(&self, username: &str, admin: bool) -> Result<(), UseCaseError> {
        let username = Username::parse(Some(username)).map_err(|e| UseCaseError::Validation(e.into()))?;
        self.users.set_admin(&username, admin).await.map_err(UseCaseError::from_repo("user"))
    }

    /// Updates an account outside any session (no token is kept by a password change).
    ///
    /// # Errors
    /// As for [`Self::update_in_session`].
    #[tracing::instrument(level = "debug", name = "users.update", skip_all)]
    pub async fn update(&self, id: UserId, input: UpdateUserInput) -> Result<User, UseCaseError> {
        self.update_keeping(id, None, input).await
    }

    /// Updates the signed-in user's account from the session of the token `session`.
    /// A new password also increments the account's credential version, which retires
    /// every token issued before, except `session`'s own: the session that changed the
    /// password stays signed in.
    ///
    /// # Errors
    /// `Validation` for bad fields, `Conflict` for a taken username or e-mail,
    /// `UnknownUser` if the account no longer exists.
    #[tracing::instrument(level = "debug", name = "users.update_in_session", skip_all)]
    pub async fn update_in_session(&self, session: &TokenClaims, input: UpdateUserInput) -> Result<User, UseCaseError> {
        self.update_keeping(session.user, session.token_id.clone(), input).await
    }

    #[tracing::instrument(skip_all, fields(user = id.0))]
    async fn update_keeping(
        &self,
        id: UserId,
        kept_token_id: Option<String>,
        input: UpdateUserInput,
    ) -> Result<User, UseCaseError> {
        let changes = UserChanges::parse(
            patch(&input.username),
            patch(&input.email),
            patch(&input.password),
            patch(&input.bio),
            patch(&input.image),
        )?;
        let password_hash = match &changes.password {
            Some(password) => Some(self.hasher.hash(password).await.map_err(UseCaseError::Unexpected)?),
            None => None,
        };
        let update = UserUpdate {
            username: changes.username,
            email: changes.email,
            password_hash,
            bio: changes.bio,
            image: changes.image,
            kept_token_id,
        };
        self.users.update(id, update).await.map_err(|e| match e {
            RepoError::NotFound => UseCaseError::UnknownUser,
            other => other.into(),
        })
    }

    fn sign_in(&self, user: User) -> Result<AuthenticatedUser, UseCaseError> {
        let token = self.issue_token(&user)?;
        Ok(AuthenticatedUser { user, token })
    }
}
