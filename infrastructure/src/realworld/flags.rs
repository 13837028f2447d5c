//! A viewer's `favorited` and `following` flags for views loaded without a viewer
//! (the cached ones), in one statement whatever the number of ids.

use std::collections::HashSet;

use application::realworld::ViewerFlags;
use domain::UserId;
use domain::realworld::ArticleId;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Value};

use crate::db::sql::{placeholders, statement};

/// Favorites of `viewer` among `articles` and followees among `authors`, as one
/// `UNION ALL` (no statement at all when both lists are empty).
pub(crate) async fn viewer_flags(
    db: &DatabaseConnection,
    viewer: UserId,
    articles: &[ArticleId],
    authors: &[UserId],
) -> Result<ViewerFlags, DbErr> {
    let mut parts = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if !articles.is_empty() {
        parts.push(format!(
            "SELECT 0 AS kind, article_id AS id FROM favorites WHERE user_id = ? AND article_id IN ({})",
            placeholders(articles.len())
        ));
        values.push(viewer.0.into());
        values.extend(articles.iter().map(|a| Value::from(a.0)));
    }
    if !authors.is_empty() {
        parts.push(format!(
            "SELECT 1 AS kind, followee_id AS id FROM follows WHERE follower_id = ? AND followee_id IN ({})",
            placeholders(authors.len())
        ));
        values.push(viewer.0.into());
        values.extend(authors.iter().map(|u| Value::from(u.0)));
    }
    let mut flags = ViewerFlags::default();
    if parts.is_empty() {
        return Ok(flags);
    }
    let sql = parts.join(" UNION ALL ");
    for row in db.query_all_raw(statement(db.get_database_backend(), &sql, values)).await? {
        let id: i64 = row.try_get("", "id")?;
        if row.try_get::<i32>("", "kind")? == 0 {
            flags.favorited.insert(ArticleId(id));
        } else {
            flags.following.insert(UserId(id));
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
