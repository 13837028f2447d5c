//! Adds the admin role to accounts: a flag, off for everyone until granted.

use sea_orm_migration::prelude::*;

/// Adds `users.is_admin`. Its name is stored in `seaql_migrations`: never change it.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_add_user_admin"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    IsAdmin,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::IsAdmin).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::IsAdmin).to_owned()).await
    }
}
