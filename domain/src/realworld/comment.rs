//! Comments on articles.

use crate::accounts::UserId;
use crate::error::{FieldError, Lines, required_text};
use crate::realworld::Profile;
use crate::realworld::article::ArticleId;
use crate::time::Timestamp;

/// Database identity of a comment (exposed to clients as an integer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommentId(pub i64);

/// The text of a comment, 1 to 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub const MAX_LEN: usize = 10_000;

    /// # Errors
    /// Blank, too long, or control characters other than line breaks and tabs.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        required_text("body", raw, Self::MAX_LEN, Lines::Multi).map(Self)
    }

    pub fn from_trusted(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A comment as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub article_id: ArticleId,
    pub author_id: UserId,
    pub body: CommentBody,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub author: Profile,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_body_must_not_be_blank() {
        assert_eq!(CommentBody::parse(Some("")).map_err(|e| e.message), Err("can't be blank".to_owned()));
        assert!(CommentBody::parse(Some("nice")).is_ok());
    }
}
