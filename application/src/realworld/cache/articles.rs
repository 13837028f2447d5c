//! Caching decorators for articles and tags.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use domain::realworld::{Article, ArticleChanges, ArticleFilter, ArticleId, Page, Slug, Tag};
use domain::{Timestamp, UserId};

use crate::RepoError;
use crate::cache::ALL;
use crate::cache::View;
use crate::cache::{CachePolicy, Caching, PEOPLE};
use crate::realworld::{ArticlePage, ArticleRef, ArticleRepository, NewArticleRecord, TagRepository, ViewerFlags};

/// Namespace of the global article list pages.
const LIST: &str = "articles";
/// Namespace of the tag list.
const TAGS: &str = "tags";

fn article_ns(slug: &Slug) -> String {
    format!("article:{}", slug.as_str())
}

/// [`ArticleRepository`] with cache-aside reads of single articles and of the first
/// pages of the unfiltered list, and invalidation on every write.
pub struct CachedArticleRepository {
    inner: Arc<dyn ArticleRepository>,
    caching: Arc<Caching>,
    policy: CachePolicy,
}

impl CachedArticleRepository {
    pub fn new(inner: Arc<dyn ArticleRepository>, caching: Arc<Caching>, policy: CachePolicy) -> Self {
        Self { inner, caching, policy }
    }

    /// Only the unfiltered list, at small offsets: deep pages are rare and each would be
    /// its own entry. A filter with any field set (present or future) is not cached.
    fn cacheable(&self, filter: &ArticleFilter, page: Page) -> bool {
        *filter == ArticleFilter::default() && page.cursor().is_none() && page.offset() <= self.policy.list_max_offset
    }

    /// Fills the viewer's flags into views loaded without a viewer, in one query.
    async fn personalise(&self, articles: &mut [Article], viewer: Option<UserId>) -> Result<(), RepoError> {
        let Some(viewer) = viewer else { return Ok(()) };
        if articles.is_empty() {
            return Ok(());
        }
        let ids: Vec<ArticleId> = articles.iter().map(|a| a.id).collect();
        let authors: Vec<UserId> = articles.iter().map(|a| a.author_id).collect::<HashSet<_>>().into_iter().collect();
        let ViewerFlags { favorited, following } = self.inner.viewer_flags(viewer, &ids, &authors).await?;
        for article in articles {
            article.favorited = favorited.contains(&article.id);
            article.author.following = following.contains(&article.author_id);
        }
        Ok(())
    }

    /// After a favorite or unfavorite of `id`: its entry and the list pages.
    async fn invalidate_counts(&self, id: ArticleId) {
        let namespaces = match self.inner.slug_of(id).await {
            Ok(Some(slug)) => vec![article_ns(&slug), LIST.to_owned()],
            // Deleted meanwhile: the delete retired its entry.
            Ok(None) => vec![LIST.to_owned()],
            // The slug is unknown, so retire everything rather than leave a stale count.
            Err(_) => vec![ALL.to_owned()],
        };
        self.caching.invalidate(&namespaces).await;
    }
}

#[async_trait]
impl ArticleRepository for CachedArticleRepository {
    async fn create(&self, article: NewArticleRecord) -> Result<Article, RepoError> {
        let created = self.inner.create(article).await?;
        let mut namespaces = vec![article_ns(&created.slug), LIST.to_owned()];
        if !created.tags.as_slice().is_empty() {
            namespaces.push(TAGS.to_owned());
        }
        self.caching.invalidate(&namespaces).await;
        Ok(created)
    }

    async fn find_by_slug(&self, slug: &Slug, viewer: Option<UserId>) -> Result<Option<Article>, RepoError> {
        let found = self
            .caching
            .read(
                View::Article,
                slug.as_str(),
                &[article_ns(slug), PEOPLE.to_owned()],
                self.policy.article_ttl,
                self.inner.find_by_slug(slug, None),
            )
            .await?;
        let Some(article) = found else { return Ok(None) };
        let mut one = [article];
        self.personalise(&mut one, viewer).await?;
        let [article] = one;
        Ok(Some(article))
    }

    async fn locate(&self, slug: &Slug) -> Result<Option<ArticleRef>, RepoError> {
        self.inner.locate(slug).await
    }

    /// Never cached: each call should land somewhere else.
    async fn random_slug(&self) -> Result<Option<Slug>, RepoError> {
        self.inner.random_slug().await
    }

    async fn update(
        &self,
        id: ArticleId,
        changes: &ArticleChanges,
        slug: Option<&Slug>,
        updated_at: Timestamp,
    ) -> Result<(), RepoError> {
        let old = self.inner.slug_of(id).await?;
        self.inner.update(id, changes, slug, updated_at).await?;
        let mut namespaces = vec![LIST.to_owned()];
        namespaces.extend(old.iter().chain(slug).map(article_ns));
        if changes.tags.is_some() {
            namespaces.push(TAGS.to_owned());
        }
        self.caching.invalidate(&namespaces).await;
        Ok(())
    }

    async fn delete(&self, id: ArticleId) -> Result<(), RepoError> {
        let old = self.inner.slug_of(id).await?;
        self.inner.delete(id).await?;
        let mut namespaces = vec![LIST.to_owned(), TAGS.to_owned()];
        namespaces.extend(old.iter().map(article_ns));
        self.caching.invalidate(&namespaces).await;
        Ok(())
    }

    async fn list(&self, filter: &ArticleFilter, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, RepoError> {
        if !self.cacheable(filter, page) {
            return self.inner.list(filter, page, viewer).await;
        }
        let id = format!("{}:{}", page.limit(), page.offset());
        let load = async { self.inner.list(filter, page, None).await.map(Some) };
        let found = self
            .caching
            .read(View::ArticleList, &id, &[LIST.to_owned(), PEOPLE.to_owned()], self.policy.list_ttl, load)
            .await?;
        let mut page = found.unwrap_or_default();
        self.personalise(&mut page.articles, viewer).await?;
        Ok(page)
    }

    async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, RepoError> {
        self.inner.feed(viewer, page).await
    }

    async fn favorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        self.inner.favorite(user, article).await?;
        self.invalidate_counts(article).await;
        Ok(())
    }

    async fn unfavorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        self.inner.unfavorite(user, article).await?;
        self.invalidate_counts(article).await;
        Ok(())
    }

    async fn viewer_flags(
        &self,
        viewer: UserId,
        articles: &[ArticleId],
        authors: &[UserId],
    ) -> Result<ViewerFlags, RepoError> {
        self.inner.viewer_flags(viewer, articles, authors).await
    }

    async fn slug_of(&self, id: ArticleId) -> Result<Option<Slug>, RepoError> {
        self.inner.slug_of(id).await
    }
}

/// [`TagRepository`] with a cached tag list.
pub struct CachedTagRepository {
    inner: Arc<dyn TagRepository>,
    caching: Arc<Caching>,
    policy: CachePolicy,
}

impl CachedTagRepository {
    pub fn new(inner: Arc<dyn TagRepository>, caching: Arc<Caching>, policy: CachePolicy) -> Self {
        Self { inner, caching, policy }
    }
}

#[async_trait]
impl TagRepository for CachedTagRepository {
    async fn in_use(&self) -> Result<Vec<Tag>, RepoError> {
        let load = async { self.inner.in_use().await.map(Some) };
        let found = self.caching.read(View::Tags, "in_use", &[TAGS.to_owned()], self.policy.tags_ttl, load).await?;
        Ok(found.unwrap_or_default())
    }
}
