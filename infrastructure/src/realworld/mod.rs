//! The RealWorld example's adapters: its tables (entities and migrations), repositories of
//! profiles, articles, comments, tags and reports (sea-orm on SQLite and PostgreSQL), the
//! report data source and the report job queue. Removed as a whole from projects
//! generated with `realworld=false`.

mod articles;
mod comments;
pub mod entities;
mod flags;
mod migrations;
mod profiles;
mod report_data;
mod report_queue;
mod reports;
mod settings;
#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;

use anyhow::Context as _;
use application::accounts::Accounts;
use application::realworld::{RealWorld, RealWorldPorts, ReportJob, ReportPorts, ReportQueue};
use application::{FeaturesBuilder, RepoError};
use sea_orm::{DbErr, SqlErr};

use crate::wiring::Wiring;

pub use articles::{SeaOrmArticleRepository, SeaOrmTagRepository};
pub use comments::SeaOrmCommentRepository;
pub(crate) use migrations::SCHEMA;
pub use profiles::SeaOrmProfileRepository;
pub use report_data::SqlReportData;
pub use report_queue::ApalisReportQueue;
pub use reports::SeaOrmReportRepository;
pub use settings::{REALWORLD_SECTION, RealWorldSettings, ReportSettings, SECTION};

/// The id to compare with when there is no viewer: no row has it, so per-viewer
/// `EXISTS` checks are false without a separate query shape.
pub(crate) const NO_VIEWER: i64 = -1;

/// The example's entry in `wiring::FEATURES`: wired after accounts, with its settings
/// sections `[realworld]` (list pages) and `[reports]` (report jobs).
pub const FEATURE: crate::wiring::Feature = crate::wiring::Feature {
    wire,
    settings: &[&settings::REALWORLD_SETTINGS, &settings::SETTINGS],
    schema: Some(&SCHEMA),
};

/// Registers the example's use cases on the database and the report queue (after
/// accounts: reports read the admin flag).
///
/// # Errors
/// Accounts are not wired yet, or no report queue is.
pub fn wire(wiring: &Wiring<'_>, features: &mut FeaturesBuilder) -> anyhow::Result<()> {
    let accounts = features.get::<Accounts>().context("the RealWorld example needs accounts wired before it")?;
    let db = wiring.db;
    let reports = ReportSettings::of(wiring.settings)?;
    let lists = RealWorldSettings::of(wiring.settings)?;
    let ports = RealWorldPorts {
        profiles: Arc::new(SeaOrmProfileRepository::new(db.clone())),
        articles: Arc::new(SeaOrmArticleRepository::new(db.clone())),
        comments: Arc::new(SeaOrmCommentRepository::new(db.clone())),
        tags: Arc::new(SeaOrmTagRepository::new(db.clone())),
        reports: ReportPorts {
            records: Arc::new(SeaOrmReportRepository::new(db.clone())),
            queue: wiring.queues.port::<dyn ReportQueue>(|queues| {
                Arc::new(ApalisReportQueue::new(queues.storage::<crate::jobs::Envelope<ReportJob>>(&reports.queue)))
            })?,
            data: Arc::new(SqlReportData::new(db.clone())),
            policy: reports.policy(),
        },
        lists: lists.limits(),
    };
    let realworld = RealWorld::new(ports, accounts, wiring.platform);
    features.insert(realworld);
    Ok(())
}

/// Error mapping of the example's writes that refer to another row (a comment's article, a
/// favorite's article), beside the platform's `DbResultExt`.
pub(crate) trait MissingParentExt<T> {
    /// A foreign-key violation as `NotFound`: the row referred to was deleted between
    /// the caller's lookup and this write.
    fn missing_parent_is_not_found(self) -> Result<T, RepoError>;
}

impl<T> MissingParentExt<T> for Result<T, DbErr> {
    fn missing_parent_is_not_found(self) -> Result<T, RepoError> {
        self.map_err(|err| match err.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => RepoError::NotFound,
            _ => crate::db::sql::unexpected(err),
        })
    }
}
