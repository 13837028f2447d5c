//! The `cache` settings section (`<PREFIX>CACHE__*`, prefix in `identity::ENV_PREFIX`).

use std::time::Duration;

use application::cache::CachePolicy;
use serde::{Deserialize, Serialize};

use crate::settings::SettingsError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheSettings {
    /// Turns the read cache on or off (off: every read goes to the database).
    pub enabled: bool,
    /// Longest life of a cached article (`GET /api/articles/:slug`).
    pub article_ttl_secs: u64,
    /// Longest life of a cached first page of `GET /api/articles`.
    pub list_ttl_secs: u64,
    /// Longest life of the cached tag list.
    pub tags_ttl_secs: u64,
    /// Longest life of a cached profile.
    pub profile_ttl_secs: u64,
    /// Pages of the unfiltered article list are cached up to this offset.
    pub list_max_offset: u64,
    /// Size bound of the in-memory tier, in bytes of cached values.
    pub memory_max_bytes: u64,
    /// With Redis: how long a value copied from Redis stays in the in-memory tier.
    pub memory_ttl_secs: u64,
    /// Prefix of every Redis key of the cache (wrap it in `{}` on Redis Cluster so all
    /// keys share a slot, which the stamp scripts need).
    pub redis_prefix: String,
}

impl Default for CacheSettings {
    fn default() -> Self {
        let policy = CachePolicy::default();
        Self {
            enabled: true,
            article_ttl_secs: policy.article_ttl.as_secs(),
            list_ttl_secs: policy.list_ttl.as_secs(),
            tags_ttl_secs: policy.tags_ttl.as_secs(),
            profile_ttl_secs: policy.profile_ttl.as_secs(),
            list_max_offset: policy.list_max_offset,
            memory_max_bytes: 64 * 1024 * 1024,
            memory_ttl_secs: 60,
            redis_prefix: format!("{}:cache", crate::identity::SERVICE_NAME),
        }
    }
}

impl CacheSettings {
    pub fn policy(&self) -> CachePolicy {
        CachePolicy {
            article_ttl: Duration::from_secs(self.article_ttl_secs),
            list_ttl: Duration::from_secs(self.list_ttl_secs),
            tags_ttl: Duration::from_secs(self.tags_ttl_secs),
            profile_ttl: Duration::from_secs(self.profile_ttl_secs),
            list_max_offset: self.list_max_offset,
        }
    }

    /// # Errors
    /// A zero TTL or size, or an empty Redis prefix.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let ttls = [
            ("cache.article_ttl_secs", self.article_ttl_secs),
            ("cache.list_ttl_secs", self.list_ttl_secs),
            ("cache.tags_ttl_secs", self.tags_ttl_secs),
            ("cache.profile_ttl_secs", self.profile_ttl_secs),
            ("cache.memory_ttl_secs", self.memory_ttl_secs),
            ("cache.memory_max_bytes", self.memory_max_bytes),
        ];
        if let Some((setting, _)) = ttls.iter().find(|(_, v)| *v == 0) {
            return Err(SettingsError::Invalid {
                setting,
                problem: "must be at least 1 (use cache.enabled = false to turn caching off)".to_owned(),
            });
        }
        if self.redis_prefix.trim().is_empty() {
            return Err(SettingsError::Invalid {
                setting: "cache.redis_prefix",
                problem: "must not be empty".to_owned(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_policy_defaults() {
        let settings = CacheSettings::default();
        assert!(settings.validate().is_ok());
        assert_eq!(settings.policy(), CachePolicy::default());
    }

    #[test]
    fn a_zero_ttl_is_refused_with_the_setting_named() {
        let settings = CacheSettings { list_ttl_secs: 0, ..Default::default() };
        let message = settings.validate().expect_err("zero TTL").to_string();
        assert!(message.contains("cache.list_ttl_secs"), "{message}");
    }

    #[test]
    fn an_empty_prefix_is_refused() {
        let settings = CacheSettings { redis_prefix: " ".to_owned(), ..Default::default() };
        assert!(settings.validate().is_err());
    }
}
