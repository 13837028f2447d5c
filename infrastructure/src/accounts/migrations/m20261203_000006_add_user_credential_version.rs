//! Records which tokens an account still honours.

use sea_orm_migration::prelude::*;

/// Adds `users.credential_version`, incremented by each password change; a token carries
/// the version it was issued under and is refused once the account's has moved on.
/// Existing accounts start at 0, the version old tokens (without the claim) are read as,
/// so the upgrade signs nobody out. Also adds `users.kept_token_id`, the id (`jti`) of
/// the token the last password change was made with, which stays current (NULL: none).
/// Its name is stored in `seaql_migrations`: never
/// change it.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000006_add_user_credential_version"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    CredentialVersion,
    KeptTokenId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::CredentialVersion).big_integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        // A second statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::KeptTokenId).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::KeptTokenId).to_owned()).await?;
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::CredentialVersion).to_owned()).await
    }
}
