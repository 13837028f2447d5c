//! The RealWorld example's cache decorators over the real repositories (SQLite): hits,
//! misses, every invalidation, stampedes and cache outages, with the application's fake
//! cache. A counting wrapper around the sea-orm repositories proves how often the
//! database was read. (The decorators against the real cache adapters are in
//! `cache_views.rs`.)

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use application::accounts::{AccountPorts, Accounts, FakeWelcomeQueue, UpdateUserInput};
use application::cache::fake::FakeCache;
use application::cache::{CacheStats, Caching, View};
use application::realworld::{
    ArticlePage, ArticleRef, ArticleRepository, FakeReportQueue, ListLimits, NewArticleRecord, ProfileRepository,
    RealWorld, RealWorldPorts, ReportPolicy, ReportPorts, TagRepository, ViewerFlags,
};
use application::realworld::{CreateArticleInput, UpdateArticleInput};
use application::{Platform, RepoError, UseCaseError};
use async_trait::async_trait;
use domain::realworld::{Article, ArticleChanges, ArticleFilter, ArticleId, Page, Profile, Slug, Tag};
use domain::{Timestamp, UserId};
use infrastructure::accounts::{SeaOrmUserRepository, SeaOrmWelcomeRepository};
use infrastructure::realworld::{
    SeaOrmArticleRepository, SeaOrmCommentRepository, SeaOrmProfileRepository, SeaOrmReportRepository,
    SeaOrmTagRepository, SqlReportData,
};
use infrastructure::testing::TestServices;
use tokio::sync::Semaphore;

/// The real repositories, counting the reads that caching should save; `gate` holds
/// article loads until the test releases them.
struct Counting {
    articles: SeaOrmArticleRepository,
    tags: SeaOrmTagRepository,
    profiles: SeaOrmProfileRepository,
    loads: AtomicUsize,
    gate: Option<Arc<Semaphore>>,
}

impl Counting {
    fn loaded(&self) {
        self.loads.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl ArticleRepository for Counting {
    async fn create(&self, article: NewArticleRecord) -> Result<Article, RepoError> {
        self.articles.create(article).await
    }
    async fn find_by_slug(&self, slug: &Slug, viewer: Option<UserId>) -> Result<Option<Article>, RepoError> {
        self.loaded();
        if let Some(gate) = &self.gate {
            let _permit = gate.acquire().await;
        }
        self.articles.find_by_slug(slug, viewer).await
    }
    async fn locate(&self, slug: &Slug) -> Result<Option<ArticleRef>, RepoError> {
        self.articles.locate(slug).await
    }
    async fn random_slug(&self) -> Result<Option<Slug>, RepoError> {
        self.articles.random_slug().await
    }
    async fn update(
        &self,
        id: ArticleId,
        c: &ArticleChanges,
        s: Option<&Slug>,
        at: Timestamp,
    ) -> Result<(), RepoError> {
        self.articles.update(id, c, s, at).await
    }
    async fn delete(&self, id: ArticleId) -> Result<(), RepoError> {
        self.articles.delete(id).await
    }
    async fn list(&self, filter: &ArticleFilter, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, RepoError> {
        self.loaded();
        self.articles.list(filter, page, viewer).await
    }
    async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, RepoError> {
        self.articles.feed(viewer, page).await
    }
    async fn favorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        self.articles.favorite(user, article).await
    }
    async fn unfavorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        self.articles.unfavorite(user, article).await
    }
    async fn viewer_flags(&self, v: UserId, a: &[ArticleId], u: &[UserId]) -> Result<ViewerFlags, RepoError> {
        self.articles.viewer_flags(v, a, u).await
    }
    async fn slug_of(&self, id: ArticleId) -> Result<Option<Slug>, RepoError> {
        self.articles.slug_of(id).await
    }
}

#[async_trait]
impl TagRepository for Counting {
    async fn in_use(&self) -> Result<Vec<Tag>, RepoError> {
        self.loaded();
        self.tags.in_use().await
    }
}

#[async_trait]
impl ProfileRepository for Counting {
    async fn find_profile(&self, name: &str, viewer: Option<UserId>) -> Result<Option<(UserId, Profile)>, RepoError> {
        self.loaded();
        self.profiles.find_profile(name, viewer).await
    }
    async fn follow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.profiles.follow(follower, followee).await
    }
    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.profiles.unfollow(follower, followee).await
    }
    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError> {
        self.profiles.following_among(follower, followees).await
    }
}

