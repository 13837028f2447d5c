//! Helpers for the hand-written SQL shared by the repositories.

//{% if realworld %} Types of the RealWorld example's hand-written SQL.
use sea_orm::{DbBackend, Statement, Value};
//{% endif %} The errors every repository maps.
use application::RepoError;
use sea_orm::{DbErr, SqlErr};

//{% if realworld %} The RealWorld example's hand-written SQL: statements, IN lists, viewers.
/// Builds a statement from SQL written with `?` placeholders (SQLite's), numbering
/// them `$1, $2, ...` for PostgreSQL. The SQL in this crate has no `?` in literals.
pub(crate) fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 16);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    numbered.push('$');
                    numbered.push_str(&n.to_string());
                } else {
                    numbered.push(c);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// `?, ?, ?` for an `IN (...)` list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The id to compare with when there is no viewer: no row has it, so per-viewer
/// `EXISTS` checks are false without a separate query shape.
pub(crate) const NO_VIEWER: i64 = -1;

//{% endif %} Error mapping, used by every repository.
/// Maps a database error, turning a unique violation on one of `fields` into
/// `Conflict(field)`. Constraint names contain the column name (see the migrations),
/// and both SQLite and PostgreSQL name the constraint or column in the message.
pub(crate) fn map_err(fields: &'static [&'static str]) -> impl Fn(DbErr) -> RepoError {
    move |err| {
        if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() {
            let message = format!("{message} {err}");
            if let Some(field) = fields.iter().find(|f| message.contains(**f)) {
                return RepoError::Conflict(field);
            }
        }
        RepoError::Unexpected(err.into())
    }
}

/// Any database error as `Unexpected`.
pub(crate) fn unexpected(err: DbErr) -> RepoError {
    RepoError::Unexpected(err.into())
}

//{% if realworld %} Tests of the RealWorld example's SQL helpers.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let pg = statement(DbBackend::Postgres, "a = ? AND b IN (?, ?)", vec![]);
        assert_eq!(pg.sql, "a = $1 AND b IN ($2, $3)");
        let lite = statement(DbBackend::Sqlite, "a = ?", vec![]);
        assert_eq!(lite.sql, "a = ?");
    }
}
//{% endif %} Test modules come last; nothing follows.
