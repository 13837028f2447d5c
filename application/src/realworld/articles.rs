//! Publishing, editing, listing and favoriting articles.

use std::sync::Arc;

use domain::UserId;
use domain::realworld::{Article, ArticleChanges, ArticleFilter, NewArticle, Page, Slug};
use rand::Rng;

use crate::ports::Clock;
use crate::realworld::{ArticlePage, ArticleRef, ArticleRepository, NewArticleRecord};
use crate::{RepoError, UseCaseError};

/// How many slugs to try before giving up; each retry adds a random suffix, so more
/// than one collision in a row is already very unlikely.
const SLUG_ATTEMPTS: usize = 5;

/// Raw fields of a new article.
#[derive(Debug, Clone, Default)]
pub struct CreateArticleInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub body: Option<String>,
    pub tag_list: Option<Vec<String>>,
}

/// Raw fields of an article update: `None` absent, `Some(None)` null.
#[derive(Debug, Clone, Default)]
pub struct UpdateArticleInput {
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub body: Option<Option<String>>,
    pub tag_list: Option<Option<Vec<String>>>,
}

/// Article use cases.
#[derive(Clone)]
pub struct ArticleService {
    articles: Arc<dyn ArticleRepository>,
    clock: Arc<dyn Clock>,
}

fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..6).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// The slug to try at `attempt`: the plain one first, then with random suffixes.
fn candidate(base: &Slug, attempt: usize) -> Slug {
    if attempt == 0 { base.clone() } else { base.with_suffix(&random_suffix()) }
}

impl ArticleService {
    pub fn new(articles: Arc<dyn ArticleRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { articles, clock }
    }

    /// # Errors
    /// Only `Unexpected`.
    #[tracing::instrument(level = "debug", name = "articles.list", skip_all)]
    pub async fn list(
        &self,
        filter: &ArticleFilter,
        page: Page,
        viewer: Option<UserId>,
    ) -> Result<ArticlePage, UseCaseError> {
        Ok(self.articles.list(filter, page, viewer).await?)
    }

    /// # Errors
    /// Only `Unexpected`.
    #[tracing::instrument(level = "debug", name = "articles.feed", skip_all)]
    pub async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, UseCaseError> {
        Ok(self.articles.feed(viewer, page).await?)
    }

    /// An article picked at random, as `get` returns it.
    ///
    /// # Errors
    /// `NotFound("article")` when there are no articles.
    #[tracing::instrument(level = "debug", name = "articles.random", skip_all)]
    pub async fn random(&self, viewer: Option<UserId>) -> Result<Article, UseCaseError> {
        // The picked article may be deleted before it is read: pick again, a few times.
        for _ in 0..3 {
            let Some(slug) = self.articles.random_slug().await? else {
                return Err(UseCaseError::NotFound("article"));
            };
            if let Some(article) = self.articles.find_by_slug(&slug, viewer).await? {
                return Ok(article);
            }
        }
        Err(UseCaseError::NotFound("article"))
    }

    /// # Errors
    /// `NotFound("article")`.
    #[tracing::instrument(level = "debug", name = "articles.get", skip_all)]
    pub async fn get(&self, slug: &str, viewer: Option<UserId>) -> Result<Article, UseCaseError> {
        self.articles
            .find_by_slug(&Slug::from_trusted(slug.to_owned()), viewer)
            .await?
            .ok_or(UseCaseError::NotFound("article"))
    }

    /// Publishes an article under a slug derived from its title, unique even when
    /// titles repeat or two authors publish the same title at the same moment (the
    /// unique constraint decides; a loser retries with a suffix).
    ///
    /// # Errors
    /// `Validation` for bad fields.
    #[tracing::instrument(skip_all, fields(author = author.0))]
    pub async fn create(&self, author: UserId, input: CreateArticleInput) -> Result<Article, UseCaseError> {
        let new = NewArticle::parse(
            input.title.as_deref(),
            input.description.as_deref(),
            input.body.as_deref(),
            input.tag_list.as_deref(),
        )?;
        let base = Slug::from_title(&new.title);
        let created_at = self.clock.now();
        for attempt in 0..SLUG_ATTEMPTS {
            let record = NewArticleRecord {
                author_id: author,
                slug: candidate(&base, attempt),
                title: new.title.clone(),
                description: new.description.clone(),
                body: new.body.clone(),
                tags: new.tags.clone(),
                created_at,
            };
            match self.articles.create(record).await {
                Err(RepoError::Conflict("slug")) => {}
                other => return Ok(other?),
            }
        }
        Err(UseCaseError::Unexpected(anyhow::anyhow!("no free slug after {SLUG_ATTEMPTS} attempts")))
    }

