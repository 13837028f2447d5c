//! Ports for public profiles and the follow relation (the RealWorld example).

use std::collections::HashSet;

use async_trait::async_trait;
use domain::UserId;
use domain::realworld::Profile;

use crate::RepoError;

/// Public profiles and the follow relation.
#[async_trait]
pub trait ProfileRepository: Send + Sync {
    /// The profile of `username` with `following` computed for `viewer`
    /// (always false without a viewer), and the profile owner's id.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn find_profile(
        &self,
        username: &str,
        viewer: Option<UserId>,
    ) -> Result<Option<(UserId, Profile)>, RepoError>;

    /// Idempotent: following twice is not an error.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn follow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError>;

    /// Idempotent: unfollowing someone not followed is not an error.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError>;

    /// Which of `followees` the `follower` follows, in one statement.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError>;
}
