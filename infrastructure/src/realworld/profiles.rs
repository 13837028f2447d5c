//! Public profiles and the follow relation on sea-orm (the RealWorld example).

use std::collections::HashSet;

use application::RepoError;
use application::realworld::ProfileRepository;
use async_trait::async_trait;
use chrono::Utc;
use domain::realworld::Profile;
use domain::{Bio, Image, UserId, Username};
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter};

use super::NO_VIEWER;
use crate::accounts::entities::users;
use crate::db::sql::{DbResultExt, fetch_one, literal};
use crate::realworld::entities::follows;

/// The `username`, `bio`, `image` and `following` columns of a row (an author's, a
/// commenter's, a profile's).
#[derive(FromQueryResult)]
pub(crate) struct ProfileRow {
    username: String,
    bio: Option<String>,
    image: Option<String>,
    following: i32,
}

impl ProfileRow {
    pub(crate) fn into_profile(self) -> Profile {
        Profile {
            username: Username::from_trusted(self.username),
            bio: self.bio.map(Bio::from_trusted),
            image: self.image.map(Image::from_trusted),
            following: self.following != 0,
        }
    }
}

/// `CASE WHEN EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = <author> AND
/// fo.follower_id = <viewer>) THEN 1 ELSE 0 END`: one lookup in the follows primary key.
pub(crate) fn following_flag(author: impl IntoColumnRef, viewer: i64) -> Expr {
    let follow = Query::select()
        .expr(literal(1))
        .from_as(follows::Entity, "fo")
        .and_where(Expr::col(("fo", follows::Column::FolloweeId)).equals(author))
        .and_where(Expr::col(("fo", follows::Column::FollowerId)).eq(viewer))
        .to_owned();
    Expr::case(Expr::exists(follow), literal(1)).finally(literal(0)).into()
}

#[derive(FromQueryResult)]
struct ProfileWithId {
    id: i64,
    #[sea_orm(nested)]
    profile: ProfileRow,
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
    #[tracing::instrument(level = "debug", name = "ProfileRepository.find_profile", skip_all)]
    async fn find_profile(
        &self,
        username: &str,
        viewer: Option<UserId>,
    ) -> Result<Option<(UserId, Profile)>, RepoError> {
        let viewer = viewer.map_or(NO_VIEWER, |v| v.0);
        let query = Query::select()
            .columns(
                [users::Column::Id, users::Column::Username, users::Column::Bio, users::Column::Image]
                    .map(|c| ("u", c)),
            )
            .expr_as(following_flag(("u", users::Column::Id), viewer), "following")
            .from_as(users::Entity, "u")
            .and_where(Expr::col(("u", users::Column::Username)).eq(username))
            .to_owned();
        let found = fetch_one::<ProfileWithId>(&self.db, &query).await.or_unexpected()?;
        Ok(found.map(|row| (UserId(row.id), row.profile.into_profile())))
    }

    #[tracing::instrument(level = "debug", name = "ProfileRepository.follow", skip_all)]
    async fn follow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        let insert = Query::insert()
            .into_table(follows::Entity)
            .columns([follows::Column::FollowerId, follows::Column::FolloweeId, follows::Column::CreatedAt])
            .values_panic([follower.0.into(), followee.0.into(), Utc::now().into()])
            .on_conflict(
                OnConflict::columns([follows::Column::FollowerId, follows::Column::FolloweeId]).do_nothing().to_owned(),
            )
            .to_owned();
        self.db.execute(&insert).await.or_unexpected()?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "ProfileRepository.unfollow", skip_all)]
    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        follows::Entity::delete_many()
            .filter(follows::Column::FollowerId.eq(follower.0))
            .filter(follows::Column::FolloweeId.eq(followee.0))
            .exec(&self.db)
            .await
            .or_unexpected()?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "ProfileRepository.following_among", skip_all)]
    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError> {
        super::flags::following_among(&self.db, follower, followees).await.or_unexpected()
    }
}
