//! Comments on articles.

use std::sync::Arc;

use domain::UserId;
use domain::realworld::{Comment, CommentBody, CommentId, Slug};

use crate::UseCaseError;
use crate::ports::Clock;
use crate::realworld::{ArticleRef, ArticleRepository, CommentRepository, ListLimits};

/// One page of an article's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPage {
    pub comments: Vec<Comment>,
    /// Pass as `after` for the next page; `None` on the last page.
    pub next: Option<CommentId>,
}

/// Comment use cases.
#[derive(Clone)]
pub struct CommentService {
    articles: Arc<dyn ArticleRepository>,
    comments: Arc<dyn CommentRepository>,
    clock: Arc<dyn Clock>,
    max_page: u32,
}

impl CommentService {
    pub fn new(
        articles: Arc<dyn ArticleRepository>,
        comments: Arc<dyn CommentRepository>,
        clock: Arc<dyn Clock>,
        limits: ListLimits,
    ) -> Self {
        Self { articles, comments, clock, max_page: limits.max_comments.max(1) }
    }

    /// # Errors
    /// `Validation` for a blank body, `NotFound("article")`.
    #[tracing::instrument(skip_all, fields(author = author.0, slug))]
    pub async fn add(&self, author: UserId, slug: &str, body: Option<&str>) -> Result<Comment, UseCaseError> {
        let body = CommentBody::parse(body)?;
        let article = self.article(slug).await?;
        Ok(self.comments.add(article.id, author, body, self.clock.now()).await?)
    }

    /// Oldest first: at most `limit` comments (the configured maximum when `None` or
    /// larger) after the comment `after`.
    ///
    /// # Errors
    /// `NotFound("article")`.
    #[tracing::instrument(level = "debug", name = "comments.list", skip_all)]
    pub async fn list(
        &self,
        slug: &str,
        viewer: Option<UserId>,
        limit: Option<u32>,
        after: Option<CommentId>,
    ) -> Result<CommentPage, UseCaseError> {
        let limit = limit.map_or(self.max_page, |n| n.clamp(1, self.max_page));
        let article = self.article(slug).await?;
        // One row more than the page tells whether another page follows.
        let mut comments = self.comments.list(article.id, after, limit + 1, viewer).await?;
        let more = comments.len() > limit as usize;
        comments.truncate(limit as usize);
        let next = if more { comments.last().map(|c| c.id) } else { None };
        Ok(CommentPage { comments, next })
    }

    /// # Errors
    /// `NotFound("article")`, `NotFound("comment")` (also for a comment of another
    /// article), `Forbidden("comment")` for another user's comment.
    #[tracing::instrument(skip_all, fields(user = user.0, slug, comment = id.0))]
    pub async fn delete(&self, user: UserId, slug: &str, id: CommentId) -> Result<(), UseCaseError> {
        let article = self.article(slug).await?;
        let comment = self.comments.locate(article.id, id).await?.ok_or(UseCaseError::NotFound("comment"))?;
        if comment.author_id != user {
            return Err(UseCaseError::Forbidden("comment"));
        }
        self.comments.delete(comment.id).await.map_err(UseCaseError::from_repo("comment"))
    }

    async fn article(&self, slug: &str) -> Result<ArticleRef, UseCaseError> {
        self.articles.locate(&Slug::from_trusted(slug.to_owned())).await?.ok_or(UseCaseError::NotFound("article"))
    }
}
