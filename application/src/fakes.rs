//! In-memory implementations of every port, for unit tests of the use cases.
//!
//! They follow the contracts documented on the ports (conflicts on unique fields,
//! idempotent follow/favorite, viewer-specific flags) so a use-case test exercises the
//! same behaviour the real adapters provide. Not for production: one mutex, no limits.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use domain::{
    Article, ArticleChanges, ArticleFilter, ArticleId, Body, Comment, CommentBody, CommentId, Cursor, Description,
    Email, Page, PlainPassword, Profile, Slug, Tag, TagList, Timestamp, Title, User, UserId, Username,
};

use crate::ports::{
    ArticlePage, ArticleRef, ArticleRepository, Clock, CommentRef, CommentRepository, NewArticleRecord, NewUserRecord,
    PasswordHash, PasswordHasher, ProfileRepository, TagRepository, TokenError, TokenService, UserRepository,
    UserUpdate, ViewerFlags,
};
use crate::usecases::{Ports, ReportPolicy, ReportPorts, Services, WelcomePorts};

mod reports;
mod welcome;
use crate::{RepoError, UseCaseError};
pub use reports::FakeReports;
pub use welcome::FakeWelcomeQueue;

#[derive(Clone)]
struct StoredUser {
    user: User,
    hash: PasswordHash,
    admin: bool,
    registered_at: Timestamp,
    welcomed_at: Option<Timestamp>,
}

#[derive(Clone)]
struct StoredArticle {
    id: ArticleId,
    author: UserId,
    slug: Slug,
    title: Title,
    description: Description,
    body: Body,
    tags: TagList,
    created_at: Timestamp,
    updated_at: Timestamp,
}

#[derive(Clone)]
struct StoredComment {
    id: CommentId,
    article: ArticleId,
    author: UserId,
    body: CommentBody,
    at: Timestamp,
}

#[derive(Default)]
struct State {
    next_id: i64,
    users: BTreeMap<UserId, StoredUser>,
    follows: BTreeSet<(UserId, UserId)>,
    articles: BTreeMap<ArticleId, StoredArticle>,
    favorites: BTreeSet<(UserId, ArticleId)>,
    comments: BTreeMap<CommentId, StoredComment>,
}

impl State {
    fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn profile(&self, id: UserId, viewer: Option<UserId>) -> Option<Profile> {
        let following = viewer.is_some_and(|v| self.follows.contains(&(v, id)));
        self.users.get(&id).map(|stored| stored.user.profile(following))
    }

    fn article(&self, stored: &StoredArticle, viewer: Option<UserId>, with_body: bool) -> Option<Article> {
        Some(Article {
            id: stored.id,
            author_id: stored.author,
            slug: stored.slug.clone(),
            title: stored.title.clone(),
            description: stored.description.clone(),
            body: with_body.then(|| stored.body.clone()),
            tags: stored.tags.clone(),
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            favorites_count: self.favorites.iter().filter(|(_, a)| *a == stored.id).count() as u64,
            favorited: viewer.is_some_and(|v| self.favorites.contains(&(v, stored.id))),
            author: self.profile(stored.author, viewer)?,
        })
    }

    fn page<'a>(
        &self,
        matching: impl Iterator<Item = &'a StoredArticle>,
        page: Page,
        viewer: Option<UserId>,
    ) -> ArticlePage {
        let mut all: Vec<_> = matching.collect();
        all.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id)));
        let after = page.cursor().map(|c| (c.created_at, c.id));
        let mut rows: Vec<_> = all
            .iter()
            .filter(|a| after.is_none_or(|after| (a.created_at, a.id) < after))
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(page.limit() as usize + 1)
            .collect();
        let more = rows.len() > page.limit() as usize;
        rows.truncate(page.limit() as usize);
        let next = rows.last().filter(|_| more).map(|a| Cursor { created_at: a.created_at, id: a.id });
        let articles = rows.iter().filter_map(|a| self.article(a, viewer, false)).collect();
        ArticlePage { articles, total: all.len() as u64, next }
    }

    fn user_named(&self, name: &str) -> Option<UserId> {
        self.users.values().find(|u| u.user.username.as_str() == name).map(|u| u.user.id)
    }

    fn check_unique_user(
        &self,
        id: Option<UserId>,
        username: Option<&Username>,
        email: Option<&Email>,
    ) -> Result<(), RepoError> {
        for stored in self.users.values().filter(|u| Some(u.user.id) != id) {
            if username.is_some_and(|n| *n == stored.user.username) {
                return Err(RepoError::Conflict("username"));
            }
            if email.is_some_and(|e| *e == stored.user.email) {
                return Err(RepoError::Conflict("email"));
            }
        }
        Ok(())
    }

    fn check_unique_slug(&self, id: Option<ArticleId>, slug: &Slug) -> Result<(), RepoError> {
        let taken = self.articles.values().any(|a| a.slug == *slug && Some(a.id) != id);
        if taken { Err(RepoError::Conflict("slug")) } else { Ok(()) }
    }
}

