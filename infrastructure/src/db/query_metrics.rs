//! `db_query_duration_seconds{operation}`: every statement sea-orm runs, timed.
//!
//! The label is the statement's verb and table (`select_articles`, `insert_comments`),
//! restricted to the schema's tables (each feature names its own, see
//! `db::migrations::FeatureSchema`) so the number of series stays bounded whatever SQL
//! runs; any other name is reported as `other`. The same classification names the
//! statement spans of traces (`SELECT articles`), which carry no SQL text and no values.

use sea_orm::metric::Info;
use sea_orm::{DatabaseConnection, DbBackend};

/// Records the duration of every statement run on `db` (and its clones made afterwards),
/// and, when traces are exported, a span per statement (`telemetry::sql_span`).
pub fn instrument(db: &mut DatabaseConnection) {
    let system = match db.get_database_backend() {
        DbBackend::Postgres => "postgresql",
        DbBackend::Sqlite => "sqlite",
        _ => "other_sql",
    };
    db.set_metric_callback(move |info: &Info<'_>| {
        let statement = classify(&info.statement.sql);
        metrics::histogram!("db_query_duration_seconds", "operation" => operation_label(statement))
            .record(info.elapsed.as_secs_f64());
        if let Some(Statement { verb, table }) = statement {
            crate::telemetry::sql_span(system, verb.otel_name(), table, info.elapsed, info.failed);
        }
    });
}

/// The verb of a recognised statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Select,
    Insert,
    Update,
    Delete,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Self::Select => "select",
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }

    /// As OpenTelemetry's `db.operation.name` spells it.
    fn otel_name(self) -> &'static str {
        match self {
            Self::Select => "SELECT",
            Self::Insert => "INSERT",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }
}

/// What a statement does: its verb and the schema table it names (`other` for any
/// table outside the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    pub verb: Verb,
    pub table: &'static str,
}

/// `verb_table` for a statement, e.g. `select_articles`; `other` when unrecognised.
pub fn operation(sql: &str) -> String {
    operation_label(classify(sql))
}

fn operation_label(statement: Option<Statement>) -> String {
    statement.map_or_else(|| "other".to_owned(), |s| format!("{}_{}", s.verb.as_str(), s.table))
}

/// The verb and table of `sql`; `None` for statements other than select, insert,
/// update and delete.
pub fn classify(sql: &str) -> Option<Statement> {
    let mut words = sql.split_whitespace();
    let first = words.next()?;
    // The table follows FROM (select, delete), INTO (insert) or the verb (update).
    let (verb, marker) = if first.eq_ignore_ascii_case("select") {
        (Verb::Select, "from")
    } else if first.eq_ignore_ascii_case("insert") {
        (Verb::Insert, "into")
    } else if first.eq_ignore_ascii_case("update") {
        (Verb::Update, "update")
    } else if first.eq_ignore_ascii_case("delete") {
        (Verb::Delete, "from")
    } else {
        return None;
    };
    let mut words = std::iter::once(first).chain(words);
    let table = words
        .position(|w| w.eq_ignore_ascii_case(marker))
        .and_then(|_| words.next())
        .map(|word| word.rsplit('.').next().unwrap_or_default().trim_matches(|c: char| c == '"' || c == '`'))
        .and_then(|name| super::migrations::tables().find(|t| t.eq_ignore_ascii_case(name)))
        .unwrap_or("other");
    Some(Statement { verb, table })
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
