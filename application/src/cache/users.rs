//! Caching decorators for profiles and accounts.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use domain::{Email, Profile, User, UserId, Username};

use super::stats::View;
use super::{CachePolicy, Caching, PEOPLE};
use crate::RepoError;
use crate::ports::{NewUserRecord, PasswordHash, ProfileRepository, UserRepository, UserUpdate};

/// [`ProfileRepository`] with cached profiles by username.
pub struct CachedProfileRepository {
    inner: Arc<dyn ProfileRepository>,
    caching: Arc<Caching>,
    policy: CachePolicy,
}

impl CachedProfileRepository {
    pub fn new(inner: Arc<dyn ProfileRepository>, caching: Arc<Caching>, policy: CachePolicy) -> Self {
        Self { inner, caching, policy }
    }
}

#[async_trait]
impl ProfileRepository for CachedProfileRepository {
    async fn find_profile(
        &self,
        username: &str,
        viewer: Option<UserId>,
    ) -> Result<Option<(UserId, Profile)>, RepoError> {
        let load = self.inner.find_profile(username, None);
        let found =
            self.caching.read(View::Profile, username, &[PEOPLE.to_owned()], self.policy.profile_ttl, load).await?;
        let Some((id, mut profile)) = found else { return Ok(None) };
        if let Some(viewer) = viewer {
            profile.following = self.inner.following_among(viewer, &[id]).await?.contains(&id);
        }
        Ok(Some((id, profile)))
    }

    // Following changes no shared entry: `following` is filled per viewer on every read.
    async fn follow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.inner.follow(follower, followee).await
    }

    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.inner.unfollow(follower, followee).await
    }

    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError> {
        self.inner.following_among(follower, followees).await
    }
}

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

    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError> {
        self.inner.is_admin(id).await
    }

    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError> {
        self.inner.set_admin(username, admin).await
    }
}