    /// Edits an article of the caller's; a new title gives a new slug.
    ///
    /// # Errors
    /// `NotFound("article")`, `Forbidden("article")` for another author's article,
    /// `Validation` for bad fields.
    #[tracing::instrument(skip_all, fields(user = user.0, slug))]
    pub async fn update(&self, user: UserId, slug: &str, input: UpdateArticleInput) -> Result<Article, UseCaseError> {
        let current = self.owned(user, slug).await?;
        let changes = ArticleChanges::parse(
            input.title.as_ref().map(Option::as_deref),
            input.description.as_ref().map(Option::as_deref),
            input.body.as_ref().map(Option::as_deref),
            input.tag_list.as_ref().map(Option::as_deref),
        )?;
        let updated_at = current.updated_at.next_update(self.clock.now());
        let base = changes.title.as_ref().map(Slug::from_title).filter(|base| *base != current.slug);
        let Some(base) = base else {
            // Deleted since `owned` found it (a concurrent DELETE): a 404, not a 500.
            self.articles
                .update(current.id, &changes, None, updated_at)
                .await
                .map_err(UseCaseError::from_repo("article"))?;
            return self.get(current.slug.as_str(), Some(user)).await;
        };
        for attempt in 0..SLUG_ATTEMPTS {
            let slug = candidate(&base, attempt);
            match self.articles.update(current.id, &changes, Some(&slug), updated_at).await {
                Err(RepoError::Conflict("slug")) => {}
                Err(other) => return Err(UseCaseError::from_repo("article")(other)),
                Ok(()) => return self.get(slug.as_str(), Some(user)).await,
            }
        }
        Err(UseCaseError::Unexpected(anyhow::anyhow!("no free slug after {SLUG_ATTEMPTS} attempts")))
    }

    /// # Errors
    /// `NotFound("article")`, `Forbidden("article")` for another author's article.
    #[tracing::instrument(skip_all, fields(user = user.0, slug))]
    pub async fn delete(&self, user: UserId, slug: &str) -> Result<(), UseCaseError> {
        let current = self.owned(user, slug).await?;
        self.articles.delete(current.id).await.map_err(UseCaseError::from_repo("article"))
    }

    /// # Errors
    /// `NotFound("article")`.
    #[tracing::instrument(skip_all, fields(user = user.0, slug))]
    pub async fn favorite(&self, user: UserId, slug: &str) -> Result<Article, UseCaseError> {
        let found = self.locate(slug).await?;
        // The article may be deleted between the lookup and the insert.
        self.articles.favorite(user, found.id).await.map_err(UseCaseError::from_repo("article"))?;
        self.get(slug, Some(user)).await
    }

    /// # Errors
    /// `NotFound("article")`.
    #[tracing::instrument(skip_all, fields(user = user.0, slug))]
    pub async fn unfavorite(&self, user: UserId, slug: &str) -> Result<Article, UseCaseError> {
        let found = self.locate(slug).await?;
        self.articles.unfavorite(user, found.id).await.map_err(UseCaseError::from_repo("article"))?;
        self.get(slug, Some(user)).await
    }

    async fn locate(&self, slug: &str) -> Result<ArticleRef, UseCaseError> {
        self.articles.locate(&Slug::from_trusted(slug.to_owned())).await?.ok_or(UseCaseError::NotFound("article"))
    }

    async fn owned(&self, user: UserId, slug: &str) -> Result<ArticleRef, UseCaseError> {
        let found = self.locate(slug).await?;
        if found.author_id == user { Ok(found) } else { Err(UseCaseError::Forbidden("article")) }
    }
}
