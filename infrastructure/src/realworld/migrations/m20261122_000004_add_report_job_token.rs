//! Adds the job token to reports: which queued job may start the report after the
//! recovery sweep re-enqueued it (see `ReportRepository::requeue_stale`).

use sea_orm_migration::prelude::*;

/// Adds `reports.job_token` (NULL: the job enqueued with the request owns the report).
/// Its name is stored in `seaql_migrations`: never change it.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000004_add_report_job_token"
    }
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    JobToken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .add_column(ColumnDef::new(Reports::JobToken).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Reports::Table).drop_column(Reports::JobToken).to_owned()).await
    }
}