struct Harness {
    s: TestServices,
    counting: Arc<Counting>,
    cache: Arc<FakeCache>,
    stats: Arc<CacheStats>,
    services: RealWorld,
    accounts: Accounts,
}

impl Harness {
    async fn new() -> Self {
        Self::with_gate(None).await
    }

    async fn with_gate(gate: Option<Arc<Semaphore>>) -> Self {
        let s = TestServices::sqlite().await;
        let db = &s.db.db;
        let counting = Arc::new(Counting {
            articles: SeaOrmArticleRepository::new(db.clone()),
            tags: SeaOrmTagRepository::new(db.clone()),
            profiles: SeaOrmProfileRepository::new(db.clone()),
            loads: AtomicUsize::new(0),
            gate,
        });
        let cache = Arc::new(FakeCache::default());
        let stats = Arc::new(CacheStats::default());
        let caching = Arc::new(Caching::new(cache.clone(), stats.clone()));
        let platform = Platform { caching: Some(caching), ..s.platform() };
        let account_ports = AccountPorts {
            users: Arc::new(SeaOrmUserRepository::new(db.clone())),
            welcome_records: Arc::new(SeaOrmWelcomeRepository::new(db.clone())),
            welcome_queue: Arc::new(FakeWelcomeQueue::default()),
        };
        let ports = RealWorldPorts {
            profiles: counting.clone(),
            articles: counting.clone(),
            comments: Arc::new(SeaOrmCommentRepository::new(db.clone())),
            tags: counting.clone(),
            reports: ReportPorts {
                records: Arc::new(SeaOrmReportRepository::new(db.clone())),
                queue: Arc::new(FakeReportQueue::default()),
                data: Arc::new(SqlReportData::new(db.clone())),
                policy: ReportPolicy::default(),
            },
            lists: ListLimits::default(),
        };
        let accounts = Accounts::new(account_ports, &platform);
        let services = RealWorld::new(ports, &accounts, &platform);
        Self { s, counting, cache, stats, services, accounts }
    }

    fn loads(&self) -> usize {
        self.counting.loads.load(Ordering::SeqCst)
    }

    async fn publish(&self, author: UserId, title: &str, tags: &[&str]) -> Article {
        let input = CreateArticleInput {
            title: Some(title.to_owned()),
            description: Some("d".to_owned()),
            body: Some("b".to_owned()),
            tag_list: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
        };
        self.services.articles.create(author, input).await.expect("created")
    }

    async fn article(&self, slug: &str, viewer: Option<UserId>) -> Article {
        self.services.articles.get(slug, viewer).await.expect("found")
    }

    async fn first_page(&self, viewer: Option<UserId>) -> ArticlePage {
        self.services.articles.list(&ArticleFilter::default(), Page::default(), viewer).await.expect("listed")
    }

    async fn tags(&self) -> Vec<String> {
        self.services.tags.list(None, None).await.expect("tags").tags.iter().map(|t| t.as_str().to_owned()).collect()
    }
}

#[tokio::test]
async fn a_second_read_is_a_hit_and_does_not_load() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &[]).await;
    let first = h.article("hello", None).await;
    let second = h.article("hello", None).await;
    assert_eq!(first, second);
    assert_eq!(h.loads(), 1);
    let counts = h.stats.counts(View::Article);
    assert_eq!((counts.hits, counts.misses, counts.errors), (1, 1, 0));
}

#[tokio::test]
async fn every_view_is_cached() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &["x"]).await;
    for _ in 0..2 {
        h.first_page(None).await;
        h.tags().await;
        h.services.profiles.get("jake", None).await.expect("profile");
    }
    assert_eq!(h.loads(), 3, "one load per view");
    for view in [View::ArticleList, View::Tags, View::Profile] {
        assert_eq!(h.stats.counts(view).hits, 1, "{view:?}");
    }
}

