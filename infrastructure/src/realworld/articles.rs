//! Articles, tags and favorites on sea-orm.
//!
//! Reads that return article views take a fixed number of statements whatever the page
//! size: one query returns the page with its authors and the viewer's `favorited` and
//! `following` flags (as `EXISTS` subqueries), a second loads the tags of every article
//! on the page, and a third counts the matches for `articlesCount`; the count runs
//! concurrently with the other two. `favorites_count` is a column kept in step with
//! the `favorites` table in the same transaction.
//!
//! Why not `COUNT(*) OVER ()` in the page query: the window needs every matching row,
//! with its joins and per-viewer subqueries, before `LIMIT` applies, so the page costs
//! as much as the whole result. Measured on PostgreSQL with 100,000 articles
//! (docs/benchmarks.md): 129 ms for the global first page with the window, against
//! 0.6 ms for the page plus 29 ms for a bare count.

use std::collections::HashMap;

use application::RepoError;
use application::realworld::{
    ArticlePage, ArticleRef, ArticleRepository, NewArticleRecord, TagRepository, ViewerFlags,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::realworld::{
    Article, ArticleChanges, ArticleFilter, ArticleId, Body, Cursor, Description, Page, Slug, Tag, TagList, Title,
};
use domain::{Timestamp, UserId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryResult,
    TransactionTrait, Value,
};

use super::profiles::profile_from_row;
use crate::db::entities::{article_tags, articles, favorites};
use crate::db::sql::{NO_VIEWER, map_err, placeholders, statement, unexpected};

const SLUG_UNIQUE: &[&str] = &["slug"];

/// Columns of an article view; binds the viewer id twice.
const VIEW_COLUMNS: &str = "a.id, a.author_id, a.slug, a.title, a.description, a.created_at, a.updated_at, \
    a.favorites_count, u.username, u.bio, u.image, \
    CASE WHEN EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = ?) THEN 1 ELSE 0 END \
    AS favorited, \
    CASE WHEN EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = a.author_id AND fo.follower_id = ?) \
    THEN 1 ELSE 0 END AS following";

const FROM: &str = "FROM articles a JOIN users u ON u.id = a.author_id";

/// A `WHERE` clause and its values.
struct Condition {
    sql: String,
    values: Vec<Value>,
}

impl Condition {
    fn all() -> Self {
        Self { sql: "WHERE 1 = 1".to_owned(), values: Vec::new() }
    }

    fn and(mut self, sql: &str, value: impl Into<Value>) -> Self {
        self.sql.push_str(" AND ");
        self.sql.push_str(sql);
        self.values.push(value.into());
        self
    }

    fn filter(filter: &ArticleFilter) -> Self {
        let mut condition = Self::all();
        if let Some(tag) = &filter.tag {
            condition = condition.and(
                "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = ?)",
                tag.as_str(),
            );
        }
        if let Some(author) = &filter.author {
            condition = condition.and("u.username = ?", author.as_str());
        }
        if let Some(fan) = &filter.favorited_by {
            condition = condition.and(
                "a.id IN (SELECT fv.article_id FROM favorites fv JOIN users fu ON fu.id = fv.user_id \
                 WHERE fu.username = ?)",
                fan.as_str(),
            );
        }
        condition
    }

    fn feed(viewer: UserId) -> Self {
        Self::all().and("a.author_id IN (SELECT fo2.followee_id FROM follows fo2 WHERE fo2.follower_id = ?)", viewer.0)
    }
}

fn viewer_values(viewer: Option<UserId>) -> Vec<Value> {
    let id = viewer.map_or(NO_VIEWER, |v| v.0);
    vec![id.into(), id.into()]
}

fn timestamp(row: &QueryResult, column: &str) -> Result<Timestamp, DbErr> {
    row.try_get::<DateTime<Utc>>("", column).map(Timestamp::new)
}

fn article_from_row(row: &QueryResult, with_body: bool, tags: TagList) -> Result<Article, DbErr> {
    let body = if with_body { Some(Body::from_trusted(row.try_get("", "body")?)) } else { None };
    Ok(Article {
        id: ArticleId(row.try_get("", "id")?),
        author_id: UserId(row.try_get("", "author_id")?),
        slug: Slug::from_trusted(row.try_get("", "slug")?),
        title: Title::from_trusted(row.try_get("", "title")?),
        description: Description::from_trusted(row.try_get("", "description")?),
        body,
        tags,
        created_at: timestamp(row, "created_at")?,
        updated_at: timestamp(row, "updated_at")?,
        favorites_count: u64::try_from(row.try_get::<i64>("", "favorites_count")?).unwrap_or(0),
        favorited: row.try_get::<i32>("", "favorited")? != 0,
        author: profile_from_row(row)?,
    })
}

/// [`ArticleRepository`] on sea-orm.
#[derive(Clone)]
pub struct SeaOrmArticleRepository {
    db: DatabaseConnection,
}

impl SeaOrmArticleRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Tags of the given articles, in each article's order, in one statement.
    async fn tags_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<Tag>>, DbErr> {
        let mut by_article: HashMap<i64, Vec<Tag>> = HashMap::new();
        if ids.is_empty() {
            return Ok(by_article);
        }
        let sql = format!(
            "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
             WHERE at.article_id IN ({}) ORDER BY at.article_id, at.position",
            placeholders(ids.len())
        );
        let values = ids.iter().map(|id| Value::from(*id)).collect();
        for row in self.db.query_all_raw(statement(self.db.get_database_backend(), &sql, values)).await? {
            let id: i64 = row.try_get("", "article_id")?;
            by_article.entry(id).or_default().push(Tag::from_trusted(row.try_get("", "name")?));
        }
        Ok(by_article)
    }

    async fn page(&self, condition: Condition, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, DbErr> {
        let ((articles, next), total) = tokio::try_join!(self.rows(&condition, page, viewer), self.count(&condition))?;
        Ok(ArticlePage { articles, total, next })
    }

    /// The page itself, and where the next one starts. `LIMIT` stops the index walk after
    /// `limit + 1 + offset` rows; with a cursor, the walk starts at the cursor, so a deep
    /// page costs what the first one does. The extra row only says whether there is a
    /// next page.
    async fn rows(
        &self,
        condition: &Condition,
        page: Page,
        viewer: Option<UserId>,
    ) -> Result<(Vec<Article>, Option<Cursor>), DbErr> {
        let mut values = viewer_values(viewer);
        values.extend(condition.values.iter().cloned());
        // A row-value comparison matches the (created_at, id) index on both databases.
        let keyset = match page.cursor() {
            Some(cursor) => {
                values.push(cursor.created_at.as_datetime().into());
                values.push(cursor.id.0.into());
                " AND (a.created_at, a.id) < (?, ?)"
            }
            None => "",
        };
        let sql = format!(
            "SELECT {VIEW_COLUMNS} {FROM} {}{keyset} ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?",
            condition.sql
        );
        values.push((i64::from(page.limit()) + 1).into());
        values.push(i64::try_from(page.offset()).unwrap_or(i64::MAX).into());
        let mut rows = self.db.query_all_raw(statement(self.db.get_database_backend(), &sql, values)).await?;
        let more = rows.len() > page.limit() as usize;
        rows.truncate(page.limit() as usize);
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("", "id")).collect::<Result<_, _>>()?;
        let mut tags = self.tags_of(&ids).await?;
        let articles: Vec<Article> = rows
            .iter()
            .zip(&ids)
            .map(|(row, id)| article_from_row(row, false, TagList::from_trusted(tags.remove(id).unwrap_or_default())))
            .collect::<Result<_, _>>()?;
        let next = articles.last().filter(|_| more).map(|a| Cursor { created_at: a.created_at, id: a.id });
        Ok((articles, next))
    }

    /// `articlesCount`: every match, without the page's per-viewer subqueries.
    async fn count(&self, condition: &Condition) -> Result<u64, DbErr> {
        let sql = format!("SELECT COUNT(*) AS total {FROM} {}", condition.sql);
        let stmt = statement(self.db.get_database_backend(), &sql, condition.values.clone());
        let total = self.db.query_one_raw(stmt).await?.map(|r| r.try_get::<i64>("", "total")).transpose()?;
        Ok(total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0))
    }
}

