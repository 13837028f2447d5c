//! The example's schema migrations (sea-query, so one definition runs on SQLite and
//! PostgreSQL). The platform's `Migrator` (`crate::db::migrations`) runs them with every
//! other feature's, all in the order of their names: the example's tables refer to
//! accounts' `users`, so they sort after `m20261122_000001_create_schema`.
//!
//! Adding one: a new file `mYYYYMMDD_NNNNNN_what.rs` here (a name that sorts after every
//! migration of every feature, see `db::migrations`), one `mod` line and one line at the
//! end of [`all`]. Never edit a released migration.

mod m20261122_000001_create_schema_realworld;
mod m20261122_000003_create_reports;
mod m20261122_000004_add_report_job_token;
#[cfg(test)]
mod tests;

use sea_orm_migration::MigrationTrait;

use crate::db::migrations::FeatureSchema;

/// The example's entry in the platform's schema list.
pub(crate) const SCHEMA: FeatureSchema = FeatureSchema {
    migrations: all,
    released: &[
        // Its tables shipped in accounts' `m20261122_000001_create_schema`; databases from
        // before the split run it once, as a no-op (see the file).
        "m20261122_000001_create_schema_realworld",
        "m20261122_000003_create_reports",
        "m20261122_000004_add_report_job_token",
    ],
    tables: &["follows", "articles", "tags", "article_tags", "favorites", "comments", "reports", "report_lines"],
};

/// Every migration of the example, oldest first.
fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261122_000001_create_schema_realworld::Migration),
        Box::new(m20261122_000003_create_reports::Migration),
        Box::new(m20261122_000004_add_report_job_token::Migration),
    ]
}
