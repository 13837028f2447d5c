//! Schema migrations, written with sea-query so one definition runs on SQLite and
//! PostgreSQL. Never edit a released migration: add a new file here and list it in
//! [`Migrator::migrations`].
//!
//! Every filter and sort of the API has an index: `slug`, `username`, `email` and tag
//! `name` are unique; lists sort by `(created_at, id)`; author, tag, favorited-by and
//! feed filters use `(author_id, created_at, id)`, `article_tags(tag_id, article_id)`,
//! `favorites(user_id, article_id)` (its key) and `follows(follower_id, followee_id)`.

mod m20261122_000001_create_schema;
mod m20261122_000002_add_user_admin;
//{% if realworld %} The RealWorld example's report jobs.
mod m20261122_000003_create_reports;
mod m20261122_000004_add_report_job_token;
//{% endif %} The welcome job's record on each account.
mod m20261122_000005_add_user_welcomed_at;
mod m20261203_000006_add_user_credential_version;

use sea_orm_migration::prelude::*;

/// Every migration, oldest first.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_schema::Migration),
            Box::new(m20261122_000002_add_user_admin::Migration),
            //{% if realworld %} The RealWorld example's report jobs.
            Box::new(m20261122_000003_create_reports::Migration),
            Box::new(m20261122_000004_add_report_job_token::Migration),
            //{% endif %} The welcome job (every project).
            Box::new(m20261122_000005_add_user_welcomed_at::Migration),
            Box::new(m20261203_000006_add_user_credential_version::Migration),
        ]
    }
}
