//! The tag list.

use std::sync::Arc;

use domain::realworld::Tag;

use crate::UseCaseError;
use crate::realworld::TagRepository;

/// Tag use cases.
#[derive(Clone)]
pub struct TagService {
    tags: Arc<dyn TagRepository>,
}

impl TagService {
    pub fn new(tags: Arc<dyn TagRepository>) -> Self {
        Self { tags }
    }

    /// Every tag on at least one article.
    ///
    /// # Errors
    /// Only `Unexpected`.
    pub async fn list(&self) -> Result<Vec<Tag>, UseCaseError> {
        Ok(self.tags.in_use().await?)
    }
}
