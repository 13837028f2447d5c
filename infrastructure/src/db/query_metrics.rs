//! `db_query_duration_seconds{operation}`: every statement sea-orm runs, timed.
//!
//! The label is the statement's verb and table (`select_articles`, `insert_comments`),
//! restricted to the schema's tables (each feature names its own, see
//! `db::migrations::FeatureSchema`) so the number of series stays bounded whatever SQL
//! runs; any other name is reported as `other`.

use sea_orm::DatabaseConnection;
use sea_orm::metric::Info;

/// Records the duration of every statement run on `db` (and its clones made afterwards).
pub fn instrument(db: &mut DatabaseConnection) {
    db.set_metric_callback(|info: &Info<'_>| {
        metrics::histogram!("db_query_duration_seconds", "operation" => operation(&info.statement.sql))
            .record(info.elapsed.as_secs_f64());
    });
}

/// `verb_table` for a statement, e.g. `select_articles`; `other` when unrecognised.
pub fn operation(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let Some(verb) = words.first().map(|w| w.to_ascii_lowercase()) else {
        return "other".to_owned();
    };
    // The table follows FROM (select, delete), INTO (insert) or the verb (update).
    let marker = match verb.as_str() {
        "select" | "delete" => "from",
        "insert" => "into",
        "update" => "update",
        _ => return "other".to_owned(),
    };
    let table = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case(marker))
        .and_then(|i| words.get(i + 1))
        .map(|word| word.rsplit('.').next().unwrap_or_default().trim_matches(|c: char| c == '"' || c == '`'))
        .and_then(|name| super::migrations::tables().find(|t| t.eq_ignore_ascii_case(name)))
        .unwrap_or("other");
    format!("{verb}_{table}")
}

#[cfg(test)]
mod tests {
    use super::operation;

    #[test]
    fn operations_name_the_verb_and_a_known_table() {
        assert_eq!(operation(r#"SELECT "users"."id" FROM "users" WHERE 1"#), "select_users");
        assert_eq!(operation(r#"INSERT INTO "users" ("email") VALUES ($1)"#), "insert_users");
        assert_eq!(operation(r#"UPDATE "users" SET "bio" = $1"#), "update_users");
        assert_eq!(operation(r#"DELETE FROM "users" WHERE 1"#), "delete_users");
        assert_eq!(operation(r#"SELECT "version" FROM "seaql_migrations""#), "select_seaql_migrations");
    }

    #[test]
    fn unknown_tables_and_statements_keep_the_label_set_bounded() {
        assert_eq!(operation("SELECT 1"), "select_other");
        assert_eq!(operation("SELECT * FROM pg_catalog.whatever"), "select_other");
        assert_eq!(operation("PRAGMA foreign_keys"), "other");
        assert_eq!(operation(""), "other");
    }
}