/// Links `tags` to `article` (creating missing tags) inside the transaction `txn`.
async fn attach_tags(txn: &impl ConnectionTrait, article: i64, tags: &TagList) -> Result<(), DbErr> {
    if tags.as_slice().is_empty() {
        return Ok(());
    }
    let backend = txn.get_database_backend();
    let names: Vec<Value> = tags.iter().map(|t| Value::from(t.as_str())).collect();
    let insert =
        format!("INSERT INTO tags (name) VALUES {} ON CONFLICT (name) DO NOTHING", vec!["(?)"; names.len()].join(", "));
    txn.execute_raw(statement(backend, &insert, names.clone())).await?;
    let select = format!("SELECT id, name FROM tags WHERE name IN ({})", placeholders(names.len()));
    let mut ids = HashMap::new();
    for row in txn.query_all_raw(statement(backend, &select, names)).await? {
        ids.insert(row.try_get::<String>("", "name")?, row.try_get::<i64>("", "id")?);
    }
    let links = tags.iter().enumerate().map(|(position, tag)| {
        let tag_id = ids.get(tag.as_str()).copied().ok_or_else(|| DbErr::RecordNotFound(tag.as_str().to_owned()))?;
        Ok(article_tags::ActiveModel {
            article_id: Set(article),
            tag_id: Set(tag_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        })
    });
    article_tags::Entity::insert_many(links.collect::<Result<Vec<_>, DbErr>>()?).exec(txn).await?;
    Ok(())
}

#[async_trait]
impl ArticleRepository for SeaOrmArticleRepository {
    async fn create(&self, article: NewArticleRecord) -> Result<Article, RepoError> {
        let slug = article.slug.clone();
        let txn = self.db.begin().await.map_err(unexpected)?;
        let at = article.created_at.as_datetime();
        let model = articles::ActiveModel {
            id: NotSet,
            author_id: Set(article.author_id.0),
            slug: Set(article.slug.as_str().to_owned()),
            title: Set(article.title.as_str().to_owned()),
            description: Set(article.description.as_str().to_owned()),
            body: Set(article.body.as_str().to_owned()),
            favorites_count: Set(0),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await
        .map_err(map_err(SLUG_UNIQUE))?;
        attach_tags(&txn, model.id, &article.tags).await.map_err(unexpected)?;
        txn.commit().await.map_err(unexpected)?;
        self.find_by_slug(&slug, Some(article.author_id))
            .await?
            .ok_or_else(|| RepoError::Unexpected(anyhow::anyhow!("article {} vanished after insert", model.id)))
    }

    async fn find_by_slug(&self, slug: &Slug, viewer: Option<UserId>) -> Result<Option<Article>, RepoError> {
        let sql = format!("SELECT {VIEW_COLUMNS}, a.body {FROM} WHERE a.slug = ?");
        let mut values = viewer_values(viewer);
        values.push(slug.as_str().into());
        let stmt = statement(self.db.get_database_backend(), &sql, values);
        let Some(row) = self.db.query_one_raw(stmt).await.map_err(unexpected)? else {
            return Ok(None);
        };
        let id: i64 = row.try_get("", "id").map_err(unexpected)?;
        let tags = self.tags_of(&[id]).await.map_err(unexpected)?.remove(&id).unwrap_or_default();
        Ok(Some(article_from_row(&row, true, TagList::from_trusted(tags)).map_err(unexpected)?))
    }

    async fn locate(&self, slug: &Slug) -> Result<Option<ArticleRef>, RepoError> {
        let found = articles::Entity::find()
            .filter(articles::Column::Slug.eq(slug.as_str()))
            .one(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(found.map(|a| ArticleRef {
            id: ArticleId(a.id),
            author_id: UserId(a.author_id),
            slug: Slug::from_trusted(a.slug),
            updated_at: Timestamp::new(a.updated_at),
        }))
    }

    async fn update(
        &self,
        id: ArticleId,
        changes: &ArticleChanges,
        slug: Option<&Slug>,
        updated_at: Timestamp,
    ) -> Result<(), RepoError> {
        let mut model = articles::ActiveModel { updated_at: Set(updated_at.as_datetime()), ..Default::default() };
        if let Some(slug) = slug {
            model.slug = Set(slug.as_str().to_owned());
        }
        if let Some(title) = &changes.title {
            model.title = Set(title.as_str().to_owned());
        }
        if let Some(description) = &changes.description {
            model.description = Set(description.as_str().to_owned());
        }
        if let Some(body) = &changes.body {
            model.body = Set(body.as_str().to_owned());
        }
        let txn = self.db.begin().await.map_err(unexpected)?;
        let result = articles::Entity::update_many()
            .set(model)
            .filter(articles::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(map_err(SLUG_UNIQUE))?;
        if result.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        if let Some(tags) = &changes.tags {
            article_tags::Entity::delete_many()
                .filter(article_tags::Column::ArticleId.eq(id.0))
                .exec(&txn)
                .await
                .map_err(unexpected)?;
            attach_tags(&txn, id.0, tags).await.map_err(unexpected)?;
        }
        txn.commit().await.map_err(unexpected)
    }

    async fn delete(&self, id: ArticleId) -> Result<(), RepoError> {
        // Tag links, favorites and comments go with it (ON DELETE CASCADE).
        let result = articles::Entity::delete_by_id(id.0).exec(&self.db).await.map_err(unexpected)?;
        if result.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn list(&self, filter: &ArticleFilter, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, RepoError> {
        self.page(Condition::filter(filter), page, viewer).await.map_err(unexpected)
    }

    async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, RepoError> {
        self.page(Condition::feed(viewer), page, Some(viewer)).await.map_err(unexpected)
    }

    async fn random_slug(&self) -> Result<Option<Slug>, RepoError> {
        // MIN and MAX read the two ends of the primary key index; the pick is then one
        // index seek. Ids after a gap (deleted articles) are a little more likely: fine
        // for "show me something", and no scan or sort of the table.
        let backend = self.db.get_database_backend();
        let bounds = statement(backend, "SELECT MIN(id) AS lo, MAX(id) AS hi FROM articles", Vec::new());
        let row = self.db.query_one_raw(bounds).await.map_err(unexpected)?;
        let bounds =
            row.map(|r| Ok::<_, DbErr>((r.try_get::<Option<i64>>("", "lo")?, r.try_get::<Option<i64>>("", "hi")?)));
        let (Some(lo), Some(hi)) = bounds.transpose().map_err(unexpected)?.unwrap_or((None, None)) else {
            return Ok(None);
        };
        let pick = rand::random_range(lo..=hi);
        // Wraps around to the first article if the ones from `pick` on were just deleted.
        let sql = "SELECT slug FROM articles WHERE id >= ? ORDER BY id LIMIT 1";
        for from in [pick, lo] {
            let found = self.db.query_one_raw(statement(backend, sql, vec![from.into()])).await.map_err(unexpected)?;
            if let Some(row) = found {
                return Ok(Some(Slug::from_trusted(row.try_get("", "slug").map_err(unexpected)?)));
            }
        }
        Ok(None)
    }

    async fn favorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        let txn = self.db.begin().await.map_err(unexpected)?;
        let backend = txn.get_database_backend();
        let insert = "INSERT INTO favorites (user_id, article_id, created_at) VALUES (?, ?, ?) \
                      ON CONFLICT (user_id, article_id) DO NOTHING";
        let values = vec![user.0.into(), article.0.into(), Utc::now().into()];
        let inserted = txn.execute_raw(statement(backend, insert, values)).await.map_err(fk_is_not_found)?;
        // Only the request that really inserted the row counts it, so concurrent
        // favorites by the same user are counted once.
        if inserted.rows_affected() == 1 {
            let bump = "UPDATE articles SET favorites_count = favorites_count + 1 WHERE id = ?";
            txn.execute_raw(statement(backend, bump, vec![article.0.into()])).await.map_err(unexpected)?;
        }
        txn.commit().await.map_err(unexpected)
    }

    async fn unfavorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        let txn = self.db.begin().await.map_err(unexpected)?;
        let deleted = favorites::Entity::delete_many()
            .filter(favorites::Column::UserId.eq(user.0))
            .filter(favorites::Column::ArticleId.eq(article.0))
            .exec(&txn)
            .await
            .map_err(unexpected)?;
        if deleted.rows_affected == 1 {
            let drop = "UPDATE articles SET favorites_count = favorites_count - 1 WHERE id = ? AND favorites_count > 0";
            txn.execute_raw(statement(txn.get_database_backend(), drop, vec![article.0.into()]))
                .await
                .map_err(unexpected)?;
        }
        txn.commit().await.map_err(unexpected)
    }

    async fn viewer_flags(
        &self,
        viewer: UserId,
        articles: &[ArticleId],
        authors: &[UserId],
    ) -> Result<ViewerFlags, RepoError> {
        super::flags::viewer_flags(&self.db, viewer, articles, authors).await.map_err(unexpected)
    }

    async fn slug_of(&self, id: ArticleId) -> Result<Option<Slug>, RepoError> {
        let stmt =
            statement(self.db.get_database_backend(), "SELECT slug FROM articles WHERE id = ?", vec![id.0.into()]);
        let row = self.db.query_one_raw(stmt).await.map_err(unexpected)?;
        row.map(|r| r.try_get("", "slug").map(Slug::from_trusted)).transpose().map_err(unexpected)
    }
}

/// A favorite of an article deleted a moment ago fails its foreign key: that is a 404.
fn fk_is_not_found(err: DbErr) -> RepoError {
    match err.sql_err() {
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => RepoError::NotFound,
        _ => unexpected(err),
    }
}

/// [`TagRepository`] on sea-orm.
#[derive(Clone)]
pub struct SeaOrmTagRepository {
    db: DatabaseConnection,
}

impl SeaOrmTagRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl TagRepository for SeaOrmTagRepository {
    async fn in_use(&self) -> Result<Vec<Tag>, RepoError> {
        // Tags are never deleted (so concurrent writers can share them safely); the ones
        // no article uses any more are simply not listed.
        let sql = "SELECT t.name FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id) \
                   ORDER BY t.name";
        let rows =
            self.db.query_all_raw(statement(self.db.get_database_backend(), sql, vec![])).await.map_err(unexpected)?;
        rows.iter().map(|r| r.try_get("", "name").map(Tag::from_trusted)).collect::<Result<_, _>>().map_err(unexpected)
    }
}
