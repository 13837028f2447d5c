//! Public profiles and the follow relation on sea-orm (the RealWorld example).

use std::collections::HashSet;

use application::RepoError;
use application::realworld::ProfileRepository;
use async_trait::async_trait;
use chrono::Utc;
use domain::realworld::Profile;
use domain::{Bio, Image, UserId, Username};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::db::entities::follows;
use crate::db::sql::{NO_VIEWER, statement, unexpected};

/// Builds a profile from the `username`, `bio`, `image` and `following` columns of a row.
pub(crate) fn profile_from_row(row: &sea_orm::QueryResult) -> Result<Profile, sea_orm::DbErr> {
    Ok(Profile {
        username: Username::from_trusted(row.try_get("", "username")?),
        bio: row.try_get::<Option<String>>("", "bio")?.map(Bio::from_trusted),
        image: row.try_get::<Option<String>>("", "image")?.map(Image::from_trusted),
        following: row.try_get::<i32>("", "following")? != 0,
    })
}

/// [`ProfileRepository`] on sea-orm.
#[derive(Clone)]
pub struct SeaOrmProfileRepository {
    db: DatabaseConnection,
}

impl SeaOrmProfileRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ProfileRepository for SeaOrmProfileRepository {
    async fn find_profile(
        &self,
        username: &str,
        viewer: Option<UserId>,
    ) -> Result<Option<(UserId, Profile)>, RepoError> {
        let sql = "SELECT u.id, u.username, u.bio, u.image, \
                   CASE WHEN EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = u.id AND fo.follower_id = ?) \
                   THEN 1 ELSE 0 END AS following \
                   FROM users u WHERE u.username = ?";
        let viewer = viewer.map_or(NO_VIEWER, |v| v.0);
        let stmt = statement(self.db.get_database_backend(), sql, vec![viewer.into(), username.into()]);
        let Some(row) = self.db.query_one_raw(stmt).await.map_err(unexpected)? else {
            return Ok(None);
        };
        let id: i64 = row.try_get("", "id").map_err(unexpected)?;
        Ok(Some((UserId(id), profile_from_row(&row).map_err(unexpected)?)))
    }

    async fn follow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        let sql = "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?) \
                   ON CONFLICT (follower_id, followee_id) DO NOTHING";
        let values = vec![follower.0.into(), followee.0.into(), Utc::now().into()];
        self.db.execute_raw(statement(self.db.get_database_backend(), sql, values)).await.map_err(unexpected)?;
        Ok(())
    }

    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        follows::Entity::delete_many()
            .filter(follows::Column::FollowerId.eq(follower.0))
            .filter(follows::Column::FolloweeId.eq(followee.0))
            .exec(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(())
    }

    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError> {
        super::flags::following_among(&self.db, follower, followees).await.map_err(unexpected)
    }
}
