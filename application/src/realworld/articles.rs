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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::Fakes;

    fn input(title: &str, tags: &[&str]) -> CreateArticleInput {
        CreateArticleInput {
            title: Some(title.to_owned()),
            description: Some("about it".to_owned()),
            body: Some("the body".to_owned()),
            tag_list: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
        }
    }

    #[tokio::test]
    async fn created_articles_get_a_slug_from_the_title_and_keep_tag_order() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let article = fakes.realworld().articles.create(jake, input("Hello World", &["b", "a"])).await.expect("ok");
        assert_eq!(article.slug.as_str(), "hello-world");
        let tags: Vec<_> = article.tags.iter().map(|t| t.as_str().to_owned()).collect();
        assert_eq!(tags, ["b", "a"]);
        assert_eq!(article.favorites_count, 0);
        assert_eq!(article.author.username.as_str(), "jake");
    }

    #[tokio::test]
    async fn equal_titles_get_distinct_slugs() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let services = fakes.realworld();
        let first = services.articles.create(jake, input("Same", &[])).await.expect("first");
        let second = services.articles.create(jake, input("Same", &[])).await.expect("second");
        assert_ne!(first.slug, second.slug);
        assert!(second.slug.as_str().starts_with("same-"));
    }

    #[tokio::test]
    async fn only_the_author_may_update_or_delete() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let other = fakes.user("other").await;
        let services = fakes.realworld();
        let article = services.articles.create(jake, input("Mine", &[])).await.expect("created");
        let edit = UpdateArticleInput { body: Some(Some("hijacked".to_owned())), ..Default::default() };
        let err = services.articles.update(other, article.slug.as_str(), edit).await.expect_err("forbidden");
        assert!(matches!(err, UseCaseError::Forbidden("article")));
        let err = services.articles.delete(other, article.slug.as_str()).await.expect_err("forbidden");
        assert!(matches!(err, UseCaseError::Forbidden("article")));
        services.articles.delete(jake, article.slug.as_str()).await.expect("deleted by author");
        assert!(matches!(services.articles.get("mine", None).await, Err(UseCaseError::NotFound("article"))));
    }

    #[tokio::test]
    async fn a_new_title_gives_a_new_slug_and_a_later_updated_at() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let services = fakes.realworld();
        let article = services.articles.create(jake, input("Old title", &["x"])).await.expect("created");
        let edit = UpdateArticleInput { title: Some(Some("New title".to_owned())), ..Default::default() };
        let updated = services.articles.update(jake, "old-title", edit).await.expect("updated");
        assert_eq!(updated.slug.as_str(), "new-title");
        assert!(updated.updated_at > article.updated_at);
        assert_eq!(updated.created_at, article.created_at);
        assert_eq!(updated.tags, article.tags, "tags are kept when tagList is absent");
    }

    #[tokio::test]
    async fn an_empty_tag_list_removes_all_tags_and_null_is_rejected() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let services = fakes.realworld();
        services.articles.create(jake, input("Tagged", &["x", "y"])).await.expect("created");
        let null = UpdateArticleInput { tag_list: Some(None), ..Default::default() };
        assert!(matches!(services.articles.update(jake, "tagged", null).await, Err(UseCaseError::Validation(_))));
        let empty = UpdateArticleInput { tag_list: Some(Some(vec![])), ..Default::default() };
        let updated = services.articles.update(jake, "tagged", empty).await.expect("updated");
        assert!(updated.tags.as_slice().is_empty());
    }

    #[tokio::test]
    async fn favoriting_counts_once_per_user() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let fan = fakes.user("fan").await;
        let services = fakes.realworld();
        services.articles.create(jake, input("Liked", &[])).await.expect("created");
        services.articles.favorite(fan, "liked").await.expect("favorited");
        let again = services.articles.favorite(fan, "liked").await.expect("favorited twice");
        assert!(again.favorited);
        assert_eq!(again.favorites_count, 1);
        assert!(!services.articles.get("liked", Some(jake)).await.expect("found").favorited);
        let after = services.articles.unfavorite(fan, "liked").await.expect("unfavorited");
        assert_eq!((after.favorited, after.favorites_count), (false, 0));
    }

    #[tokio::test]
    async fn favoriting_an_unknown_article_is_not_found() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let err = fakes.realworld().articles.favorite(jake, "nope").await.expect_err("missing");
        assert!(matches!(err, UseCaseError::NotFound("article")));
    }

    #[tokio::test]
    async fn the_feed_holds_followed_authors_only() {
        let fakes = Fakes::new();
        let reader = fakes.user("reader").await;
        let celeb = fakes.user("celeb").await;
        let stranger = fakes.user("stranger").await;
        let services = fakes.realworld();
        services.articles.create(celeb, input("Celeb post", &[])).await.expect("created");
        services.articles.create(stranger, input("Stranger post", &[])).await.expect("created");
        services.profiles.follow(reader, "celeb").await.expect("followed");
        let feed = services.articles.feed(reader, Page::default()).await.expect("feed");
        assert_eq!(feed.total, 1);
        assert_eq!(feed.articles[0].author.username.as_str(), "celeb");
        assert!(feed.articles[0].author.following);
    }

    #[tokio::test]
    async fn a_random_article_is_one_of_them_and_none_is_not_found() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let services = fakes.realworld();
        let err = services.articles.random(None).await.expect_err("no articles");
        assert!(matches!(err, UseCaseError::NotFound("article")));
        let only = services.articles.create(jake, input("Only one", &[])).await.expect("created");
        let picked = services.articles.random(Some(jake)).await.expect("one article");
        assert_eq!(picked.slug, only.slug);
        assert!(picked.body.is_some(), "read like a single article");
    }

    #[tokio::test]
    async fn cursor_pages_continue_where_the_previous_page_ended() {
        let fakes = Fakes::new();
        let jake = fakes.user("jake").await;
        let services = fakes.realworld();
        for i in 0..5 {
            services.articles.create(jake, input(&format!("Post {i}"), &[])).await.expect("created");
        }
        let first = services.articles.list(&ArticleFilter::default(), Page::new(3, 0), None).await.expect("page");
        let cursor = first.next.expect("more pages");
        let page = Page::new(3, 0).after(cursor).expect("no offset");
        let second = services.articles.list(&ArticleFilter::default(), page, None).await.expect("page");
        let slugs: Vec<_> = first.articles.iter().chain(&second.articles).map(|a| a.slug.as_str().to_owned()).collect();
        assert_eq!(slugs, ["post-4", "post-3", "post-2", "post-1", "post-0"]);
        assert_eq!((second.next, second.total), (None, 5));
    }
}