/// One in-memory store implementing every repository port.
#[derive(Clone, Default)]
pub struct InMemoryStore {
    state: Arc<Mutex<State>>,
    /// Registration times come from here (the same clock as the use cases').
    clock: Arc<ManualClock>,
}

impl InMemoryStore {
    /// A store whose registration times come from `clock`.
    pub fn with_clock(clock: Arc<ManualClock>) -> Self {
        Self { state: Arc::default(), clock }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the other tests' results.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl UserRepository for InMemoryStore {
    async fn create(&self, new: NewUserRecord) -> Result<User, RepoError> {
        let mut state = self.lock();
        state.check_unique_user(None, Some(&new.username), Some(&new.email))?;
        let id = UserId(state.next_id());
        let user = User { id, username: new.username, email: new.email, bio: None, image: None };
        let registered_at = self.clock.now();
        let stored =
            StoredUser { user: user.clone(), hash: new.password_hash, admin: false, registered_at, welcomed_at: None };
        state.users.insert(id, stored);
        Ok(user)
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        Ok(self.lock().users.get(&id).map(|u| u.user.clone()))
    }

    async fn find_credentials(&self, email: &Email) -> Result<Option<(User, PasswordHash)>, RepoError> {
        Ok(self.lock().users.values().find(|u| u.user.email == *email).map(|u| (u.user.clone(), u.hash.clone())))
    }

    async fn update(&self, id: UserId, update: UserUpdate) -> Result<User, RepoError> {
        let mut state = self.lock();
        state.check_unique_user(Some(id), update.username.as_ref(), update.email.as_ref())?;
        let stored = state.users.get_mut(&id).ok_or(RepoError::NotFound)?;
        if let Some(username) = update.username {
            stored.user.username = username;
        }
        if let Some(email) = update.email {
            stored.user.email = email;
        }
        if let Some(hash) = update.password_hash {
            stored.hash = hash;
        }
        if let Some(bio) = update.bio {
            stored.user.bio = bio;
        }
        if let Some(image) = update.image {
            stored.user.image = image;
        }
        Ok(stored.user.clone())
    }

    async fn is_admin(&self, id: UserId) -> Result<bool, RepoError> {
        Ok(self.lock().users.get(&id).is_some_and(|u| u.admin))
    }

    async fn set_admin(&self, username: &Username, admin: bool) -> Result<(), RepoError> {
        let mut state = self.lock();
        let stored = state.users.values_mut().find(|u| u.user.username == *username).ok_or(RepoError::NotFound)?;
        stored.admin = admin;
        Ok(())
    }
}

#[async_trait]
impl ProfileRepository for InMemoryStore {
    async fn find_profile(
        &self,
        username: &str,
        viewer: Option<UserId>,
    ) -> Result<Option<(UserId, Profile)>, RepoError> {
        let state = self.lock();
        Ok(state.user_named(username).and_then(|id| state.profile(id, viewer).map(|p| (id, p))))
    }

    async fn follow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.lock().follows.insert((follower, followee));
        Ok(())
    }

    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.lock().follows.remove(&(follower, followee));
        Ok(())
    }

    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError> {
        let state = self.lock();
        Ok(followees.iter().copied().filter(|f| state.follows.contains(&(follower, *f))).collect())
    }
}

#[async_trait]
impl ArticleRepository for InMemoryStore {
    async fn create(&self, new: NewArticleRecord) -> Result<Article, RepoError> {
        let mut state = self.lock();
        state.check_unique_slug(None, &new.slug)?;
        let id = ArticleId(state.next_id());
        let stored = StoredArticle {
            id,
            author: new.author_id,
            slug: new.slug,
            title: new.title,
            description: new.description,
            body: new.body,
            tags: new.tags,
            created_at: new.created_at,
            updated_at: new.created_at,
        };
        state.articles.insert(id, stored.clone());
        state.article(&stored, Some(new.author_id), true).ok_or(RepoError::NotFound)
    }

    async fn find_by_slug(&self, slug: &Slug, viewer: Option<UserId>) -> Result<Option<Article>, RepoError> {
        let state = self.lock();
        Ok(state.articles.values().find(|a| a.slug == *slug).and_then(|a| state.article(a, viewer, true)))
    }

    async fn locate(&self, slug: &Slug) -> Result<Option<ArticleRef>, RepoError> {
        Ok(self.lock().articles.values().find(|a| a.slug == *slug).map(|a| ArticleRef {
            id: a.id,
            author_id: a.author,
            slug: a.slug.clone(),
            updated_at: a.updated_at,
        }))
    }

