//! Developer tasks for this workspace, run as `cargo xtask <task>`: seeding a database
//! with realistic data and load-testing a running server.
//!
//! The tasks know the accounts (users, logins) themselves; every other feature adds its
//! tables and operations through one entry in [`FEATURES`].

pub mod cli;
pub mod load;
pub mod seed;
//{% if realworld %} The RealWorld example's seed tables and load-test operations.
pub mod realworld;
//{% endif %} (Every feature's module is above.)

/// What a feature adds to `cargo xtask`.
pub struct Feature {
    /// The tables `seed` fills after the users.
    pub seed: &'static dyn seed::SeedTables,
    /// The scenarios `loadtest` runs, and their setup.
    pub load: &'static dyn load::LoadOperations,
}

/// Every feature beyond the accounts, in dependency order (a feature's tables may
/// reference those of the features before it).
pub const FEATURES: &[Feature] = &[
    //{% if realworld %} The RealWorld example.
    realworld::FEATURE,
    //{% endif %} (Every feature is listed above.)
];
