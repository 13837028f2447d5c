//! The RealWorld example's tables: follows, articles, tags, article tags, favorites and
//! comments, with their keys and indexes.
//!
//! Every filter and sort of the API has an index: `slug` and tag `name` are unique; lists
//! sort by `(created_at, id)`; author, tag, favorited-by and feed filters use
//! `(author_id, created_at, id)`, `article_tags(tag_id, article_id)`,
//! `favorites(user_id, article_id)` (its key) and `follows(follower_id, followee_id)`.
//!
//! Until the schema was split by feature, accounts' `m20261122_000001_create_schema`
//! created these tables. This migration sorts right after it, so a new database gets the
//! same schema in the same order; a database created before the split already has the
//! tables and indexes and runs it, once, as a no-op (`IF NOT EXISTS` everywhere). Keep
//! it that way: it must never do anything those databases lack.

use sea_orm_migration::prelude::*;

use crate::db::migrations::columns::{cascade, id, index, reference, text, time};

/// The RealWorld half of the initial schema. Its name is stored in `seaql_migrations`:
/// never change it.
pub(super) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_create_schema_realworld"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Follows {
    Table,
    FollowerId,
    FolloweeId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    AuthorId,
    Slug,
    Title,
    Description,
    Body,
    FavoritesCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum ArticleTags {
    Table,
    ArticleId,
    TagId,
    Position,
}

#[derive(DeriveIden)]
enum Favorites {
    Table,
    UserId,
    ArticleId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    ArticleId,
    AuthorId,
    Body,
    CreatedAt,
    UpdatedAt,
}

/// A named index, created only if missing (databases from before the split have it).
fn index_once(name: &str, table: impl IntoIden, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    index(name, table, columns, unique).if_not_exists().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Follows::Table)
                .if_not_exists()
                .col(reference(Follows::FollowerId))
                .col(reference(Follows::FolloweeId))
                .col(time(Follows::CreatedAt))
                .primary_key(Index::create().col(Follows::FollowerId).col(Follows::FolloweeId))
                .foreign_key(&mut cascade((Follows::Table, Follows::FollowerId), (Users::Table, Users::Id)))
                .foreign_key(&mut cascade((Follows::Table, Follows::FolloweeId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index_once("ix_follows_followee", Follows::Table, &["followee_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(Articles::Table)
                .if_not_exists()
                .col(id(Articles::Id))
                .col(reference(Articles::AuthorId))
                .col(text(Articles::Slug))
                .col(text(Articles::Title))
                .col(text(Articles::Description))
                .col(text(Articles::Body))
                .col(ColumnDef::new(Articles::FavoritesCount).big_integer().not_null().default(0))
                .col(time(Articles::CreatedAt))
                .col(time(Articles::UpdatedAt))
                .foreign_key(&mut cascade((Articles::Table, Articles::AuthorId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index_once("ux_articles_slug", Articles::Table, &["slug"], true)).await?;
        m.create_index(index_once("ix_articles_created", Articles::Table, &["created_at", "id"], false)).await?;
        m.create_index(index_once(
            "ix_articles_author_created",
            Articles::Table,
            &["author_id", "created_at", "id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create().table(Tags::Table).if_not_exists().col(id(Tags::Id)).col(text(Tags::Name)).to_owned(),
        )
        .await?;
        m.create_index(index_once("ux_tags_name", Tags::Table, &["name"], true)).await?;

        m.create_table(
            Table::create()
                .table(ArticleTags::Table)
                .if_not_exists()
                .col(reference(ArticleTags::ArticleId))
                .col(reference(ArticleTags::TagId))
                .col(ColumnDef::new(ArticleTags::Position).integer().not_null())
                .primary_key(Index::create().col(ArticleTags::ArticleId).col(ArticleTags::TagId))
                .foreign_key(&mut cascade(
                    (ArticleTags::Table, ArticleTags::ArticleId),
                    (Articles::Table, Articles::Id),
                ))
                .foreign_key(&mut cascade((ArticleTags::Table, ArticleTags::TagId), (Tags::Table, Tags::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index_once("ix_article_tags_tag", ArticleTags::Table, &["tag_id", "article_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(Favorites::Table)
                .if_not_exists()
                .col(reference(Favorites::UserId))
                .col(reference(Favorites::ArticleId))
                .col(time(Favorites::CreatedAt))
                .primary_key(Index::create().col(Favorites::UserId).col(Favorites::ArticleId))
                .foreign_key(&mut cascade((Favorites::Table, Favorites::UserId), (Users::Table, Users::Id)))
                .foreign_key(&mut cascade((Favorites::Table, Favorites::ArticleId), (Articles::Table, Articles::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index_once("ix_favorites_article", Favorites::Table, &["article_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(Comments::Table)
                .if_not_exists()
                .col(id(Comments::Id))
                .col(reference(Comments::ArticleId))
                .col(reference(Comments::AuthorId))
                .col(text(Comments::Body))
                .col(time(Comments::CreatedAt))
                .col(time(Comments::UpdatedAt))
                .foreign_key(&mut cascade((Comments::Table, Comments::ArticleId), (Articles::Table, Articles::Id)))
                .foreign_key(&mut cascade((Comments::Table, Comments::AuthorId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index_once("ix_comments_article", Comments::Table, &["article_id", "id"], false)).await?;
        m.create_index(index_once("ix_comments_author", Comments::Table, &["author_id"], false)).await?;
        Ok(())
    }
}
