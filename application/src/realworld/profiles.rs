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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::Fakes;

    #[tokio::test]
    async fn following_is_visible_to_the_follower_only() {
        let fakes = Fakes::new();
        let services = fakes.realworld();
        let jake = fakes.user("jake").await;
        fakes.user("celeb").await;
        assert!(services.profiles.follow(jake, "celeb").await.expect("followed").following);
        assert!(services.profiles.get("celeb", Some(jake)).await.expect("found").following);
        assert!(!services.profiles.get("celeb", None).await.expect("found").following);
        assert!(!services.profiles.unfollow(jake, "celeb").await.expect("unfollowed").following);
        assert!(!services.profiles.get("celeb", Some(jake)).await.expect("found").following);
    }

    #[tokio::test]
    async fn following_twice_is_not_an_error() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        fakes.user("celeb").await;
        let services = fakes.realworld();
        services.profiles.follow(jake, "celeb").await.expect("first");
        assert!(services.profiles.follow(jake, "celeb").await.is_ok());
    }

    #[tokio::test]
    async fn unknown_profiles_are_not_found() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let services = fakes.realworld();
        assert!(matches!(services.profiles.get("nobody", None).await, Err(UseCaseError::NotFound("profile"))));
        assert!(matches!(services.profiles.follow(jake, "nobody").await, Err(UseCaseError::NotFound("profile"))));
    }

    #[tokio::test]
    async fn nobody_can_follow_themselves() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        assert!(matches!(fakes.realworld().profiles.follow(jake, "jake").await, Err(UseCaseError::Validation(_))));
    }
}
