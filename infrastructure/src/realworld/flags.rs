//! A viewer's `favorited` and `following` flags for views loaded without a viewer
//! (the cached ones), in one statement whatever the number of ids.

use std::collections::HashSet;

use application::realworld::ViewerFlags;
use domain::UserId;
use domain::realworld::ArticleId;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement, UnionType};
use sea_orm::{DatabaseConnection, DbErr, FromQueryResult};

use crate::db::sql::{fetch_all, literal};
use crate::realworld::entities::{favorites, follows};

/// One row of the `UNION ALL`: `kind` 0 is a favorited article, 1 a followed author.
#[derive(FromQueryResult)]
struct FlagRow {
    kind: i32,
    id: i64,
}

/// Favorites of `viewer` among `articles` and followees among `authors`, as one
/// `UNION ALL` (no statement at all when both lists are empty). Each part is a range
/// of the favorites or follows primary key, which starts with the viewer's id.
pub(crate) async fn viewer_flags(
    db: &DatabaseConnection,
    viewer: UserId,
    articles: &[ArticleId],
    authors: &[UserId],
) -> Result<ViewerFlags, DbErr> {
    let mut parts: Vec<SelectStatement> = Vec::new();
    if !articles.is_empty() {
        parts.push(
            Query::select()
                .expr_as(literal(0), "kind")
                .expr_as(Expr::col(favorites::Column::ArticleId), "id")
                .from(favorites::Entity)
                .and_where(Expr::col(favorites::Column::UserId).eq(viewer.0))
                .and_where(Expr::col(favorites::Column::ArticleId).is_in(articles.iter().map(|a| a.0)))
                .to_owned(),
        );
    }
    if !authors.is_empty() {
        parts.push(
            Query::select()
                .expr_as(literal(1), "kind")
                .expr_as(Expr::col(follows::Column::FolloweeId), "id")
                .from(follows::Entity)
                .and_where(Expr::col(follows::Column::FollowerId).eq(viewer.0))
                .and_where(Expr::col(follows::Column::FolloweeId).is_in(authors.iter().map(|u| u.0)))
                .to_owned(),
        );
    }
    let mut flags = ViewerFlags::default();
    let mut parts = parts.into_iter();
    let Some(mut query) = parts.next() else {
        return Ok(flags);
    };
    query.unions(parts.map(|part| (UnionType::All, part)));
    for row in fetch_all::<FlagRow>(db, &query).await? {
        if row.kind == 0 {
            flags.favorited.insert(ArticleId(row.id));
        } else {
            flags.following.insert(UserId(row.id));
        }
    }
    Ok(flags)
}

/// Which of `followees` `follower` follows.
pub(crate) async fn following_among(
    db: &DatabaseConnection,
    follower: UserId,
    followees: &[UserId],
) -> Result<HashSet<UserId>, DbErr> {
    Ok(viewer_flags(db, follower, &[], followees).await?.following)
}
