//! Accounts' schema migrations (sea-query, so one definition runs on SQLite and
//! PostgreSQL). The platform's `Migrator` (`crate::db::migrations`) runs them with every
//! other feature's, all in the order of their names.
//!
//! Adding one: a new file `mYYYYMMDD_NNNNNN_what.rs` here (a name that sorts after every
//! migration of every feature, see `db::migrations`), one `mod` line and one line at the
//! end of [`all`]. Never edit a released migration.

mod m20261122_000001_create_schema;
mod m20261122_000002_add_user_admin;
mod m20261122_000005_add_user_welcomed_at;
mod m20261203_000006_add_user_credential_version;

use sea_orm_migration::MigrationTrait;

use crate::db::migrations::FeatureSchema;

/// Accounts' entry in the platform's schema list.
pub(crate) const SCHEMA: FeatureSchema = FeatureSchema {
    migrations: all,
    released: &[
        "m20261122_000001_create_schema",
        "m20261122_000002_add_user_admin",
        "m20261122_000005_add_user_welcomed_at",
    ],
    tables: &["users"],
};

/// Every migration of accounts, oldest first.
fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261122_000001_create_schema::Migration),
        Box::new(m20261122_000002_add_user_admin::Migration),
        Box::new(m20261122_000005_add_user_welcomed_at::Migration),
        Box::new(m20261203_000006_add_user_credential_version::Migration),
    ]
}
