//! The caching decorator for profiles (the RealWorld example).

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use domain::UserId;
use domain::realworld::Profile;

use crate::RepoError;
use crate::cache::View;
use crate::cache::{CachePolicy, Caching, PEOPLE};
use crate::realworld::ProfileRepository;

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
