//! Adapters for the application's ports, settings, and the composition root.
//!
//! Only the binaries' start-up code uses this crate directly; everything else talks to
//! the ports in `application`.

pub mod accounts;
pub mod cache;
pub mod clock;
pub mod db;
pub mod jobs;
pub mod metrics;
pub mod probes;
pub mod rate_limit;
//{% if realworld %} The RealWorld example's adapters (profiles, articles, comments, tags, reports).
pub mod realworld;
//{% endif %} Redis, security, settings and the composition root.
pub mod redis;
pub mod security;
pub mod settings;
pub mod shutdown;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(feature = "testing")]
pub mod testing_redis;
pub mod wiring;

pub use application::identity;
pub use settings::Settings;
pub use wiring::{App, build, migrate};