#[tokio::test]
async fn viewer_flags_are_filled_per_reader_and_never_shared() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    let fan = h.s.user("fan").await;
    let other = h.s.user("other").await;
    h.publish(jake, "Hello", &[]).await;
    h.services.articles.favorite(fan, "hello").await.expect("favorited");
    h.services.profiles.follow(fan, "jake").await.expect("followed");
    let seen_by_fan = h.article("hello", Some(fan)).await;
    assert!(seen_by_fan.favorited && seen_by_fan.author.following);
    for viewer in [None, Some(other), Some(jake)] {
        let seen = h.article("hello", viewer).await;
        assert!(!seen.favorited && !seen.author.following, "{viewer:?}");
        assert_eq!(seen.favorites_count, 1);
    }
    let page = h.first_page(Some(fan)).await;
    assert!(page.articles[0].favorited && page.articles[0].author.following);
    assert!(!h.first_page(Some(other)).await.articles[0].favorited);
    assert!(h.services.profiles.get("jake", Some(fan)).await.expect("profile").following);
    assert!(!h.services.profiles.get("jake", None).await.expect("profile").following);
    assert_eq!(h.loads(), 3, "one load each for the article, the page and the profile");
}

#[tokio::test]
async fn an_edit_is_seen_at_once_and_a_new_title_moves_the_slug() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &[]).await;
    h.article("hello", None).await;
    h.first_page(None).await;
    let body = UpdateArticleInput { body: Some(Some("new body".to_owned())), ..Default::default() };
    h.services.articles.update(jake, "hello", body).await.expect("updated");
    assert_eq!(h.article("hello", None).await.body.expect("body").as_str(), "new body");
    let title = UpdateArticleInput { title: Some(Some("Renamed".to_owned())), ..Default::default() };
    h.services.articles.update(jake, "hello", title).await.expect("renamed");
    assert!(matches!(h.services.articles.get("hello", None).await, Err(UseCaseError::NotFound(_))));
    assert_eq!(h.article("renamed", None).await.title.as_str(), "Renamed");
    assert_eq!(h.first_page(None).await.articles[0].slug.as_str(), "renamed");
}

#[tokio::test]
async fn creating_and_deleting_change_the_list_and_the_tags() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "One", &["a"]).await;
    assert_eq!(h.first_page(None).await.total, 1);
    assert_eq!(h.tags().await, ["a"]);
    h.publish(jake, "Two", &["b"]).await;
    let page = h.first_page(None).await;
    assert_eq!((page.total, page.articles[0].slug.as_str()), (2, "two"));
    assert_eq!(h.tags().await, ["a", "b"]);
    h.article("one", None).await;
    h.services.articles.delete(jake, "one").await.expect("deleted");
    assert!(matches!(h.services.articles.get("one", None).await, Err(UseCaseError::NotFound(_))));
    assert_eq!(h.first_page(None).await.total, 1);
    assert_eq!(h.tags().await, ["b"]);
    let retag = UpdateArticleInput { tag_list: Some(Some(vec!["c".to_owned()])), ..Default::default() };
    h.services.articles.update(jake, "two", retag).await.expect("retagged");
    assert_eq!(h.tags().await, ["c"]);
    assert_eq!(h.article("two", None).await.tags.as_slice()[0].as_str(), "c");
}

#[tokio::test]
async fn favorites_change_the_count_in_the_article_and_the_list() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    let fan = h.s.user("fan").await;
    h.publish(jake, "Hello", &[]).await;
    assert_eq!(h.article("hello", None).await.favorites_count, 0);
    assert_eq!(h.first_page(None).await.articles[0].favorites_count, 0);
    h.services.articles.favorite(fan, "hello").await.expect("favorited");
    assert_eq!(h.article("hello", None).await.favorites_count, 1);
    assert_eq!(h.first_page(None).await.articles[0].favorites_count, 1);
    h.services.articles.unfavorite(fan, "hello").await.expect("unfavorited");
    assert_eq!(h.article("hello", None).await.favorites_count, 0);
    assert_eq!(h.first_page(None).await.articles[0].favorites_count, 0);
}

#[tokio::test]
async fn following_is_seen_at_once_without_invalidating_anything() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    let fan = h.s.user("fan").await;
    h.publish(jake, "Hello", &[]).await;
    assert!(!h.article("hello", Some(fan)).await.author.following);
    let bumps = h.cache.bumps.load(Ordering::SeqCst);
    h.services.profiles.follow(fan, "jake").await.expect("followed");
    assert!(h.article("hello", Some(fan)).await.author.following);
    assert!(h.services.profiles.get("jake", Some(fan)).await.expect("profile").following);
    h.services.profiles.unfollow(fan, "jake").await.expect("unfollowed");
    assert!(!h.article("hello", Some(fan)).await.author.following);
    assert_eq!(h.cache.bumps.load(Ordering::SeqCst), bumps);
}

