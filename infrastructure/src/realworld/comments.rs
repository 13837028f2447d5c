//! Comments on sea-orm.

use application::RepoError;
use application::realworld::{CommentRef, CommentRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::realworld::{ArticleId, Comment, CommentBody, CommentId};
use domain::{Timestamp, UserId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryResult,
};

use super::profiles::profile_from_row;
use crate::db::entities::comments;
use crate::db::sql::{NO_VIEWER, statement, unexpected};

const SELECT: &str = "SELECT c.id, c.article_id, c.author_id, c.body, c.created_at, c.updated_at, \
    u.username, u.bio, u.image, \
    CASE WHEN EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = c.author_id AND fo.follower_id = ?) \
    THEN 1 ELSE 0 END AS following \
    FROM comments c JOIN users u ON u.id = c.author_id";

fn comment_from_row(row: &QueryResult) -> Result<Comment, DbErr> {
    Ok(Comment {
        id: CommentId(row.try_get("", "id")?),
        article_id: ArticleId(row.try_get("", "article_id")?),
        author_id: UserId(row.try_get("", "author_id")?),
        body: CommentBody::from_trusted(row.try_get("", "body")?),
        created_at: Timestamp::new(row.try_get::<DateTime<Utc>>("", "created_at")?),
        updated_at: Timestamp::new(row.try_get::<DateTime<Utc>>("", "updated_at")?),
        author: profile_from_row(row)?,
    })
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

    async fn select(
        &self,
        condition: &str,
        viewer: Option<UserId>,
        values: Vec<sea_orm::Value>,
    ) -> Result<Vec<Comment>, DbErr> {
        let mut all = vec![viewer.map_or(NO_VIEWER, |v| v.0).into()];
        all.extend(values);
        let sql = format!("{SELECT} {condition}");
        let rows = self.db.query_all_raw(statement(self.db.get_database_backend(), &sql, all)).await?;
        rows.iter().map(comment_from_row).collect()
    }
}

#[async_trait]
impl CommentRepository for SeaOrmCommentRepository {
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
        .map_err(|e| match e.sql_err() {
            // The article was deleted between the lookup and the insert.
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => RepoError::NotFound,
            _ => unexpected(e),
        })?;
        let mut found = self.select("WHERE c.id = ?", Some(author), vec![model.id.into()]).await.map_err(unexpected)?;
        found.pop().ok_or_else(|| RepoError::Unexpected(anyhow::anyhow!("comment {} vanished after insert", model.id)))
    }

    async fn list(&self, article: ArticleId, viewer: Option<UserId>) -> Result<Vec<Comment>, RepoError> {
        self.select("WHERE c.article_id = ? ORDER BY c.id", viewer, vec![article.0.into()]).await.map_err(unexpected)
    }

    async fn locate(&self, article: ArticleId, id: CommentId) -> Result<Option<CommentRef>, RepoError> {
        let found = comments::Entity::find_by_id(id.0)
            .filter(comments::Column::ArticleId.eq(article.0))
            .one(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(found.map(|c| CommentRef { id: CommentId(c.id), author_id: UserId(c.author_id) }))
    }

    async fn delete(&self, id: CommentId) -> Result<(), RepoError> {
        let result = comments::Entity::delete_by_id(id.0).exec(&self.db).await.map_err(unexpected)?;
        if result.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }
}
