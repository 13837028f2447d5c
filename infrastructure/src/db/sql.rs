//! Helpers shared by the repositories: running builder queries (sea-query) into
//! `FromQueryResult` row types, and error mapping.

use application::{RepoError, Unavailable};
use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{ConnAcquireErr, ConnectionTrait, DbErr, FromQueryResult, RuntimeErr, SqlErr};

/// Runs a builder query and reads every row as `R`.
pub async fn fetch_all<R: FromQueryResult>(
    db: &impl ConnectionTrait,
    query: &SelectStatement,
) -> Result<Vec<R>, DbErr> {
    R::find_by_statement(db.get_database_backend().build(query)).all(db).await
}

/// Runs a builder query and reads its first row, if any, as `R`.
pub async fn fetch_one<R: FromQueryResult>(
    db: &impl ConnectionTrait,
    query: &SelectStatement,
) -> Result<Option<R>, DbErr> {
    R::find_by_statement(db.get_database_backend().build(query)).one(db).await
}

/// A constant written into the SQL (`SELECT 1`, `THEN 1 ELSE 0`) instead of a bound
/// parameter, so the statement reads as the query it is and PostgreSQL knows its type.
pub fn literal(n: i32) -> Expr {
    Expr::Constant(n.into())
}

/// Maps the driver's errors to the ports' [`RepoError`]: every repository goes through
/// this trait instead of mapping errors by hand.
pub(crate) trait DbResultExt<T> {
    /// Any database error as `Unexpected`.
    fn or_unexpected(self) -> Result<T, RepoError>;

    /// A unique violation on one of `fields` as `Conflict(field)`, anything else as
    /// `Unexpected`. Constraint names contain the column name (see the migrations), and
    /// both SQLite and PostgreSQL name the constraint or column in the message.
    fn conflict_on(self, fields: &'static [&'static str]) -> Result<T, RepoError>;
}

/// PostgreSQL's SQLSTATE `query_canceled`: the statement hit `statement_timeout` (or an
/// operator cancelled it; either way, a retry may succeed).
const QUERY_CANCELED: &str = "57014";

/// Whether a SQLSTATE says the connection, not the statement, failed: class 08
/// (connection exception) and PostgreSQL's shutdown codes (`admin_shutdown`,
/// `crash_shutdown`, `cannot_connect_now`, seen while it restarts).
fn connection_lost(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
}

/// Whether a retry may cure `err`: the pool had no free connection within its acquire
/// timeout, the database cancelled the statement, or it could not be reached (a restart:
/// the pool reconnects by itself once it is back).
pub(crate) fn unavailable(err: &DbErr) -> Option<Unavailable> {
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => Some(Unavailable::PoolExhausted),
        DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed) => Some(Unavailable::DatabaseUnreachable),
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => match &**e {
            sea_orm::sqlx::Error::PoolTimedOut => Some(Unavailable::PoolExhausted),
            sea_orm::sqlx::Error::Database(db) if db.code().as_deref() == Some(QUERY_CANCELED) => {
                Some(Unavailable::StatementTimeout)
            }
            sea_orm::sqlx::Error::Database(db) if db.code().is_some_and(|code| connection_lost(&code)) => {
                Some(Unavailable::DatabaseUnreachable)
            }
            sea_orm::sqlx::Error::Io(_)
            | sea_orm::sqlx::Error::Tls(_)
            | sea_orm::sqlx::Error::PoolClosed
            | sea_orm::sqlx::Error::WorkerCrashed => Some(Unavailable::DatabaseUnreachable),
            _ => None,
        },
        _ => None,
    }
}

/// Any database error as `Unexpected`, with [`Unavailable`] as context when a retry may
/// cure it (the port's rule): every repository error path goes through here.
pub(crate) fn unexpected(err: DbErr) -> RepoError {
    let retry = unavailable(&err);
    let cause = anyhow::Error::from(err);
    RepoError::Unexpected(match retry {
        Some(unavailable) => cause.context(unavailable),
        None => cause,
    })
}

impl<T> DbResultExt<T> for Result<T, DbErr> {
    fn or_unexpected(self) -> Result<T, RepoError> {
        self.map_err(unexpected)
    }

    fn conflict_on(self, fields: &'static [&'static str]) -> Result<T, RepoError> {
        self.map_err(|err| conflict(err, fields))
    }
}

/// See [`DbResultExt::conflict_on`]; for errors already taken out of their `Result`.
pub(crate) fn conflict(err: DbErr, fields: &'static [&'static str]) -> RepoError {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() {
        let message = format!("{message} {err}");
        if let Some(field) = fields.iter().find(|f| message.contains(**f)) {
            return RepoError::Conflict(field);
        }
    }
    unexpected(err)
}

#[cfg(test)]
mod unavailable_tests {
    use std::sync::Arc;

    use super::*;

    fn io(kind: std::io::ErrorKind) -> DbErr {
        let error = sea_orm::sqlx::Error::Io(std::io::Error::new(kind, "connection refused"));
        DbErr::Conn(RuntimeErr::SqlxError(Arc::new(error)))
    }

    #[test]
    fn a_database_that_cannot_be_reached_is_unavailable_not_unexpected() {
        assert_eq!(unavailable(&io(std::io::ErrorKind::ConnectionRefused)), Some(Unavailable::DatabaseUnreachable));
        let closed = DbErr::Query(RuntimeErr::SqlxError(Arc::new(sea_orm::sqlx::Error::PoolClosed)));
        assert_eq!(unavailable(&closed), Some(Unavailable::DatabaseUnreachable));
        assert_eq!(
            unavailable(&DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)),
            Some(Unavailable::DatabaseUnreachable)
        );
        assert!(connection_lost("08006") && connection_lost("57P01") && !connection_lost("23505"));
        let missing = DbErr::Query(RuntimeErr::SqlxError(Arc::new(sea_orm::sqlx::Error::RowNotFound)));
        assert_eq!(unavailable(&missing), None, "other driver errors stay unexpected");
    }
}