#[tokio::test]
async fn a_profile_edit_reaches_profiles_articles_and_lists() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &[]).await;
    h.article("hello", None).await;
    h.first_page(None).await;
    h.services.profiles.get("jake", None).await.expect("profile");
    let edit = UpdateUserInput {
        username: Some(Some("jacob".to_owned())),
        bio: Some(Some("new bio".to_owned())),
        ..Default::default()
    };
    h.accounts.users.update(jake, edit).await.expect("updated");
    assert!(matches!(h.services.profiles.get("jake", None).await, Err(UseCaseError::NotFound(_))));
    let profile = h.services.profiles.get("jacob", None).await.expect("renamed");
    assert_eq!(profile.bio.expect("bio").as_str(), "new bio");
    assert_eq!(h.article("hello", None).await.author.username.as_str(), "jacob");
    assert_eq!(h.first_page(None).await.articles[0].author.username.as_str(), "jacob");
    let image = UpdateUserInput { image: Some(Some("https://example.com/a.png".to_owned())), ..Default::default() };
    h.accounts.users.update(jake, image).await.expect("updated");
    assert!(h.article("hello", None).await.author.image.is_some());
}

#[tokio::test]
async fn concurrent_misses_on_one_key_load_once() {
    let gate = Arc::new(Semaphore::new(0));
    let h = Arc::new(Harness::with_gate(Some(gate.clone())).await);
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &[]).await;
    let readers: Vec<_> = (0..32)
        .map(|_| {
            let h = h.clone();
            tokio::spawn(async move { h.article("hello", None).await })
        })
        .collect();
    // Let every reader reach the cache and queue behind the first load (the test runs
    // on one thread, so this loop runs them all until they wait).
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
    assert_eq!(h.loads(), 1, "one load started, the others wait for it");
    gate.add_permits(1000);
    for reader in readers {
        assert_eq!(reader.await.expect("joined").slug.as_str(), "hello");
    }
    assert_eq!(h.loads(), 1);
    assert_eq!(h.stats.counts(View::Article).misses, 32);
}

#[tokio::test]
async fn a_failing_cache_falls_back_to_the_store_and_recovers() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &[]).await;
    h.cache.fail(true);
    for _ in 0..3 {
        h.article("hello", None).await;
    }
    // Writes still succeed while invalidations cannot be published.
    let body = UpdateArticleInput { body: Some(Some("edited".to_owned())), ..Default::default() };
    h.services.articles.update(jake, "hello", body).await.expect("updated");
    // Three reads and the update's re-read, all from the store.
    assert_eq!(h.loads(), 4);
    assert_eq!(h.stats.counts(View::Article).errors, 4);
    assert_eq!(h.stats.counts(View::Invalidation).errors, 1);
    h.cache.fail(false);
    assert_eq!(h.article("hello", None).await.body.expect("body").as_str(), "edited");
    h.article("hello", None).await;
    assert_eq!(h.loads(), 5);
    assert_eq!(h.stats.counts(View::Article).hits, 1);
}

#[tokio::test]
async fn filtered_and_deep_pages_are_not_cached() {
    let h = Harness::new().await;
    let jake = h.s.user("jake").await;
    h.publish(jake, "Hello", &["x"]).await;
    let by_tag = ArticleFilter { tag: Some("x".to_owned()), ..Default::default() };
    for _ in 0..2 {
        h.services.articles.list(&by_tag, Page::default(), None).await.expect("listed");
        h.services.articles.list(&ArticleFilter::default(), Page::new(20, 1000), None).await.expect("listed");
    }
    assert_eq!(h.loads(), 4);
    assert!(h.cache.is_empty());
}

#[tokio::test]
async fn unknown_slugs_are_not_cached() {
    let h = Harness::new().await;
    for _ in 0..2 {
        assert!(h.services.articles.get("nope", None).await.is_err());
    }
    assert_eq!(h.loads(), 2);
    assert!(h.cache.is_empty());
}
