//! Accounts on sea-orm.

use application::RepoError;
use application::accounts::{Credentials, NewUserRecord, UserRepository, UserUpdate};
use application::ports::PasswordHash;
use async_trait::async_trait;
use chrono::Utc;
use domain::{Bio, Email, Image, User, UserId, Username};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};

use crate::accounts::entities::users;
use crate::db::sql::{DbResultExt, conflict};

const USER_UNIQUE: &[&str] = &["username", "email"];

pub(crate) fn user_from_model(model: users::Model) -> User {
    User {
        id: UserId(model.id),
        username: Username::from_trusted(model.username),
        email: Email::from_trusted(model.email),
        bio: model.bio.map(Bio::from_trusted),
        image: model.image.map(Image::from_trusted),
        credential_version: model.credential_version,
    }
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
    #[tracing::instrument(level = "debug", name = "UserRepository.create", skip_all)]
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
            welcomed_at: NotSet,
            credential_version: Set(0),
            kept_token_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .conflict_on(USER_UNIQUE)?;
        Ok(user_from_model(model))
    }

    #[tracing::instrument(level = "debug", name = "UserRepository.find_by_id", skip_all)]
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let found = users::Entity::find_by_id(id.0).one(&self.db).await.or_unexpected()?;
        Ok(found.map(user_from_model))
    }

    #[tracing::instrument(level = "debug", name = "UserRepository.find_credentials", skip_all)]
    async fn find_credentials(&self, email: &Email) -> Result<Option<(User, PasswordHash)>, RepoError> {
        let found = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await
            .or_unexpected()?;
        Ok(found.map(|model| {
            let hash = PasswordHash(model.password_hash.clone());
            (user_from_model(model), hash)
        }))
    }

    #[tracing::instrument(level = "debug", name = "UserRepository.update", skip_all)]
    async fn update(&self, id: UserId, update: UserUpdate) -> Result<User, RepoError> {
        let mut model = users::ActiveModel { id: Unchanged(id.0), updated_at: Set(Utc::now()), ..Default::default() };
        if let Some(username) = update.username {
            model.username = Set(username.into_inner());
        }
        if let Some(email) = update.email {
            model.email = Set(email.into_inner());
        }
        let password_changed = update.password_hash.is_some();
        if let Some(hash) = update.password_hash {
            model.password_hash = Set(hash.0);
            model.kept_token_id = Set(update.kept_token_id);
        }
        if let Some(bio) = update.bio {
            model.bio = Set(bio.map(|b| b.as_str().to_owned()));
        }
        if let Some(image) = update.image {
            model.image = Set(image.map(|i| i.as_str().to_owned()));
        }
        // One transaction: the version goes up in SQL (`credential_version + 1`), not from a
        // value read earlier, together with the new hash, so two concurrent password changes
        // both count and no token outlives the hash it was issued under. The row is read
        // back by its key, not with `UPDATE ... RETURNING`: on SQLite that now and then gave
        // a row whose `credential_version` was NULL although the stored row was right
        // (about 3 % of runs of `infrastructure/tests/accounts_use_cases.rs`).
        let txn = self.db.begin().await.or_unexpected()?;
        if password_changed {
            users::Entity::update_many()
                .col_expr(users::Column::CredentialVersion, Expr::col(users::Column::CredentialVersion).add(1))
                .filter(users::Column::Id.eq(id.0))
                .exec(&txn)
                .await
                .or_unexpected()?;
        }
        let result = users::Entity::update_many().set(model).filter(users::Column::Id.eq(id.0)).exec(&txn).await;
        match result {
            Ok(done) if done.rows_affected == 0 => return Err(RepoError::NotFound),
            Ok(_) => {}
            Err(err) => return Err(conflict(err, USER_UNIQUE)),
        }
        let found = users::Entity::find_by_id(id.0).one(&txn).await.or_unexpected()?.ok_or(RepoError::NotFound)?;
        txn.commit().await.or_unexpected()?;
        Ok(user_from_model(found))
    }

    #[tracing::instrument(level = "debug", name = "UserRepository.credentials", skip_all)]
    async fn credentials(&self, id: UserId) -> Result<Option<Credentials>, RepoError> {
        let row: Option<(i64, Option<String>)> = users::Entity::find_by_id(id.0)
            .select_only()
            .column(users::Column::CredentialVersion)
            .column(users::Column::KeptTokenId)
            .into_tuple()
            .one(&self.db)
            .await
            .or_unexpected()?;
        Ok(row.map(|(version, kept_token_id)| Credentials { version, kept_token_id }))
    }

    #[tracing::instrument(level = "debug", name = "UserRepository.is_admin", skip_all)]
    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError> {
        let flag: Option<bool> = users::Entity::find_by_id(id.0)
            .select_only()
            .column(users::Column::IsAdmin)
            .into_tuple()
            .one(&self.db)
            .await
            .or_unexpected()?;
        Ok(flag.unwrap_or(false))
    }

    #[tracing::instrument(level = "debug", name = "UserRepository.set_admin", skip_all)]
    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError> {
        let result = users::Entity::update_many()
            .col_expr(users::Column::IsAdmin, Expr::value(admin))
            .filter(users::Column::Username.eq(username.as_str()))
            .exec(&self.db)
            .await
            .or_unexpected()?;
        if result.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }
}
