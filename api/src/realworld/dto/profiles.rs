//! Bodies of the profile endpoints (the RealWorld example).

use domain::realworld::Profile;
use serde::Serialize;
use utoipa::ToSchema;

/// A user as others see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    pub profile: ProfileDto,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Profile)]
pub struct ProfileDto {
    pub username: String,
    #[schema(required = true)]
    pub bio: Option<String>,
    #[schema(required = true)]
    pub image: Option<String>,
    /// Whether the caller follows this user (always false for anonymous callers).
    pub following: bool,
}

impl From<Profile> for ProfileDto {
    fn from(profile: Profile) -> Self {
        Self {
            username: profile.username.into_inner(),
            bio: profile.bio.map(|bio| bio.as_str().to_owned()),
            image: profile.image.map(|image| image.as_str().to_owned()),
            following: profile.following,
        }
    }
}

impl From<Profile> for ProfileResponse {
    fn from(profile: Profile) -> Self {
        Self { profile: profile.into() }
    }
}
