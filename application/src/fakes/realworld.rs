//! The RealWorld example's fakes: profiles and follows, articles, favorites, comments
//! and tags, on the same in-memory store as the accounts.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use domain::realworld::{
    Article, ArticleChanges, ArticleFilter, ArticleId, Body, Comment, CommentBody, CommentId, Cursor, Description,
    Page, Profile, Slug, Tag, TagList, Title,
};
use domain::{Timestamp, UserId};

use super::{InMemoryStore, State};
use crate::RepoError;
use crate::realworld::{
    ArticlePage, ArticleRef, ArticleRepository, CommentRef, CommentRepository, ListLimits, NewArticleRecord,
    ProfileRepository, RealWorld, RealWorldPorts, ReportPorts, TagRepository, ViewerFlags,
};

/// The RealWorld example's part of the store's state.
#[derive(Default)]
pub(super) struct RealWorldState {
    follows: BTreeSet<(UserId, UserId)>,
    articles: BTreeMap<ArticleId, StoredArticle>,
    favorites: BTreeSet<(UserId, ArticleId)>,
    comments: BTreeMap<CommentId, StoredComment>,
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

impl State {
    fn profile(&self, id: UserId, viewer: Option<UserId>) -> Option<Profile> {
        let following = viewer.is_some_and(|v| self.rw.follows.contains(&(v, id)));
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
            favorites_count: self.rw.favorites.iter().filter(|(_, a)| *a == stored.id).count() as u64,
            favorited: viewer.is_some_and(|v| self.rw.favorites.contains(&(v, stored.id))),
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

    fn check_unique_slug(&self, id: Option<ArticleId>, slug: &Slug) -> Result<(), RepoError> {
        let taken = self.rw.articles.values().any(|a| a.slug == *slug && Some(a.id) != id);
        if taken { Err(RepoError::Conflict("slug")) } else { Ok(()) }
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
        self.lock().rw.follows.insert((follower, followee));
        Ok(())
    }

    async fn unfollow(&self, follower: UserId, followee: UserId) -> Result<(), RepoError> {
        self.lock().rw.follows.remove(&(follower, followee));
        Ok(())
    }

    async fn following_among(&self, follower: UserId, followees: &[UserId]) -> Result<HashSet<UserId>, RepoError> {
        let state = self.lock();
        Ok(followees.iter().copied().filter(|f| state.rw.follows.contains(&(follower, *f))).collect())
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
        state.rw.articles.insert(id, stored.clone());
        state.article(&stored, Some(new.author_id), true).ok_or(RepoError::NotFound)
    }

    async fn find_by_slug(&self, slug: &Slug, viewer: Option<UserId>) -> Result<Option<Article>, RepoError> {
        let state = self.lock();
        Ok(state.rw.articles.values().find(|a| a.slug == *slug).and_then(|a| state.article(a, viewer, true)))
    }

    async fn locate(&self, slug: &Slug) -> Result<Option<ArticleRef>, RepoError> {
        Ok(self.lock().rw.articles.values().find(|a| a.slug == *slug).map(|a| ArticleRef {
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
        let stored = state.rw.articles.get_mut(&id).ok_or(RepoError::NotFound)?;
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
        state.rw.articles.remove(&id).ok_or(RepoError::NotFound)?;
        state.rw.favorites.retain(|(_, a)| *a != id);
        state.rw.comments.retain(|_, c| c.article != id);
        Ok(())
    }

    async fn list(&self, filter: &ArticleFilter, page: Page, viewer: Option<UserId>) -> Result<ArticlePage, RepoError> {
        let state = self.lock();
        let author = filter.author.as_deref().map(|name| state.user_named(name));
        let fan = filter.favorited_by.as_deref().map(|name| state.user_named(name));
        let matching = state.rw.articles.values().filter(|a| {
            author.is_none_or(|id| id == Some(a.author))
                && fan.is_none_or(|id| id.is_some_and(|fan| state.rw.favorites.contains(&(fan, a.id))))
                && filter.tag.as_deref().is_none_or(|tag| a.tags.iter().any(|t| t.as_str() == tag))
        });
        Ok(state.page(matching, page, viewer))
    }

    async fn feed(&self, viewer: UserId, page: Page) -> Result<ArticlePage, RepoError> {
        let state = self.lock();
        let matching = state.rw.articles.values().filter(|a| state.rw.follows.contains(&(viewer, a.author)));
        Ok(state.page(matching, page, Some(viewer)))
    }

    async fn random_slug(&self) -> Result<Option<Slug>, RepoError> {
        let state = self.lock();
        let count = state.rw.articles.len();
        if count == 0 {
            return Ok(None);
        }
        let pick = rand::random_range(0..count);
        Ok(state.rw.articles.values().nth(pick).map(|a| a.slug.clone()))
    }

    async fn favorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        let mut state = self.lock();
        // Mirrors the foreign key of the real tables.
        if !state.rw.articles.contains_key(&article) {
            return Err(RepoError::NotFound);
        }
        state.rw.favorites.insert((user, article));
        Ok(())
    }

    async fn unfavorite(&self, user: UserId, article: ArticleId) -> Result<(), RepoError> {
        self.lock().rw.favorites.remove(&(user, article));
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
            favorited: articles.iter().copied().filter(|a| state.rw.favorites.contains(&(viewer, *a))).collect(),
            following: authors.iter().copied().filter(|u| state.rw.follows.contains(&(viewer, *u))).collect(),
        })
    }

    async fn slug_of(&self, id: ArticleId) -> Result<Option<Slug>, RepoError> {
        Ok(self.lock().rw.articles.get(&id).map(|a| a.slug.clone()))
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
        state.rw.comments.insert(id, StoredComment { id, article, author, body: body.clone(), at });
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

    async fn list(
        &self,
        article: ArticleId,
        after: Option<CommentId>,
        limit: u32,
        viewer: Option<UserId>,
    ) -> Result<Vec<Comment>, RepoError> {
        let state = self.lock();
        Ok(state
            .rw
            .comments
            .values()
            .filter(|c| c.article == article && after.is_none_or(|after| c.id > after))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
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
            .rw
            .comments
            .get(&id)
            .filter(|c| c.article == article)
            .map(|c| CommentRef { id: c.id, author_id: c.author }))
    }

    async fn delete(&self, id: CommentId) -> Result<(), RepoError> {
        self.lock().rw.comments.remove(&id).map(|_| ()).ok_or(RepoError::NotFound)
    }
}

#[async_trait]
impl TagRepository for InMemoryStore {
    async fn in_use(&self) -> Result<Vec<Tag>, RepoError> {
        let tags: BTreeSet<Tag> = self.lock().rw.articles.values().flat_map(|a| a.tags.iter().cloned()).collect();
        Ok(tags.into_iter().collect())
    }
}

impl super::Fakes {
    pub fn realworld_ports(&self) -> RealWorldPorts {
        let store = Arc::new(self.store.clone());
        RealWorldPorts {
            profiles: store.clone(),
            articles: store.clone(),
            comments: store.clone(),
            tags: store,
            reports: ReportPorts {
                records: Arc::new(self.reports.clone()),
                queue: Arc::new(self.reports.clone()),
                data: Arc::new(self.reports.clone()),
                policy: self.report_policy,
            },
            lists: ListLimits::default(),
        }
    }

    /// The example's use cases on the fakes.
    pub fn realworld(&self) -> RealWorld {
        RealWorld::new(self.realworld_ports(), &self.accounts(), &self.platform())
    }
}

/// Registers the example on the fakes (after accounts, which it reads).
pub(super) fn register(fakes: &super::Fakes, features: &mut crate::FeaturesBuilder) {
    features.insert(fakes.realworld());
}
