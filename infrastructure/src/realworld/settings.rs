//! The RealWorld example's settings sections: `[realworld]` (the largest pages of the lists
//! the spec returns whole, `<PREFIX>REALWORLD__*`) and `[reports]` (its report queue and
//! the limits of the report use cases, `<PREFIX>REPORTS__*`). Registered with the example's
//! entry point, so the platform's settings name none of it.

use application::realworld::{ListLimits, ReportPolicy};
use serde::{Deserialize, Serialize};

use crate::settings::{Settings, SettingsError, SettingsSection};

/// The list section's name: `[realworld]`, `<PREFIX>REALWORLD__*`.
pub const REALWORLD_SECTION: &str = "realworld";

pub(super) const REALWORLD_SETTINGS: SettingsSection = SettingsSection {
    name: REALWORLD_SECTION,
    defaults: SettingsSection::defaults_of::<RealWorldSettings>,
    validate: |settings| RealWorldSettings::of(settings)?.validate(),
    renamed: &[
        ("pagination.max_comments", "realworld.max_comments_per_page"),
        ("pagination.max_tags", "realworld.max_tags_per_page"),
    ],
};

/// The largest page of `GET /api/articles/{slug}/comments` and `GET /api/tags`, which the
/// RealWorld spec returns whole: longer lists continue with `nextCursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RealWorldSettings {
    /// Comments per page (also the default and the cap of `limit`).
    pub max_comments_per_page: u32,
    /// Tags per page (also the default and the cap of `limit`).
    pub max_tags_per_page: u32,
}

impl Default for RealWorldSettings {
    fn default() -> Self {
        let limits = ListLimits::default();
        Self { max_comments_per_page: limits.max_comments, max_tags_per_page: limits.max_tags }
    }
}

impl RealWorldSettings {
    /// The section in `settings`.
    ///
    /// # Errors
    /// A value of the wrong type in `[realworld]`.
    pub fn of(settings: &Settings) -> Result<Self, SettingsError> {
        settings.section(REALWORLD_SECTION)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |setting, problem: &str| SettingsError::Invalid { setting, problem: problem.to_owned() };
        if self.max_comments_per_page == 0 {
            return Err(invalid("realworld.max_comments_per_page", "must be at least 1"));
        }
        if self.max_tags_per_page == 0 {
            return Err(invalid("realworld.max_tags_per_page", "must be at least 1"));
        }
        Ok(())
    }

    /// The list pages the use cases serve.
    pub fn limits(&self) -> ListLimits {
        ListLimits { max_comments: self.max_comments_per_page, max_tags: self.max_tags_per_page }
    }
}

/// The report section's name: `[reports]`, `<PREFIX>REPORTS__*`.
pub const SECTION: &str = "reports";

pub(super) const SETTINGS: SettingsSection = SettingsSection {
    name: SECTION,
    defaults: SettingsSection::defaults_of::<ReportSettings>,
    validate: |settings| ReportSettings::of(settings)?.validate(settings),
    renamed: &[
        ("jobs.queue", "reports.queue"),
        ("jobs.purge_after_days", "reports.purge_after_days"),
        ("jobs.max_range_days", "reports.max_range_days"),
        ("jobs.batch_size", "reports.batch_size"),
        ("jobs.max_pending_reports_per_user", "reports.max_pending_per_user"),
    ],
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    /// Queue of report jobs; with Redis, the prefix of every key the queue uses.
    pub queue: String,
    /// Finished reports older than this are deleted by `api reports purge` and by the
    /// worker's hourly purge; 0 keeps them forever.
    pub purge_after_days: u32,
    /// Longest date range a report may cover.
    pub max_range_days: u32,
    /// Authors read per query while generating (bounds the worker's memory).
    pub batch_size: u64,
    /// Reports one user may have queued or running at once (more: 429); 0 is no limit.
    pub max_pending_per_user: u32,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            queue: "reports".to_owned(),
            purge_after_days: 30,
            max_range_days: 366,
            batch_size: 1000,
            max_pending_per_user: 5,
        }
    }
}

