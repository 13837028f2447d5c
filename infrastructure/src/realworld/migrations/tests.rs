//! The example's place in the one migration order, its table names in the query metrics,
//! and the upgrade of a database created before the schema was split by feature.

use sea_orm::ConnectionTrait;
use sea_orm_migration::MigratorTrait;

use crate::db::{self, Migrator, query_metrics::operation};
use crate::testing::TestDb;

/// What released databases record in `seaql_migrations`, in the order they applied it.
const RELEASED_ORDER: &[&str] = &[
    "m20261122_000001_create_schema",
    "m20261122_000002_add_user_admin",
    "m20261122_000003_create_reports",
    "m20261122_000004_add_report_job_token",
    "m20261122_000005_add_user_welcomed_at",
];

const SPLIT: &str = "m20261122_000001_create_schema_realworld";

#[test]
fn the_global_order_keeps_the_released_order_with_the_split_right_after_the_users_table() {
    let run: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let released: Vec<&str> = run.iter().map(String::as_str).filter(|name| RELEASED_ORDER.contains(name)).collect();
    assert_eq!(released, RELEASED_ORDER, "released migrations run in the order released databases applied them");
    assert_eq!(&run[..2], ["m20261122_000001_create_schema", SPLIT], "the example's tables need `users` first");
}

#[test]
fn the_example_s_tables_are_metric_labels() {
    assert_eq!(operation(r#"SELECT "articles"."id" FROM "articles" WHERE 1"#), "select_articles");
    assert_eq!(operation(r#"INSERT INTO "comments" ("body") VALUES ($1)"#), "insert_comments");
    assert_eq!(operation(r#"INSERT INTO "report_lines" ("report_id") VALUES ($1)"#), "insert_report_lines");
    assert_eq!(operation(r#"DELETE FROM "favorites" WHERE 1"#), "delete_favorites");
}

/// A database migrated before the split: the example's tables (with rows) exist, made by
/// `m20261122_000001_create_schema`, and `seaql_migrations` has no row for the split.
/// Migrating it records the split and changes nothing else.
async fn a_database_from_before_the_split_upgrades_as_a_no_op(t: TestDb) {
    let now = "'2026-11-22 10:00:00+00:00'";
    for sql in [
        format!(
            "INSERT INTO users (id, username, email, password_hash, created_at, updated_at) \
             VALUES (1, 'old', 'old@example.com', 'x', {now}, {now})"
        ),
        format!(
            "INSERT INTO articles (id, author_id, slug, title, description, body, created_at, updated_at) \
             VALUES (1, 1, 'old-article', 'Old', 'd', 'b', {now}, {now})"
        ),
        "INSERT INTO tags (id, name) VALUES (1, 'old-tag')".to_owned(),
        "INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 1, 0)".to_owned(),
        format!(
            "INSERT INTO comments (id, article_id, author_id, body, created_at, updated_at) VALUES (1, 1, 1, 'c', {now}, {now})"
        ),
        format!("INSERT INTO favorites (user_id, article_id, created_at) VALUES (1, 1, {now})"),
        format!("DELETE FROM seaql_migrations WHERE version = '{SPLIT}'"),
    ] {
        t.db.execute_unprepared(&sql).await.expect(&sql);
    }

    db::run_migrations(&t.db).await.expect("the split runs on a database that has its tables");

    let recorded = format!("SELECT COUNT(*) FROM seaql_migrations WHERE version = '{SPLIT}'");
    assert_eq!(t.scalar(&recorded).await, 1);
    for table in ["users", "articles", "tags", "article_tags", "comments", "favorites"] {
        assert_eq!(t.scalar(&format!("SELECT COUNT(*) FROM {table}")).await, 1, "{table} keeps its row");
    }
}

#[tokio::test]
async fn a_database_from_before_the_split_upgrades_as_a_no_op_on_sqlite() {
    a_database_from_before_the_split_upgrades_as_a_no_op(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_database_from_before_the_split_upgrades_as_a_no_op_on_postgres() {
    a_database_from_before_the_split_upgrades_as_a_no_op(TestDb::postgres().await).await;
}
