//! The initial schema: users, follows, articles, tags, favorites, comments.

use sea_orm_migration::prelude::*;

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

//{% if realworld %} The RealWorld example's tables.
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

//{% endif %} Column helpers.
fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn text(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

fn time(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().not_null().to_owned()
}

//{% if realworld %} References between the RealWorld example's tables.
fn reference(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

/// A foreign key that deletes the referencing rows with the referenced one.
fn cascade(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

//{% endif %} A named index, unique or not.
fn index(name: &str, table: impl IntoIden, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    index.to_owned()
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
        m.create_index(index("ux_users_email", Users::Table, &["email"], true)).await?;

        //{% if realworld %} The RealWorld example's tables.
        m.create_table(
            Table::create()
                .table(Follows::Table)
                .col(reference(Follows::FollowerId))
                .col(reference(Follows::FolloweeId))
                .col(time(Follows::CreatedAt))
                .primary_key(Index::create().col(Follows::FollowerId).col(Follows::FolloweeId))
                .foreign_key(&mut cascade((Follows::Table, Follows::FollowerId), (Users::Table, Users::Id)))
                .foreign_key(&mut cascade((Follows::Table, Follows::FolloweeId), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_follows_followee", Follows::Table, &["followee_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(Articles::Table)
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
        m.create_index(index("ux_articles_slug", Articles::Table, &["slug"], true)).await?;
        m.create_index(index("ix_articles_created", Articles::Table, &["created_at", "id"], false)).await?;
        m.create_index(index("ix_articles_author_created", Articles::Table, &["author_id", "created_at", "id"], false))
            .await?;

        m.create_table(Table::create().table(Tags::Table).col(id(Tags::Id)).col(text(Tags::Name)).to_owned()).await?;
        m.create_index(index("ux_tags_name", Tags::Table, &["name"], true)).await?;

        m.create_table(
            Table::create()
                .table(ArticleTags::Table)
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
        m.create_index(index("ix_article_tags_tag", ArticleTags::Table, &["tag_id", "article_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(Favorites::Table)
                .col(reference(Favorites::UserId))
                .col(reference(Favorites::ArticleId))
                .col(time(Favorites::CreatedAt))
                .primary_key(Index::create().col(Favorites::UserId).col(Favorites::ArticleId))
                .foreign_key(&mut cascade((Favorites::Table, Favorites::UserId), (Users::Table, Users::Id)))
                .foreign_key(&mut cascade((Favorites::Table, Favorites::ArticleId), (Articles::Table, Articles::Id)))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_favorites_article", Favorites::Table, &["article_id"], false)).await?;

        m.create_table(
            Table::create()
                .table(Comments::Table)
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
        m.create_index(index("ix_comments_article", Comments::Table, &["article_id", "id"], false)).await?;
        m.create_index(index("ix_comments_author", Comments::Table, &["author_id"], false)).await?;
        //{% endif %} The schema is in place.
        Ok(())
    }
}