    async fn update(
        &self,
        id: ArticleId,
        changes: &ArticleChanges,
        slug: Option<&Slug>,
        updated_at: Timestamp,
    ) -> Result<(), RepoError> {
        let mut state = self.lock();
        if let Some(slug) = slug {
            state.check_unique_slug(Some(id), slug)?;
        }
        let stored = state.articles.get_mut(&id).ok_or(RepoError::NotFound)?;
        if let Some(slug) = slug {
            stored.slug = slug.clone();
        }
        if let Some(title) = &changes.title {
            stored.title = title.clone();
        }
        if let Some(description) = &changes.description {
            stored.description = description.clone();
        }
        if let Some(body) = &changes.body {
            stored.body = body.clone();
        }
        if let Some(tags) = &changes.tags {
            stored.tags = tags.clone();
        }
        stored.updated_at = updated_at;
        Ok(())
    }

    async fn delete(&self, id: ArticleId) -> Result<(), RepoError> {
        let mut state = self.lock();
        state.articles.remove(&id).ok_or(RepoError::NotFound)?;
        state.favorites.retain(|(_, a)| *a != id);
        state.comments.retain(|_, c| c.article != id);
        Ok(())
    }

    async fn list(&self, filter: &ArticleFilter, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, RepoError> {
        let state = self.lock();
        let author = filter.author.as_deref().map(|name| state.user_named(name));
        let fan = filter.favorited_by.as_deref().map(|name| state.user_named(name));
        let matching = state.articles.values().filter(|a| {
            author.is_none_or(|id| id == Some(a.author))
                && fan.is_none_or(|id| id.is_some_and(|fan| state.favorites.contains(&(fan, a.id))))
                && filter.tag.as_deref().is_none_or(|tag| a.tags.iter().any(|t| t.as_str() == tag))
        });
        Ok(state.page(matching, page, viewer))
    }

    async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, RepoError> {
        let state = self.lock();
        let matching = state.articles.values().filter(|a| state.follows.contains(&(viewer, a.author)));
        Ok(state.page(matching, page, Some(viewer)))
    }

    async fn random_slug(&self) -> Result<Option<Slug>, RepoError> {
        let state = self.lock();
        let count = state.articles.len();
        if count == 0 {
            return Ok(None);
        }
        let pick = rand::random_range(0..count);
        Ok(state.articles.values().nth(pick).map(|a| a.slug.clone()))
    }

    async fn favorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        let mut state = self.lock();
        // Mirrors the foreign key of the real tables.
        if !state.articles.contains_key(&article) {
            return Err(RepoError::NotFound);
        }
        state.favorites.insert((user, article));
        Ok(())
    }

    async fn unfavorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        self.lock().favorites.remove(&(user, article));
        Ok(())
    }

    async fn viewer_flags(
        &self,
        viewer: UserId,
        articles: &[ArticleId],
        authors: &[UserId],
    ) -> Result<ViewerFlags, RepoError> {
        let state = self.lock();
        Ok(ViewerFlags {
            favorited: articles.iter().copied().filter(|a| state.favorites.contains(&(viewer, *a))).collect(),
            following: authors.iter().copied().filter(|u| state.follows.contains(&(viewer, *u))).collect(),
        })
    }

    async fn slug_of(&self, id: ArticleId) -> Result<Option<Slug>, RepoError> {
        Ok(self.lock().articles.get(&id).map(|a| a.slug.clone()))
    }
}

#[async_trait]
impl CommentRepository for InMemoryStore {
    async fn add(
        &self,
        article: ArticleId,
        author: UserId,
        body: CommentBody,
        at: Timestamp,
    ) -> Result<Comment, RepoError> {
        let mut state = self.lock();
        let id = CommentId(state.next_id());
        state.comments.insert(id, StoredComment { id, article, author, body: body.clone(), at });
        let author_profile = state.profile(author, Some(author)).ok_or(RepoError::NotFound)?;
        Ok(Comment {
            id,
            article_id: article,
            author_id: author,
            body,
            created_at: at,
            updated_at: at,
            author: author_profile,
        })
    }

    async fn list(&self, article: ArticleId, viewer: Option<UserId>) -> Result<Vec<Comment>, RepoError> {
        let state = self.lock();
        Ok(state
            .comments
            .values()
            .filter(|c| c.article == article)
            .filter_map(|c| {
                Some(Comment {
                    id: c.id,
                    article_id: c.article,
                    author_id: c.author,
                    body: c.body.clone(),
                    created_at: c.at,
                    updated_at: c.at,
                    author: state.profile(c.author, viewer)?,
                })
            })
            .collect())
    }

