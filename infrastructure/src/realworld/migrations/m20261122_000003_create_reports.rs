//! Report jobs: the `reports` records and their CSV result lines.

use sea_orm_migration::prelude::*;

/// Creates `reports` and `report_lines`. Its name is stored in `seaql_migrations`.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000003_create_reports"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    OwnerId,
    Kind,
    Scope,
    RangeFrom,
    RangeTo,
    Status,
    Progress,
    Attempts,
    Error,
    Summary,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ReportLines {
    Table,
    ReportId,
    Seq,
    Line,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reports::Table)
                .col(ColumnDef::new(Reports::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Reports::OwnerId).big_integer().not_null())
                .col(ColumnDef::new(Reports::Kind).text().not_null())
                .col(ColumnDef::new(Reports::Scope).text().not_null())
                .col(ColumnDef::new(Reports::RangeFrom).date().not_null())
                .col(ColumnDef::new(Reports::RangeTo).date().not_null())
                .col(ColumnDef::new(Reports::Status).text().not_null())
                .col(ColumnDef::new(Reports::Progress).integer().not_null().default(0))
                .col(ColumnDef::new(Reports::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(Reports::Error).text().null())
                .col(ColumnDef::new(Reports::Summary).text().null())
                .col(ColumnDef::new(Reports::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Reports::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Reports::StartedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Reports::FinishedAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Reports::Table, Reports::OwnerId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The caller's list (newest first) and the purge (finished, by age).
        m.create_index(
            Index::create()
                .name("ix_reports_owner_created")
                .table(Reports::Table)
                .col(Reports::OwnerId)
                .col(Reports::CreatedAt)
                .col(Reports::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_reports_created").table(Reports::Table).col(Reports::CreatedAt).to_owned(),
        )
        .await?;

        // One row per CSV line, keyed by (report, line number): a download reads it in
        // pages without loading the whole result, and a retried job rewrites the same
        // keys instead of adding rows.
        m.create_table(
            Table::create()
                .table(ReportLines::Table)
                .col(ColumnDef::new(ReportLines::ReportId).big_integer().not_null())
                .col(ColumnDef::new(ReportLines::Seq).big_integer().not_null())
                .col(ColumnDef::new(ReportLines::Line).text().not_null())
                .primary_key(Index::create().col(ReportLines::ReportId).col(ReportLines::Seq))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportLines::Table, ReportLines::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
