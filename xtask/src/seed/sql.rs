//! Batched multi-row `INSERT` statements that work on SQLite and PostgreSQL.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// Bound parameters per statement, under both SQLite's (32,766) and PostgreSQL's (65,535)
/// limits.
const MAX_PARAMS: usize = 30_000;

/// Writes rows of one table as `INSERT INTO t (..) VALUES (..), (..), ...`, `rows_per_statement`
/// rows at a time. Rows are pushed one by one and flushed when a batch is full, so a
/// million rows never sit in memory as parameters at once.
pub struct BatchInsert<'c, C: ConnectionTrait> {
    conn: &'c C,
    table: &'static str,
    columns: &'static [&'static str],
    suffix: &'static str,
    rows_per_statement: usize,
    values: Vec<Value>,
    pub rows: u64,
}

impl<'c, C: ConnectionTrait> BatchInsert<'c, C> {
    pub fn new(conn: &'c C, table: &'static str, columns: &'static [&'static str], rows_per_statement: usize) -> Self {
        let rows_per_statement = rows_per_statement.clamp(1, MAX_PARAMS / columns.len());
        Self {
            conn,
            table,
            columns,
            suffix: "",
            rows_per_statement,
            values: Vec::with_capacity(rows_per_statement * columns.len()),
            rows: 0,
        }
    }

    /// Appends text after the `VALUES` list, e.g. `ON CONFLICT (name) DO NOTHING`.
    pub fn with_suffix(mut self, suffix: &'static str) -> Self {
        self.suffix = suffix;
        self
    }

    /// Queues one row (one value per column, in order); sends a statement when full.
    ///
    /// # Errors
    /// The database rejects the statement.
    pub async fn push(&mut self, row: impl IntoIterator<Item = Value>) -> anyhow::Result<()> {
        let before = self.values.len();
        self.values.extend(row);
        anyhow::ensure!(self.values.len() - before == self.columns.len(), "row for {} has the wrong width", self.table);
        self.rows += 1;
        if self.values.len() >= self.rows_per_statement * self.columns.len() {
            self.flush().await?;
        }
        Ok(())
    }

    /// Sends the queued rows, if any.
    ///
    /// # Errors
    /// The database rejects the statement.
    pub async fn flush(&mut self) -> anyhow::Result<()> {
        if self.values.is_empty() {
            return Ok(());
        }
        let rows = self.values.len() / self.columns.len();
        let backend = self.conn.get_database_backend();
        let sql = insert_sql(backend, self.table, self.columns, rows, self.suffix);
        let values =
            std::mem::replace(&mut self.values, Vec::with_capacity(self.rows_per_statement * self.columns.len()));
        self.conn
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .map_err(|e| anyhow::anyhow!("inserting into {} failed: {e}", self.table))?;
        Ok(())
    }
}

/// `INSERT INTO table (a, b) VALUES (?, ?), (?, ?)` with `$n` placeholders on PostgreSQL.
pub fn insert_sql(backend: DbBackend, table: &str, columns: &[&str], rows: usize, suffix: &str) -> String {
    let width = columns.len();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    sql.reserve(rows * width * 6);
    let mut n = 0usize;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    if !suffix.is_empty() {
        sql.push(' ');
        sql.push_str(suffix);
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_and_plain_for_sqlite() {
        assert_eq!(
            insert_sql(DbBackend::Postgres, "t", &["a", "b"], 2, ""),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            insert_sql(DbBackend::Sqlite, "t", &["a"], 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a) VALUES (?), (?) ON CONFLICT DO NOTHING"
        );
    }
}