    async fn locate(&self, article: ArticleId, id: CommentId) -> Result<Option<CommentRef>, RepoError> {
        Ok(self
            .lock()
            .comments
            .get(&id)
            .filter(|c| c.article == article)
            .map(|c| CommentRef { id: c.id, author_id: c.author }))
    }

    async fn delete(&self, id: CommentId) -> Result<(), RepoError> {
        self.lock().comments.remove(&id).map(|_| ()).ok_or(RepoError::NotFound)
    }
}

#[async_trait]
impl TagRepository for InMemoryStore {
    async fn in_use(&self) -> Result<Vec<Tag>, RepoError> {
        let tags: BTreeSet<Tag> = self.lock().articles.values().flat_map(|a| a.tags.iter().cloned()).collect();
        Ok(tags.into_iter().collect())
    }
}

/// A transparent "hash" (`fake:` + password) that counts verifications of unknown users.
#[derive(Default)]
pub struct FakeHasher {
    dummy: AtomicUsize,
}

impl FakeHasher {
    /// How often `verify` was called without a stored hash.
    pub fn dummy_verifications(&self) -> usize {
        self.dummy.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, password: &PlainPassword) -> anyhow::Result<PasswordHash> {
        Ok(PasswordHash(format!("fake:{}", password.expose())))
    }

    async fn verify(&self, password: &PlainPassword, hash: Option<&PasswordHash>) -> anyhow::Result<bool> {
        match hash {
            Some(hash) => Ok(hash.0 == format!("fake:{}", password.expose())),
            None => {
                self.dummy.fetch_add(1, Ordering::SeqCst);
                Ok(false)
            }
        }
    }
}

/// Tokens of the form `token-<user id>`.
#[derive(Default)]
pub struct FakeTokens;

impl TokenService for FakeTokens {
    fn issue(&self, user: UserId) -> anyhow::Result<String> {
        Ok(format!("token-{}", user.0))
    }

    fn verify(&self, token: &str) -> Result<UserId, TokenError> {
        token.strip_prefix("token-").and_then(|id| id.parse().ok()).map(UserId).ok_or(TokenError::Invalid)
    }
}

/// A clock that only moves when told to.
pub struct ManualClock {
    millis: AtomicI64,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self { millis: AtomicI64::new(1_700_000_000_000) }
    }
}

impl ManualClock {
    pub fn advance_millis(&self, millis: i64) {
        self.millis.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        let at = Utc.timestamp_millis_opt(self.millis.load(Ordering::SeqCst)).single().unwrap_or_default();
        Timestamp::new(at)
    }
}

/// Every fake wired together, with handles to inspect them.
#[derive(Clone)]
pub struct Fakes {
    pub store: InMemoryStore,
    pub hasher: Arc<FakeHasher>,
    pub tokens: Arc<FakeTokens>,
    pub clock: Arc<ManualClock>,
    pub welcome: FakeWelcomeQueue,
    pub reports: FakeReports,
    /// Limits the report use cases run with (small batches exercise the keyset loop).
    pub report_policy: ReportPolicy,
}

impl Default for Fakes {
    fn default() -> Self {
        let clock = Arc::new(ManualClock::default());
        Self {
            store: InMemoryStore::with_clock(clock.clone()),
            hasher: Arc::default(),
            tokens: Arc::default(),
            clock,
            welcome: FakeWelcomeQueue::default(),
            reports: FakeReports::default(),
            report_policy: ReportPolicy::default(),
        }
    }
}

impl Fakes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn ports(&self) -> Ports {
        let store = Arc::new(self.store.clone());
        Ports {
            users: store.clone(),
            profiles: store.clone(),
            articles: store.clone(),
            comments: store.clone(),
            tags: store,
            hasher: self.hasher.clone(),
            tokens: self.tokens.clone(),
            clock: self.clock.clone(),
            welcome: WelcomePorts { records: Arc::new(self.store.clone()), queue: Arc::new(self.welcome.clone()) },
            reports: ReportPorts {
                records: Arc::new(self.reports.clone()),
                queue: Arc::new(self.reports.clone()),
                data: Arc::new(self.reports.clone()),
                policy: self.report_policy,
            },
        }
    }

    pub fn services(&self) -> Services {
        Services::new(self.ports())
    }

    /// Registers `name` (password `password123`) and returns the id.
    ///
    /// # Panics
    /// If registration fails, which means the fakes or the use case are broken.
    pub async fn user(&self, name: &str) -> UserId {
        let input = crate::usecases::RegisterInput {
            username: Some(name.to_owned()),
            email: Some(format!("{name}@example.com")),
            password: Some("password123".to_owned()),
        };
        let registered: Result<_, UseCaseError> = self.services().users.register(input).await;
        match registered {
            Ok(user) => user.user.id,
            Err(e) => panic!("registering {name} failed: {e}"),
        }
    }
}
