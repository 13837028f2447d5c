//! The caching decorator for accounts.

use std::sync::Arc;

use async_trait::async_trait;
use domain::{Email, User, UserId, Username};

use crate::RepoError;
use crate::accounts::{Credentials, NewUserRecord, UserRepository, UserUpdate};
use crate::cache::{Caching, PEOPLE};
use crate::ports::PasswordHash;

/// [`UserRepository`] that retires cached views embedding a user's public fields when
/// the user changes them. Nothing about accounts themselves is cached.
pub struct CachedUserRepository {
    inner: Arc<dyn UserRepository>,
    caching: Arc<Caching>,
}

impl CachedUserRepository {
    pub fn new(inner: Arc<dyn UserRepository>, caching: Arc<Caching>) -> Self {
        Self { inner, caching }
    }
}

#[async_trait]
impl UserRepository for CachedUserRepository {
    async fn create(&self, user: NewUserRecord) -> Result<User, RepoError> {
        // A new user is in no cached view: misses (unknown usernames) are never cached.
        self.inner.create(user).await
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        self.inner.find_by_id(id).await
    }

    async fn find_credentials(&self, email: &Email) -> Result<Option<(User, PasswordHash)>, RepoError> {
        self.inner.find_credentials(email).await
    }

    async fn update(&self, id: UserId, update: UserUpdate) -> Result<User, RepoError> {
        let public = update.username.is_some() || update.bio.is_some() || update.image.is_some();
        let user = self.inner.update(id, update).await?;
        if public {
            self.caching.invalidate(&[PEOPLE.to_owned()]).await;
        }
        Ok(user)
    }

    async fn credentials(&self, id: UserId) -> Result<Option<Credentials>, RepoError> {
        // Not cached: a stale version would keep a retired token working.
        self.inner.credentials(id).await
    }

    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError> {
        self.inner.is_admin(id).await
    }

    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError> {
        self.inner.set_admin(username, admin).await
    }
}
