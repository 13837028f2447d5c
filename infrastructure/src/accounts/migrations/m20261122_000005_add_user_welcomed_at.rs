//! Records when each account was welcomed by the welcome job.

use sea_orm_migration::prelude::*;

/// Adds `users.welcomed_at` and the index of the welcome job's recovery sweep. Its name
/// is stored in `seaql_migrations`: never change it.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000005_add_user_welcomed_at"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    WelcomedAt,
    CreatedAt,
}

const INDEX: &str = "idx_users_welcomed_at_created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::WelcomedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        // Accounts that existed before the welcome job are not welcomed now, years late:
        // they count as welcomed when they registered.
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::WelcomedAt, Expr::col(Users::CreatedAt))
                    .and_where(Expr::col(Users::WelcomedAt).is_null())
                    .to_owned(),
            )
            .await?;
        // The sweep asks for `welcomed_at IS NULL AND created_at < ?`, oldest first.
        manager
            .create_index(
                Index::create().name(INDEX).table(Users::Table).col(Users::WelcomedAt).col(Users::CreatedAt).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).table(Users::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::WelcomedAt).to_owned()).await
    }
}
