//! The activity data reports are computed from, read in keyset batches of users.

use application::RepoError;
use application::realworld::{AuthorActivity, ReportDataSource};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::UserId;
use domain::realworld::DateRange;
use sea_orm::sea_query::{
    Asterisk, Expr, ExprTrait, IntoColumnRef, IntoIden, IntoTableRef, JoinType, Order, Query, SelectStatement,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter};

use crate::accounts::entities::users;
use crate::db::sql::{DbResultExt, fetch_all};
use crate::realworld::entities::{article_tags, articles, comments, favorites, follows, tags};

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

/// One user of a batch with the four counts of [`activity`].
#[derive(FromQueryResult)]
struct ActivityRow {
    id: i64,
    username: String,
    articles: i64,
    favorites: i64,
    comments: i64,
    followers: i64,
}

#[derive(FromQueryResult)]
struct TagUses {
    name: String,
    uses: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// `column >= start AND column < end`.
fn within(column: impl IntoColumnRef + Clone, (start, end): (DateTime<Utc>, DateTime<Utc>)) -> Expr {
    Expr::col(column.clone()).gte(start).and(Expr::col(column).lt(end))
}

/// `(SELECT COUNT(*) FROM ...)` as a column of the outer query.
fn counted(mut from: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(from.expr(Expr::col(Asterisk).count()).to_owned().into()))
}

/// `FROM articles a JOIN <table> <alias> ON <alias>.<article_id> = a.id`, for the articles
/// of the outer query's user `u`.
fn on_articles_of_author(table: impl IntoTableRef, alias: &'static str, article_id: impl IntoIden) -> SelectStatement {
    Query::select()
        .from_as(articles::Entity, "a")
        .join_as(JoinType::InnerJoin, table, alias, Expr::col((alias, article_id)).equals(("a", articles::Column::Id)))
        .and_where(Expr::col(("a", articles::Column::AuthorId)).equals(("u", users::Column::Id)))
        .to_owned()
}

/// Per user of the batch, four counts over the range `[start, end)`: each a correlated
/// subquery that walks an index (`ix_articles_author_created`, `ix_favorites_article`,
/// `ix_comments_article`, `ix_follows_followee`), so a batch costs in proportion to the
/// activity of its users, and the whole report reads each row once.
fn activity(range: (DateTime<Utc>, DateTime<Utc>)) -> SelectStatement {
    let written = Query::select()
        .from_as(articles::Entity, "a")
        .and_where(Expr::col(("a", articles::Column::AuthorId)).equals(("u", users::Column::Id)))
        .and_where(within(("a", articles::Column::CreatedAt), range))
        .to_owned();
    let mut favorited = on_articles_of_author(favorites::Entity, "f", favorites::Column::ArticleId);
    favorited.and_where(within(("f", favorites::Column::CreatedAt), range));
    let mut commented = on_articles_of_author(comments::Entity, "c", comments::Column::ArticleId);
    commented.and_where(within(("c", comments::Column::CreatedAt), range));
    let followed = Query::select()
        .from_as(follows::Entity, "fo")
        .and_where(Expr::col(("fo", follows::Column::FolloweeId)).equals(("u", users::Column::Id)))
        .and_where(within(("fo", follows::Column::CreatedAt), range))
        .to_owned();
    Query::select()
        .columns([users::Column::Id, users::Column::Username].map(|c| ("u", c)))
        .expr_as(counted(written), "articles")
        .expr_as(counted(favorited), "favorites")
        .expr_as(counted(commented), "comments")
        .expr_as(counted(followed), "followers")
        .from_as(users::Entity, "u")
        .to_owned()
}

#[async_trait]
impl ReportDataSource for SqlReportData {
    #[tracing::instrument(level = "debug", name = "ReportDataSource.activity_batch", skip_all)]
    async fn activity_batch(
        &self,
        only: Option<UserId>,
        range: DateRange,
        after: i64,
        limit: u64,
    ) -> Result<Vec<AuthorActivity>, RepoError> {
        let (start, end) = range.bounds();
        let mut query = activity((start.as_datetime(), end.as_datetime()));
        query.and_where(Expr::col(("u", users::Column::Id)).gt(after));
        if let Some(user) = only {
            query.and_where(Expr::col(("u", users::Column::Id)).eq(user.0));
        }
        query.order_by(("u", users::Column::Id), Order::Asc).limit(limit);
        let rows: Vec<ActivityRow> = fetch_all(&self.db, &query).await.or_unexpected()?;
        Ok(rows
            .into_iter()
            .map(|row| AuthorActivity {
                author: UserId(row.id),
                username: row.username,
                articles: count(row.articles),
                favorites: count(row.favorites),
                comments: count(row.comments),
                followers: count(row.followers),
            })
            .collect())
    }

    #[tracing::instrument(level = "debug", name = "ReportDataSource.count_authors", skip_all)]
    async fn count_authors(&self, only: Option<UserId>) -> Result<u64, RepoError> {
        let mut authors = users::Entity::find();
        if let Some(user) = only {
            authors = authors.filter(users::Column::Id.eq(user.0));
        }
        authors.count(&self.db).await.or_unexpected()
    }

    #[tracing::instrument(level = "debug", name = "ReportDataSource.top_tags", skip_all)]
    async fn top_tags(
        &self,
        only: Option<UserId>,
        range: DateRange,
        limit: u64,
    ) -> Result<Vec<(String, u64)>, RepoError> {
        let (start, end) = range.bounds();
        let mut query = Query::select()
            .column(("t", tags::Column::Name))
            .expr_as(Expr::col(Asterisk).count(), "uses")
            .from_as(articles::Entity, "a")
            .join_as(
                JoinType::InnerJoin,
                article_tags::Entity,
                "x",
                Expr::col(("x", article_tags::Column::ArticleId)).equals(("a", articles::Column::Id)),
            )
            .join_as(
                JoinType::InnerJoin,
                tags::Entity,
                "t",
                Expr::col(("t", tags::Column::Id)).equals(("x", article_tags::Column::TagId)),
            )
            .and_where(within(("a", articles::Column::CreatedAt), (start.as_datetime(), end.as_datetime())))
            .to_owned();
        if let Some(user) = only {
            query.and_where(Expr::col(("a", articles::Column::AuthorId)).eq(user.0));
        }
        query
            .group_by_col(("t", tags::Column::Name))
            .order_by_expr(Expr::col("uses"), Order::Desc)
            .order_by(("t", tags::Column::Name), Order::Asc)
            .limit(limit);
        let rows: Vec<TagUses> = fetch_all(&self.db, &query).await.or_unexpected()?;
        Ok(rows.into_iter().map(|row| (row.name, count(row.uses))).collect())
    }
}
