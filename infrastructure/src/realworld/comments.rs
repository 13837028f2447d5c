//! Comments on sea-orm.

use application::RepoError;
use application::realworld::{CommentRef, CommentRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::realworld::{ArticleId, Comment, CommentBody, CommentId};
use domain::{Timestamp, UserId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter};

use super::MissingParentExt;
use super::NO_VIEWER;
use super::profiles::{ProfileRow, following_flag};
use crate::accounts::entities::users;
use crate::db::sql::{DbResultExt, fetch_all};
use crate::realworld::entities::comments;

/// A comment with its author's profile, as [`SeaOrmCommentRepository::select`] reads it.
#[derive(FromQueryResult)]
struct CommentRow {
    id: i64,
    article_id: i64,
    author_id: i64,
    body: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sea_orm(nested)]
    author: ProfileRow,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Comment {
            id: CommentId(row.id),
            article_id: ArticleId(row.article_id),
            author_id: UserId(row.author_id),
            body: CommentBody::from_trusted(row.body),
            created_at: Timestamp::new(row.created_at),
            updated_at: Timestamp::new(row.updated_at),
            author: row.author.into_profile(),
        }
    }
}

/// [`CommentRepository`] on sea-orm.
#[derive(Clone)]
pub struct SeaOrmCommentRepository {
    db: DatabaseConnection,
}

impl SeaOrmCommentRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Comments matching `condition`, oldest first, with their authors and whether
    /// `viewer` follows each, in one statement.
    async fn select(&self, condition: Cond, limit: Option<u32>, viewer: Option<UserId>) -> Result<Vec<Comment>, DbErr> {
        let viewer = viewer.map_or(NO_VIEWER, |v| v.0);
        let query = Query::select()
            .columns(
                [
                    comments::Column::Id,
                    comments::Column::ArticleId,
                    comments::Column::AuthorId,
                    comments::Column::Body,
                    comments::Column::CreatedAt,
                    comments::Column::UpdatedAt,
                ]
                .map(|c| ("c", c)),
            )
            .columns([users::Column::Username, users::Column::Bio, users::Column::Image].map(|c| ("u", c)))
            .expr_as(following_flag(("c", comments::Column::AuthorId), viewer), "following")
            .from_as(comments::Entity, "c")
            .join_as(
                JoinType::InnerJoin,
                users::Entity,
                "u",
                Expr::col(("u", users::Column::Id)).equals(("c", comments::Column::AuthorId)),
            )
            .cond_where(condition)
            .order_by(("c", comments::Column::Id), Order::Asc)
            .apply_if(limit, |query, limit| {
                query.limit(u64::from(limit));
            })
            .to_owned();
        Ok(fetch_all::<CommentRow>(&self.db, &query).await?.into_iter().map(Comment::from).collect())
    }
}

#[async_trait]
impl CommentRepository for SeaOrmCommentRepository {
    #[tracing::instrument(level = "debug", name = "CommentRepository.add", skip_all)]
    async fn add(
        &self,
        article: ArticleId,
        author: UserId,
        body: CommentBody,
        at: Timestamp,
    ) -> Result<Comment, RepoError> {
        let model = comments::ActiveModel {
            id: NotSet,
            article_id: Set(article.0),
            author_id: Set(author.0),
            body: Set(body.as_str().to_owned()),
            created_at: Set(at.as_datetime()),
            updated_at: Set(at.as_datetime()),
        }
        .insert(&self.db)
        .await
        // The article was deleted between the lookup and the insert.
        .missing_parent_is_not_found()?;
        let condition = Cond::all().add(Expr::col(("c", comments::Column::Id)).eq(model.id));
        let mut found = self.select(condition, None, Some(author)).await.or_unexpected()?;
        found.pop().ok_or_else(|| RepoError::Unexpected(anyhow::anyhow!("comment {} vanished after insert", model.id)))
    }

    #[tracing::instrument(level = "debug", name = "CommentRepository.list", skip_all)]
    async fn list(
        &self,
        article: ArticleId,
        after: Option<CommentId>,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Comment>, RepoError> {
        let condition = Cond::all()
            .add(Expr::col(("c", comments::Column::ArticleId)).eq(article.0))
            .add_option(after.map(|after| Expr::col(("c", comments::Column::Id)).gt(after.0)));
        self.select(condition, Some(limit), viewer).await.or_unexpected()
    }

    #[tracing::instrument(level = "debug", name = "CommentRepository.locate", skip_all)]
    async fn locate(&self, article: ArticleId, id: CommentId) -> Result<Option<CommentRef>, RepoError> {
        let found = comments::Entity::find_by_id(id.0)
            .filter(comments::Column::ArticleId.eq(article.0))
            .one(&self.db)
            .await
            .or_unexpected()?;
        Ok(found.map(|c| CommentRef { id: CommentId(c.id), author_id: UserId(c.author_id) }))
    }

    #[tracing::instrument(level = "debug", name = "CommentRepository.delete", skip_all)]
    async fn delete(&self, id: CommentId) -> Result<(), RepoError> {
        let result = comments::Entity::delete_by_id(id.0).exec(&self.db).await.or_unexpected()?;
        if result.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }
}
