//! The one ordered list of schema migrations across features, the [`Migrator`] that
//! applies it, and the schema's table names (the query metrics' labels).
//!
//! Each feature keeps its entities and migrations in its own folder
//! (`crate::accounts::migrations`, ...) and describes its schema in one [`FeatureSchema`]
//! entry: its migrations, oldest first, the released ones, its tables; its entry in
//! `wiring::FEATURES` names it. The global order is the order of the names: a migration's
//! `mYYYYMMDD_NNNNNN_` prefix is its position among every feature's migrations, as with
//! `sea-orm-cli migrate generate`. The tests below check that names are unique, that each
//! feature lists its own in that order, that released migrations keep their names and
//! order, and that a new migration sorts after every released one, so a new database and
//! an upgraded one apply the same migrations in the same order.
//!
//! sea-orm-migration records applied names in `seaql_migrations` and applies every listed
//! name it does not find there, in list order, even one listed before applied ones; it
//! refuses to start when a recorded name is no longer listed. Hence: never rename, remove
//! or edit a released migration; add a new one in the feature's folder instead.

pub mod columns;

use sea_orm_migration::prelude::*;

/// One feature's schema, named by its entry in `wiring::FEATURES`.
pub struct FeatureSchema {
    /// Every migration of the feature, oldest first.
    pub(crate) migrations: fn() -> Vec<Box<dyn MigrationTrait>>,
    /// The names of those in released databases, oldest first: frozen (never renamed,
    /// reordered or edited), and every later migration's name sorts after all of them.
    /// Read by the tests only: they are the check.
    #[cfg_attr(not(test), expect(dead_code, reason = "the tests below check it"))]
    pub(crate) released: &'static [&'static str],
    /// The tables its migrations create: the only table names query metrics report.
    pub(crate) tables: &'static [&'static str],
}

/// Every feature with tables, in the order of `wiring::FEATURES` (each feature's
/// entry there names its schema).
fn features() -> Vec<&'static FeatureSchema> {
    crate::wiring::schemas().collect()
}

/// Every feature's migrations, merged in the order of their names.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations: Vec<Box<dyn MigrationTrait>> =
            features().into_iter().flat_map(|feature| (feature.migrations)()).collect();
        // Stable: equal names (refused by the tests) would keep their feature order.
        migrations.sort_by(|a, b| a.name().cmp(b.name()));
        migrations
    }
}

/// Every feature's tables, then sea-orm-migration's own.
pub(crate) fn tables() -> impl Iterator<Item = &'static str> {
    features().into_iter().flat_map(|feature| feature.tables.iter().copied()).chain(["seaql_migrations"])
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    use sea_orm_migration::MigratorTrait;

    use super::{FeatureSchema, Migrator, features};
    use crate::testing::TestDb;

    fn names(feature: &FeatureSchema) -> Vec<String> {
        (feature.migrations)().iter().map(|m| m.name().to_owned()).collect()
    }

    fn all_names() -> Vec<String> {
        features().into_iter().flat_map(names).collect()
    }

    #[test]
    fn migration_names_are_unique_across_features() {
        let names = all_names();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "two migrations share a name: {names:?}");
    }

    #[test]
    fn migration_names_carry_their_position() {
        for name in all_names() {
            let parts: Vec<&str> = name.splitn(3, '_').collect();
            let ok = parts.len() == 3
                && parts[0].len() == 9
                && parts[0].starts_with('m')
                && parts[0][1..].bytes().all(|b| b.is_ascii_digit())
                && parts[1].len() == 6
                && parts[1].bytes().all(|b| b.is_ascii_digit())
                && !parts[2].is_empty()
                && parts[2].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            assert!(ok, "{name:?} is not `mYYYYMMDD_NNNNNN_snake_case`");
        }
    }

    #[test]
    fn each_feature_lists_its_migrations_in_name_order() {
        for feature in features() {
            let listed = names(feature);
            let mut sorted = listed.clone();
            sorted.sort();
            assert_eq!(listed, sorted, "a feature's list must be oldest first, i.e. in name order");
        }
    }

    #[test]
    fn released_migrations_keep_their_names_and_order() {
        for feature in features() {
            let listed = names(feature);
            let released: Vec<String> = feature.released.iter().map(|&name| name.to_owned()).collect();
            assert!(
                listed.starts_with(&released),
                "released migrations must stay first, named and ordered as released: {released:?}, listed {listed:?}"
            );
        }
    }

    #[test]
    fn new_migrations_sort_after_every_released_one() {
        let released: HashSet<&str> = features().into_iter().flat_map(|f| f.released.iter().copied()).collect();
        let newest_released = released.iter().max().copied().unwrap_or_default();
        for name in all_names().iter().filter(|name| !released.contains(name.as_str())) {
            assert!(
                name.as_str() > newest_released,
                "{name} would run before {newest_released} on new databases but after it on released ones"
            );
        }
    }

    #[test]
    fn the_migrator_runs_every_feature_s_migrations_in_name_order() {
        let run: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
        let mut expected = all_names();
        expected.sort();
        assert_eq!(run, expected);
    }

    /// The tables a migrated database has are exactly the ones the features name (the
    /// query metrics' labels cannot miss a table or name one that does not exist).
    async fn the_features_name_exactly_the_tables_their_migrations_create(t: TestDb) {
        let backend = t.db.get_database_backend();
        let sql = match backend {
            DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            _ => "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
        };
        let rows = t.db.query_all_raw(Statement::from_string(backend, sql)).await.expect("list tables");
        let created: BTreeSet<String> = rows.iter().map(|row| row.try_get_by_index(0).expect("a name")).collect();
        let named: BTreeSet<String> = super::tables().map(str::to_owned).collect();
        assert_eq!(created, named);
    }

    #[tokio::test]
    async fn the_features_name_exactly_the_tables_their_migrations_create_on_sqlite() {
        the_features_name_exactly_the_tables_their_migrations_create(TestDb::sqlite().await).await;
    }

    #[tokio::test]
    async fn the_features_name_exactly_the_tables_their_migrations_create_on_postgres() {
        the_features_name_exactly_the_tables_their_migrations_create(TestDb::postgres().await).await;
    }
}
