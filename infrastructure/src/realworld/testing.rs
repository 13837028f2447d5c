//! The example's use cases as the integration tests drive them: the example's services
//! (through `Deref`) plus the accounts' users, which every scenario registers first.

use std::ops::Deref;

use application::Features;
use application::accounts::{Accounts, UserService};
use application::realworld::RealWorld;

pub struct Services {
    pub users: UserService,
    pub realworld: RealWorld,
}

impl Services {
    /// Takes both features out of a wiring.
    pub fn from_features(features: &Features) -> Self {
        Self { users: features.expect::<Accounts>().users, realworld: features.expect() }
    }
}

impl Deref for Services {
    type Target = RealWorld;

    fn deref(&self) -> &RealWorld {
        &self.realworld
    }
}
