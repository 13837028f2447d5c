//! Accounts and profiles on sea-orm.

use std::collections::HashSet;

use application::RepoError;
use application::ports::{NewUserRecord, PasswordHash, ProfileRepository, UserRepository, UserUpdate};
use async_trait::async_trait;
use chrono::Utc;
use domain::{Bio, Email, Image, Profile, User, UserId, Username};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use super::entities::{follows, users};
use super::sql::{NO_VIEWER, map_err, statement, unexpected};

const USER_UNIQUE: &[&str] = &["username", "email"];

pub(crate) fn user_from_model(model: users::Model) -> User {
    User {
        id: UserId(model.id),
        username: Username::from_trusted(model.username),
        email: Email::from_trusted(model.email),
        bio: model.bio.map(Bio::from_trusted),
        image: model.image.map(Image::from_trusted),
    }
}

/// Builds a profile from the `username`, `bio`, `image` and `following` columns of a row.
pub(crate) fn profile_from_row(row: &sea_orm::QueryResult) -> Result<Profile, sea_orm::DbErr> {
    Ok(Profile {
        username: Username::from_trusted(row.try_get("", "username")?),
        bio: row.try_get::<Option<String>>("", "bio")?.map(Bio::from_trusted),
        image: row.try_get::<Option<String>>("", "image")?.map(Image::from_trusted),
        following: row.try_get::<i32>("", "following")? != 0,
    })
}

/// [`UserRepository`] on sea-orm.
#[derive(Clone)]
pub struct SeaOrmUserRepository {
    db: DatabaseConnection,
}

impl SeaOrmUserRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl UserRepository for SeaOrmUserRepository {
    async fn create(&self, user: NewUserRecord) -> Result<User, RepoError> {
        let now = Utc::now();
        let model = users::ActiveModel {
            id: NotSet,
            username: Set(user.username.into_inner()),
            email: Set(user.email.into_inner()),
            password_hash: Set(user.password_hash.0),
            bio: Set(None),
            image: Set(None),
            is_admin: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .map_err(map_err(USER_UNIQUE))?;
        Ok(user_from_model(model))
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let found = users::Entity::find_by_id(id.0).one(&self.db).await.map_err(unexpected)?;
        Ok(found.map(user_from_model))
    }

    async fn find_credentials(&self, email: &Email) -> Result<Option<(User, PasswordHash)>, RepoError> {
        let found = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(found.map(|model| {
            let hash = PasswordHash(model.password_hash.clone());
            (user_from_model(model), hash)
        }))
    }

    async fn update(&self, id: UserId, update: UserUpdate) -> Result<User, RepoError> {
        let mut model = users::ActiveModel { id: Unchanged(id.0), updated_at: Set(Utc::now()), ..Default::default() };
        if let Some(username) = update.username {
            model.username = Set(username.into_inner());
        }
        if let Some(email) = update.email {
            model.email = Set(email.into_inner());
        }
        if let Some(hash) = update.password_hash {
            model.password_hash = Set(hash.0);
        }
        if let Some(bio) = update.bio {
            model.bio = Set(bio.map(|b| b.as_str().to_owned()));
        }
        if let Some(image) = update.image {
            model.image = Set(image.map(|i| i.as_str().to_owned()));
        }
        match model.update(&self.db).await {
            Ok(model) => Ok(user_from_model(model)),
            Err(sea_orm::DbErr::RecordNotUpdated | sea_orm::DbErr::RecordNotFound(_)) => Err(RepoError::NotFound),
            Err(err) => Err(map_err(USER_UNIQUE)(err)),
        }
    }

    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError> {
        let flag: Option<bool> = users::Entity::find_by_id(id.0)
            .select_only()
            .column(users::Column::IsAdmin)
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(flag.unwrap_or(false))
    }

    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError> {
        let result = users::Entity::update_many()
            .col_expr(users::Column::IsAdmin, sea_orm::sea_query::Expr::value(admin))
            .filter(users::Column::Username.eq(username.as_str()))
            .exec(&self.db)
            .await
            .map_err(unexpected)?;
        if result.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }
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
