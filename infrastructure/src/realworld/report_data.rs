//! The activity data reports are computed from, read in keyset batches of users.

use application::RepoError;
use application::realworld::{AuthorActivity, ReportDataSource};
use async_trait::async_trait;
use domain::UserId;
use domain::realworld::DateRange;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Value};

use crate::db::sql::{DbResultExt, statement};

/// Per user of the batch, four counts over the range `[start, end)`: each a correlated
/// subquery that walks an index (`ix_articles_author_created`, `ix_favorites_article`,
/// `ix_comments_article`, `ix_follows_followee`), so a batch costs in proportion to the
/// activity of its users, and the whole report reads each row once.
const ACTIVITY: &str = "SELECT u.id, u.username, \
    (SELECT COUNT(*) FROM articles a WHERE a.author_id = u.id AND a.created_at >= ? AND a.created_at < ?) \
      AS articles, \
    (SELECT COUNT(*) FROM articles a JOIN favorites f ON f.article_id = a.id \
      WHERE a.author_id = u.id AND f.created_at >= ? AND f.created_at < ?) AS favorites, \
    (SELECT COUNT(*) FROM articles a JOIN comments c ON c.article_id = a.id \
      WHERE a.author_id = u.id AND c.created_at >= ? AND c.created_at < ?) AS comments, \
    (SELECT COUNT(*) FROM follows fo WHERE fo.followee_id = u.id AND fo.created_at >= ? AND fo.created_at < ?) \
      AS followers \
    FROM users u WHERE u.id > ?";

/// [`ReportDataSource`] on sea-orm (SQLite and PostgreSQL).
#[derive(Clone)]
pub struct SqlReportData {
    db: DatabaseConnection,
}

impl SqlReportData {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn count(row: &sea_orm::QueryResult, column: &str) -> Result<u64, DbErr> {
    Ok(u64::try_from(row.try_get::<i64>("", column)?).unwrap_or(0))
}

#[async_trait]
impl ReportDataSource for SqlReportData {
    async fn activity_batch(
        &self,
        only: Option<UserId>,
        range: DateRange,
        after: i64,
        limit: u64,
    ) -> Result<Vec<AuthorActivity>, RepoError> {
        let (start, end) = range.bounds();
        let (start, end) = (Value::from(start.as_datetime()), Value::from(end.as_datetime()));
        let mut values = Vec::with_capacity(11);
        for _ in 0..4 {
            values.push(start.clone());
            values.push(end.clone());
        }
        values.push(after.into());
        let mut sql = ACTIVITY.to_owned();
        if let Some(user) = only {
            sql.push_str(" AND u.id = ?");
            values.push(user.0.into());
        }
        sql.push_str(" ORDER BY u.id LIMIT ?");
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        let rows = self.db.query_all_raw(statement(self.db.get_database_backend(), &sql, values)).await;
        rows.or_unexpected()?
            .iter()
            .map(|row| {
                Ok(AuthorActivity {
                    author: UserId(row.try_get("", "id")?),
                    username: row.try_get("", "username")?,
                    articles: count(row, "articles")?,
                    favorites: count(row, "favorites")?,
                    comments: count(row, "comments")?,
                    followers: count(row, "followers")?,
                })
            })
            .collect::<Result<_, DbErr>>()
            .or_unexpected()
    }

    async fn count_authors(&self, only: Option<UserId>) -> Result<u64, RepoError> {
        let (sql, values) = match only {
            Some(user) => ("SELECT COUNT(*) AS total FROM users WHERE id = ?", vec![user.0.into()]),
            None => ("SELECT COUNT(*) AS total FROM users", vec![]),
        };
        let row = self.db.query_one_raw(statement(self.db.get_database_backend(), sql, values)).await;
        let row = row.or_unexpected()?;
        Ok(row.map(|r| count(&r, "total")).transpose().or_unexpected()?.unwrap_or(0))
    }

    async fn top_tags(
        &self,
        only: Option<UserId>,
        range: DateRange,
        limit: u64,
    ) -> Result<Vec<(String, u64)>, RepoError> {
        let (start, end) = range.bounds();
        let mut values: Vec<Value> = vec![start.as_datetime().into(), end.as_datetime().into()];
        let mut sql = "SELECT t.name, COUNT(*) AS uses FROM articles a \
            JOIN article_tags x ON x.article_id = a.id JOIN tags t ON t.id = x.tag_id \
            WHERE a.created_at >= ? AND a.created_at < ?"
            .to_owned();
        if let Some(user) = only {
            sql.push_str(" AND a.author_id = ?");
            values.push(user.0.into());
        }
        sql.push_str(" GROUP BY t.name ORDER BY uses DESC, t.name LIMIT ?");
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        let rows = self.db.query_all_raw(statement(self.db.get_database_backend(), &sql, values)).await;
        rows.or_unexpected()?
            .iter()
            .map(|row| Ok((row.try_get::<String>("", "name")?, count(row, "uses")?)))
            .collect::<Result<_, DbErr>>()
            .or_unexpected()
    }
}
