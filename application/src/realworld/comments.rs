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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::Fakes;
    use crate::realworld::CreateArticleInput;

    async fn setup() -> (Fakes, UserId, UserId) {
        let fakes = Fakes::new();
        let author = fakes.user("author").await;
        let reader = fakes.user("reader").await;
        let input = CreateArticleInput {
            title: Some("Post".to_owned()),
            description: Some("d".to_owned()),
            body: Some("b".to_owned()),
            tag_list: None,
        };
        fakes.realworld().articles.create(author, input).await.expect("created");
        (fakes, author, reader)
    }

    #[tokio::test]
    async fn comments_are_listed_oldest_first() {
        let (fakes, author, reader) = setup().await;
        let services = fakes.realworld();
        services.comments.add(reader, "post", Some("first")).await.expect("added");
        fakes.clock.advance_millis(5);
        services.comments.add(author, "post", Some("second")).await.expect("added");
        let bodies: Vec<_> = services
            .comments
            .list("post", None, None, None)
            .await
            .expect("listed")
            .comments
            .into_iter()
            .map(|c| c.body.as_str().to_owned())
            .collect();
        assert_eq!(bodies, ["first", "second"]);
    }

    #[tokio::test]
    async fn comments_are_paged_by_id_without_gaps_or_repeats() {
        let (fakes, _, reader) = setup().await;
        let services = fakes.realworld();
        let mut added = Vec::new();
        for i in 0..5 {
            added.push(services.comments.add(reader, "post", Some(&format!("c{i}"))).await.expect("added").id);
        }
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = services.comments.list("post", None, Some(2), after).await.expect("listed");
            assert!(page.comments.len() <= 2);
            seen.extend(page.comments.iter().map(|c| c.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, added);
    }

    #[tokio::test]
    async fn blank_comments_are_rejected_and_unknown_articles_not_found() {
        let (fakes, _, reader) = setup().await;
        let services = fakes.realworld();
        assert!(matches!(services.comments.add(reader, "post", Some("")).await, Err(UseCaseError::Validation(_))));
        assert!(matches!(
            services.comments.add(reader, "missing", Some("hi")).await,
            Err(UseCaseError::NotFound("article"))
        ));
    }

    #[tokio::test]
    async fn only_the_comment_author_may_delete_it() {
        let (fakes, author, reader) = setup().await;
        let services = fakes.realworld();
        let comment = services.comments.add(reader, "post", Some("mine")).await.expect("added");
        let err = services.comments.delete(author, "post", comment.id).await.expect_err("forbidden");
        assert!(matches!(err, UseCaseError::Forbidden("comment")));
        services.comments.delete(reader, "post", comment.id).await.expect("deleted");
        let err = services.comments.delete(reader, "post", comment.id).await.expect_err("gone");
        assert!(matches!(err, UseCaseError::NotFound("comment")));
    }
}