impl ReportSettings {
    /// The section in `settings`.
    ///
    /// # Errors
    /// A value of the wrong type in `[reports]`.
    pub fn of(settings: &Settings) -> Result<Self, SettingsError> {
        settings.section(SECTION)
    }

    fn validate(&self, settings: &Settings) -> Result<(), SettingsError> {
        let invalid = |setting, problem: &str| SettingsError::Invalid { setting, problem: problem.to_owned() };
        if self.max_range_days == 0 {
            return Err(invalid("reports.max_range_days", "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(invalid("reports.batch_size", "must be at least 1"));
        }
        if self.queue.trim().is_empty() {
            return Err(invalid("reports.queue", "must not be empty"));
        }
        if self.queue == settings.jobs.welcome_queue {
            return Err(invalid("reports.queue", "must differ from jobs.welcome_queue"));
        }
        Ok(())
    }

    /// The limits the report use cases run with.
    pub fn policy(&self) -> ReportPolicy {
        ReportPolicy {
            max_range_days: self.max_range_days,
            batch_size: self.batch_size,
            max_pending_per_user: self.max_pending_per_user,
            ..ReportPolicy::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use figment::Figment;
    use figment::providers::{Format as _, Serialized, Toml};

    use super::*;

    fn load(toml: &str) -> Result<Settings, SettingsError> {
        Settings::from_figment(Figment::from(Serialized::defaults(Settings::default())).merge(Toml::string(toml)))
    }

    #[test]
    fn the_section_has_its_defaults_and_takes_values_from_the_config() {
        let defaults = load("").expect("valid");
        assert_eq!(ReportSettings::of(&defaults).expect("typed"), ReportSettings::default());
        let custom = load("[reports]\nqueue = \"monthly\"\nmax_pending_per_user = 2").expect("valid");
        let reports = ReportSettings::of(&custom).expect("typed");
        assert_eq!((reports.queue.as_str(), reports.max_pending_per_user), ("monthly", 2));
        assert_eq!(reports.policy().max_pending_per_user, 2);
    }

    #[test]
    fn unusable_values_and_the_old_names_are_refused_by_name() {
        let error = load("[reports]\nbatch_size = 0").expect_err("a zero batch");
        assert!(error.to_string().contains("reports.batch_size"), "{error}");
        let error = load("[reports]\nqueue = \"welcome\"").expect_err("the welcome queue's name");
        assert!(error.to_string().contains("reports.queue"), "{error}");
        let error = load("[reports]\nmax_range_days = \"many\"").expect_err("not a number");
        assert!(error.to_string().contains("reports"), "{error}");
        let error = load("[jobs]\nqueue = \"old\"").expect_err("a renamed setting");
        assert!(error.to_string().contains("jobs.queue") && error.to_string().contains("reports.queue"), "{error}");
    }

    #[test]
    fn list_pages_come_from_the_realworld_section_and_the_old_names_are_refused() {
        assert_eq!(RealWorldSettings::of(&load("").expect("valid")).expect("typed").limits(), ListLimits::default());
        let custom = load("[realworld]\nmax_comments_per_page = 3\nmax_tags_per_page = 4").expect("valid");
        let limits = RealWorldSettings::of(&custom).expect("typed").limits();
        assert_eq!((limits.max_comments, limits.max_tags), (3, 4));
        let error = load("[realworld]\nmax_tags_per_page = 0").expect_err("an empty page");
        assert!(error.to_string().contains("realworld.max_tags_per_page"), "{error}");
        for (old, new) in [("max_comments", "max_comments_per_page"), ("max_tags", "max_tags_per_page")] {
            let error = load(&format!("[pagination]\n{old} = 50")).expect_err("a renamed setting");
            let message = error.to_string();
            assert!(
                message.contains(&format!("pagination.{old}")) && message.contains(&format!("realworld.{new}")),
                "{message}"
            );
        }
    }
}
