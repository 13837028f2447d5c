//! Helpers shared by the repositories: running builder queries (sea-query) into
//! `FromQueryResult` row types, and error mapping.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use application::{RepoError, Unavailable};
use sea_orm::sea_query::{Expr, SelectStatement, Value, Values};
use sea_orm::{ConnAcquireErr, ConnectionTrait, DbBackend, DbErr, FromQueryResult, RuntimeErr, SqlErr, Statement};

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

/// The SQL text of builder queries on a hot path, built once per backend and shape.
///
/// Building a statement with sea-query allocates for every column, alias and condition and
/// then writes the text: on the uncached single-article read that was about 55 CPU-µs of
/// the request's ~250 (docs/realworld/benchmarks.md, "Statement text built once"). A query
/// whose text depends only on its shape (which filters, how many ids, not their values) is
/// built the first time and its text reused; each call binds its own values.
///
/// The caller passes those values in the order the builder binds them. Debug builds (every
/// test) build the query on every call anyway and assert that the text and the values are
/// the builder's, so a wrong order or a text that depends on a value fails the tests.
#[derive(Default)]
pub struct SqlCache {
    texts: RwLock<HashMap<(bool, u64), Arc<str>>>,
}

impl SqlCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The statement `build()` makes, with `values` bound. `shape` must tell apart every
    /// query `build` can return with a different text (e.g. the number of ids of an `IN`).
    pub fn statement(
        &self,
        backend: DbBackend,
        shape: u64,
        build: impl Fn() -> SelectStatement,
        values: Vec<Value>,
    ) -> Statement {
        let key = (backend == DbBackend::Postgres, shape);
        let cached = self.texts.read().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
        let text = match cached {
            Some(text) => {
                if cfg!(debug_assertions) {
                    assert_same_as_built(backend, &build, &text, &values);
                }
                text
            }
            None => {
                let built = backend.build(&build());
                assert_eq!(built.values, Some(Values(values.clone())), "{VALUES_DIFFER}");
                let text: Arc<str> = built.sql.into();
                self.texts.write().unwrap_or_else(PoisonError::into_inner).entry(key).or_insert(text).clone()
            }
        };
        Statement::from_sql_and_values(backend, &*text, values)
    }

    /// Runs the statement of [`SqlCache::statement`] and reads every row as `R`.
    pub async fn fetch_all<R: FromQueryResult>(
        &self,
        db: &impl ConnectionTrait,
        shape: u64,
        build: impl Fn() -> SelectStatement,
        values: Vec<Value>,
    ) -> Result<Vec<R>, DbErr> {
        R::find_by_statement(self.statement(db.get_database_backend(), shape, build, values)).all(db).await
    }

    /// Runs the statement of [`SqlCache::statement`] and reads its first row, if any, as `R`.
    pub async fn fetch_one<R: FromQueryResult>(
        &self,
        db: &impl ConnectionTrait,
        shape: u64,
        build: impl Fn() -> SelectStatement,
        values: Vec<Value>,
    ) -> Result<Option<R>, DbErr> {
        R::find_by_statement(self.statement(db.get_database_backend(), shape, build, values)).one(db).await
    }
}

/// Panics unless `build()` makes exactly `text` with exactly `values`: a caller's values in
/// the wrong order, or a shape key that misses a difference, is a bug to catch in tests.
fn assert_same_as_built(backend: DbBackend, build: &impl Fn() -> SelectStatement, text: &str, values: &[Value]) {
    let built = backend.build(&build());
    assert_eq!(built.sql, text, "the cached SQL text differs from the builder's: the shape key misses a difference");
    assert_eq!(built.values, Some(Values(values.to_vec())), "{VALUES_DIFFER}");
}

const VALUES_DIFFER: &str = "the values passed are not the ones the builder binds, in its order";

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

#[cfg(test)]
mod sql_cache_tests {
    use sea_orm::sea_query::{ExprTrait, Query};

    use super::*;

    /// `SELECT "x" FROM "t" WHERE "a" = ? AND "b" IN (?, ...)`.
    fn query(a: &str, bs: &[i64]) -> SelectStatement {
        Query::select()
            .column("x")
            .from("t")
            .and_where(Expr::col("a").eq(a))
            .and_where(Expr::col("b").is_in(bs.iter().copied()))
            .to_owned()
    }

    fn values(a: &str, bs: &[i64]) -> Vec<Value> {
        std::iter::once(a.into()).chain(bs.iter().map(|&b| b.into())).collect()
    }

    #[test]
    fn the_cached_statement_is_the_builders_for_every_call_and_shape() {
        let cache = SqlCache::new();
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            for (a, bs) in [("one", &[1][..]), ("two", &[2][..]), ("three", &[3, 4][..]), ("four", &[5, 6][..])] {
                let cached = cache.statement(backend, bs.len() as u64, || query(a, bs), values(a, bs));
                let built = backend.build(&query(a, bs));
                assert_eq!((cached.sql, cached.values), (built.sql, built.values));
            }
        }
        assert_eq!(cache.texts.read().expect("not poisoned").len(), 4, "one text per backend and shape");
    }

    #[test]
    #[should_panic(expected = "the values passed are not the ones the builder binds")]
    fn values_in_another_order_than_the_builders_panic() {
        let mut wrong = values("a", &[1]);
        wrong.reverse();
        SqlCache::new().statement(DbBackend::Postgres, 1, || query("a", &[1]), wrong);
    }

    #[test]
    #[should_panic(expected = "the shape key misses a difference")]
    fn a_shape_key_that_misses_a_different_text_panics() {
        let cache = SqlCache::new();
        cache.statement(DbBackend::Postgres, 0, || query("a", &[1]), values("a", &[1]));
        cache.statement(DbBackend::Postgres, 0, || query("a", &[1, 2]), values("a", &[1, 2]));
    }
}
