//! The tag list.

use std::sync::Arc;

use domain::realworld::Tag;

use crate::UseCaseError;
use crate::realworld::{ListLimits, TagRepository};

/// One page of the tags in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPage {
    pub tags: Vec<Tag>,
    /// Pass as `after` for the next page; `None` on the last page.
    pub next: Option<Tag>,
}

/// Tag use cases.
#[derive(Clone)]
pub struct TagService {
    tags: Arc<dyn TagRepository>,
    max_page: u32,
}

impl TagService {
    pub fn new(tags: Arc<dyn TagRepository>, limits: ListLimits) -> Self {
        Self { tags, max_page: limits.max_tags.max(1) }
    }

    /// Tags on at least one article, sorted by name (code point order): at most `limit`
    /// (the configured maximum when `None` or larger) after the tag `after`.
    ///
    /// # Errors
    /// Only `Unexpected`.
    #[tracing::instrument(level = "debug", name = "tags.list", skip_all)]
    pub async fn list(&self, limit: Option<u32>, after: Option<&Tag>) -> Result<TagPage, UseCaseError> {
        let limit = limit.map_or(self.max_page, |n| n.clamp(1, self.max_page));
        // One row more than the page tells whether another page follows.
        let mut tags = self.tags.in_use_after(after, limit + 1).await?;
        let more = tags.len() > limit as usize;
        tags.truncate(limit as usize);
        let next = if more { tags.last().cloned() } else { None };
        Ok(TagPage { tags, next })
    }
}
