//! The welcome job's record (`users.welcomed_at`) on sea-orm.

use application::RepoError;
use application::accounts::WelcomeRepository;
use async_trait::async_trait;
use domain::{Timestamp, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::accounts::entities::users;
use crate::db::sql::DbResultExt;

/// [`WelcomeRepository`] on sea-orm.
#[derive(Clone)]
pub struct SeaOrmWelcomeRepository {
    db: DatabaseConnection,
}

impl SeaOrmWelcomeRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl WelcomeRepository for SeaOrmWelcomeRepository {
    #[tracing::instrument(level = "debug", name = "WelcomeRepository.mark_welcomed", skip_all)]
    async fn mark_welcomed(&self, user: UserId, at: Timestamp) -> Result<bool, RepoError> {
        // One conditional write: of two deliveries of the same job, only one updates.
        let updated = users::Entity::update_many()
            .col_expr(users::Column::WelcomedAt, Expr::value(at.as_datetime()))
            .filter(users::Column::Id.eq(user.0))
            .filter(users::Column::WelcomedAt.is_null())
            .exec(&self.db)
            .await
            .or_unexpected()?;
        if updated.rows_affected == 1 {
            return Ok(true);
        }
        let exists = users::Entity::find_by_id(user.0)
            .select_only()
            .column(users::Column::Id)
            .into_tuple::<i64>()
            .one(&self.db)
            .await
            .or_unexpected()?;
        if exists.is_some() { Ok(false) } else { Err(RepoError::NotFound) }
    }

    #[tracing::instrument(level = "debug", name = "WelcomeRepository.unwelcomed", skip_all)]
    async fn unwelcomed(&self, registered_before: Timestamp, limit: u64) -> Result<Vec<UserId>, RepoError> {
        let ids: Vec<i64> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(users::Column::WelcomedAt.is_null())
            .filter(users::Column::CreatedAt.lt(registered_before.as_datetime()))
            .order_by_asc(users::Column::CreatedAt)
            .order_by_asc(users::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await
            .or_unexpected()?;
        Ok(ids.into_iter().map(UserId).collect())
    }
}
