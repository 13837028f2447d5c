//! The RealWorld example's part of `cargo xtask`: the tables `seed` fills (tags, articles,
//! follows, favorites, comments) and the operations `loadtest` runs against its pages.
//! Removed as a whole from projects generated with `realworld=false`.

pub mod load;
pub mod seed;

/// The example's entry in `crate::FEATURES`.
pub const FEATURE: crate::Feature = crate::Feature { seed: &seed::Seed, load: &load::Load };
