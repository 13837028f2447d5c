//! The ports every feature may use: password hashing, access tokens, time, and the read
//! cache (when it is on). The composition root builds them once and hands them to each
//! feature's constructor.

use std::sync::Arc;

use crate::cache::{CachePolicy, Caching};
use crate::ports::{Clock, PasswordHasher, TokenService};

#[derive(Clone)]
pub struct Platform {
    pub hasher: Arc<dyn PasswordHasher>,
    pub tokens: Arc<dyn TokenService>,
    pub clock: Arc<dyn Clock>,
    /// The read cache and its counters; `None` when caching is off.
    pub caching: Option<Arc<Caching>>,
    /// How long each cached view may live.
    pub cache_policy: CachePolicy,
}
