//! Public profiles and following.

use std::sync::Arc;

use domain::realworld::Profile;
use domain::{FieldError, UserId};

use crate::UseCaseError;
use crate::realworld::ProfileRepository;

/// Profile use cases.
#[derive(Clone)]
pub struct ProfileService {
    profiles: Arc<dyn ProfileRepository>,
}

impl ProfileService {
    pub fn new(profiles: Arc<dyn ProfileRepository>) -> Self {
        Self { profiles }
    }

    /// # Errors
    /// `NotFound("profile")` for an unknown username.
    #[tracing::instrument(level = "debug", name = "profiles.get", skip_all)]
    pub async fn get(&self, username: &str, viewer: Option<UserId>) -> Result<Profile, UseCaseError> {
        let (_, profile) = self.find(username, viewer).await?;
        Ok(profile)
    }

    /// # Errors
    /// `NotFound("profile")` for an unknown username; `Validation` for following oneself.
    #[tracing::instrument(skip_all, fields(follower = follower.0))]
    pub async fn follow(&self, follower: UserId, username: &str) -> Result<Profile, UseCaseError> {
        let (followee, mut profile) = self.find(username, Some(follower)).await?;
        if followee == follower {
            return Err(FieldError::new("username", "cannot follow yourself").into());
        }
        self.profiles.follow(follower, followee).await?;
        profile.following = true;
        Ok(profile)
    }

    /// # Errors
    /// `NotFound("profile")` for an unknown username.
    #[tracing::instrument(skip_all, fields(follower = follower.0))]
    pub async fn unfollow(&self, follower: UserId, username: &str) -> Result<Profile, UseCaseError> {
        let (followee, mut profile) = self.find(username, Some(follower)).await?;
        self.profiles.unfollow(follower, followee).await?;
        profile.following = false;
        Ok(profile)
    }

    async fn find(&self, username: &str, viewer: Option<UserId>) -> Result<(UserId, Profile), UseCaseError> {
        self.profiles.find_profile(username, viewer).await?.ok_or(UseCaseError::NotFound("profile"))
    }
}
