//! Ports for articles, favorites, comments and tags.

use std::collections::HashSet;

use async_trait::async_trait;
use domain::realworld::{
    Article, ArticleChanges, ArticleFilter, ArticleId, Body, Comment, CommentBody, CommentId, Cursor, Description,
    Page, Slug, Tag, TagList, Title,
};
use domain::{Timestamp, UserId};

use crate::RepoError;

/// The few columns needed to authorise a change to an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRef {
    pub id: ArticleId,
    pub author_id: UserId,
    pub slug: Slug,
    pub updated_at: Timestamp,
}

/// An article ready to be stored.
#[derive(Debug, Clone)]
pub struct NewArticleRecord {
    pub author_id: UserId,
    pub slug: Slug,
    pub title: Title,
    pub description: Description,
    pub body: Body,
    pub tags: TagList,
    pub created_at: Timestamp,
}

/// One page of an article list and the number of articles matching the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticlePage {
    pub articles: Vec<Article>,
    pub total: u64,
    /// Where the next page starts; `None` on the last page (adapters MUST know, e.g. by
    /// reading one row more than the limit).
    pub next: Option<Cursor>,
}

/// Which of a set of articles the viewer has favorited and which authors they follow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewerFlags {
    pub favorited: HashSet<ArticleId>,
    pub following: HashSet<UserId>,
}

/// Storage of articles and favorites.
///
/// Reads that return `Article`s MUST fill `favorited` and `author.following` for the
/// viewer (false without one) and MUST use a number of statements that does not
/// depend on the page size (batched or joined, never one query per row).
#[async_trait]
pub trait ArticleRepository: Send + Sync {
    /// Stores the article and its tags in one transaction and returns its view.
    ///
    /// # Errors
    /// `Conflict("slug")` when the slug is taken (by a unique constraint).
    async fn create(&self, article: NewArticleRecord) -> Result<Article, RepoError>;

    /// # Errors
    /// Only `Unexpected`.
    async fn find_by_slug(&self, slug: &Slug, viewer: Option<UserId>) -> Result<Option<Article>, RepoError>;

    /// # Errors
    /// Only `Unexpected`.
    async fn locate(&self, slug: &Slug) -> Result<Option<ArticleRef>, RepoError>;

    /// Applies the changes (and the new slug, if any) in one transaction. Tags given in
    /// `changes` replace the current ones.
    ///
    /// # Errors
    /// `NotFound` for an unknown id, `Conflict("slug")` for a taken slug.
    async fn update(
        &self,
        id: ArticleId,
        changes: &ArticleChanges,
        slug: Option<&Slug>,
        updated_at: Timestamp,
    ) -> Result<(), RepoError>;

    /// Deletes the article with its tags links, favorites and comments.
    ///
    /// # Errors
    /// `NotFound` for an unknown id.
    async fn delete(&self, id: ArticleId) -> Result<(), RepoError>;

    /// Most recent first (by `created_at`, then `id`), filtered, with the total count of
    /// matches (whatever the page). A page with a cursor starts strictly after it.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn list(&self, filter: &ArticleFilter, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, RepoError>;

    /// Articles by authors `viewer` follows, in the order and with the paging of `list`.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, RepoError>;

    /// The slug of an article picked at random, `None` when there are none. Adapters MUST
    /// NOT sort or scan the whole table (no `ORDER BY RANDOM()`): e.g. pick a random id
    /// between the smallest and the largest and take the first article from there.
    /// Decorators (caches) MUST NOT cache it.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn random_slug(&self) -> Result<Option<Slug>, RepoError>;

    /// Idempotent; keeps the stored favorites count exact under concurrency.
    ///
    /// # Errors
    /// `NotFound` when the article no longer exists (deleted since it was looked up).
    async fn favorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError>;

    /// Idempotent; keeps the stored favorites count exact under concurrency.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn unfavorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError>;

    /// The viewer's `favorited` flags among `articles` and `following` flags among
    /// `authors`, for views loaded without a viewer. MUST use one statement whatever the
    /// number of ids (none for two empty lists).
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn viewer_flags(
        &self,
        viewer: UserId,
        articles: &[ArticleId],
        authors: &[UserId],
    ) -> Result<ViewerFlags, RepoError>;

    /// The current slug of article `id`, `None` when it does not exist.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn slug_of(&self, id: ArticleId) -> Result<Option<Slug>, RepoError>;
}

/// The few columns needed to authorise deleting a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentRef {
    pub id: CommentId,
    pub author_id: UserId,
}

/// Storage of comments.
#[async_trait]
pub trait CommentRepository: Send + Sync {
    /// # Errors
    /// Only `Unexpected`.
    async fn add(
        &self,
        article: ArticleId,
        author: UserId,
        body: CommentBody,
        at: Timestamp,
    ) -> Result<Comment, RepoError>;

    /// At most `limit` comments of `article` with an id greater than `after` (all when
    /// `None`), oldest (lowest id) first, with `author.following` for `viewer`, in a fixed
    /// number of statements. Adapters MUST apply the limit in the query, never read the
    /// whole thread.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn list(
        &self,
        article: ArticleId,
        after: Option<CommentId>,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Comment>, RepoError>;

    /// The comment `id` if it belongs to `article`.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn locate(&self, article: ArticleId, id: CommentId) -> Result<Option<CommentRef>, RepoError>;

    /// # Errors
    /// `NotFound` for an unknown id.
    async fn delete(&self, id: CommentId) -> Result<(), RepoError>;
}

/// The tags in use.
#[async_trait]
pub trait TagRepository: Send + Sync {
    /// Every tag on at least one article, sorted by name.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn in_use(&self) -> Result<Vec<Tag>, RepoError>;

    /// At most `limit` tags of [`TagRepository::in_use`] sorted after `after` (from the
    /// first when `None`), in the same order. Storage adapters SHOULD override this with a
    /// bounded query; the default slices the full list, which is right for decorators whose
    /// `in_use` is cheap (the cached list) and for in-memory fakes.
    ///
    /// # Errors
    /// Only `Unexpected`.
    async fn in_use_after(&self, after: Option<&Tag>, limit: u32) -> Result<Vec<Tag>, RepoError> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let tags = self.in_use().await?;
        Ok(tags.into_iter().filter(|tag| after.is_none_or(|after| tag > after)).take(limit).collect())
    }
}
