//! Profiles: a user as others see them, with whether the viewer follows them.

use crate::accounts::{Bio, Image, User, Username};

/// A user as others see them, with whether the viewer follows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub username: Username,
    pub bio: Option<Bio>,
    pub image: Option<Image>,
    pub following: bool,
}

impl User {
    /// The account as others see it; `following`: whether the viewer follows this user.
    pub fn profile(&self, following: bool) -> Profile {
        Profile { username: self.username.clone(), bio: self.bio.clone(), image: self.image.clone(), following }
    }
}
