//! The initial schema of accounts: the `users` table and its unique names.
//!
//! Until the schema was split by feature, this migration also created the tables of the
//! template's example feature; they moved to that feature's own first migration, which
//! sorts right after this one. Databases record this name: keep it.

use sea_orm_migration::prelude::*;

use crate::db::migrations::columns::{id, index, text, time};

/// The initial schema. Its name is stored in `seaql_migrations`: never change it.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_create_schema"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    Email,
    PasswordHash,
    Bio,
    Image,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(id(Users::Id))
                .col(text(Users::Username))
                .col(text(Users::Email))
                .col(text(Users::PasswordHash))
                .col(ColumnDef::new(Users::Bio).text().null())
                .col(ColumnDef::new(Users::Image).text().null())
                .col(time(Users::CreatedAt))
                .col(time(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // Constraint names carry the column name: adapters map a unique violation to
        // the field that caused it by finding that name in the database's message.
        m.create_index(index("ux_users_username", Users::Table, &["username"], true)).await?;
        m.create_index(index("ux_users_email", Users::Table, &["email"], true)).await
    }
}
