//! Pagination and filters of article lists.

use crate::error::FieldError;
use crate::realworld::article::ArticleId;
use crate::time::Timestamp;

/// One page of a list: `limit` rows after skipping `offset`, or (keyset pagination)
/// `limit` rows after the `cursor`, whose cost does not grow with the depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    limit: u32,
    offset: u64,
    cursor: Option<Cursor>,
}

/// A position in a list ordered by `(created_at, id)` descending: the last article of
/// the previous page. The next page starts strictly after it, so rows inserted at the
/// head of the list meanwhile neither repeat nor shift the following pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: Timestamp,
    pub id: ArticleId,
}

impl Page {
    pub const DEFAULT_LIMIT: u32 = 20;
    /// Larger requests are capped here, so one request can never ask for the whole table.
    pub const MAX_LIMIT: u32 = 100;

    /// Builds a page from raw query-string values. An empty value (`?limit=`) is not an
    /// integer and is refused like any other text: the API documents both as integers.
    ///
    /// # Errors
    /// `limit` or `offset` that is not a non-negative integer.
    pub fn parse(limit: Option<&str>, offset: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u64>() {
                // Clamped, up to the documented int64 bound (beyond it: not an int64).
                Ok(n) if n <= i64::MAX as u64 => {
                    u32::try_from(n.min(u64::from(Self::MAX_LIMIT))).unwrap_or(Self::MAX_LIMIT)
                }
                _ => {
                    errors.push(FieldError::new("limit", "must be a non-negative integer"));
                    0
                }
            },
        };
        let offset = match offset {
            None => 0,
            Some(raw) => match raw.parse::<u64>() {
                // Keep offsets representable as a signed 64-bit SQL parameter.
                Ok(n) if n <= i64::MAX as u64 => n,
                _ => {
                    errors.push(FieldError::new("offset", "must be a non-negative integer"));
                    0
                }
            },
        };
        if errors.is_empty() { Ok(Self { limit, offset, cursor: None }) } else { Err(errors) }
    }

    pub fn new(limit: u32, offset: u64) -> Self {
        Self { limit: limit.min(Self::MAX_LIMIT), offset, cursor: None }
    }

    /// Keyset pagination: the rows after `cursor`.
    ///
    /// # Errors
    /// The page also has an offset: the two ways of paging do not combine.
    pub fn after(self, cursor: Cursor) -> Result<Self, FieldError> {
        if self.offset > 0 {
            return Err(FieldError::new("offset", "cannot be combined with cursor"));
        }
        Ok(Self { cursor: Some(cursor), ..self })
    }

    /// Where a keyset page starts (exclusive), if it is one.
    pub fn cursor(&self) -> Option<Cursor> {
        self.cursor
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LIMIT, 0)
    }
}

/// Filters of the global article list; all present filters must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    pub tag: Option<String>,
    pub author: Option<String>,
    pub favorited_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_twenty_from_the_start() {
        assert_eq!(Page::parse(None, None), Ok(Page::new(20, 0)));
    }

    #[test]
    fn caps_the_limit_at_one_hundred() {
        assert_eq!(Page::parse(Some("5000"), Some("3")), Ok(Page::new(100, 3)));
    }

    #[test]
    fn a_cursor_replaces_the_offset_and_does_not_combine_with_one() {
        let cursor = Cursor { created_at: Timestamp::new(chrono::Utc::now()), id: ArticleId(7) };
        let page = Page::new(10, 0).after(cursor).expect("no offset");
        assert_eq!((page.cursor(), page.offset(), page.limit()), (Some(cursor), 0, 10));
        assert_eq!(Page::new(10, 5).after(cursor).expect_err("offset too").field, "offset");
    }

    #[test]
    fn rejects_negative_and_non_numeric_values() {
        let errors = Page::parse(Some("-1"), Some("abc")).expect_err("both invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["limit", "offset"]);
    }

    #[test]
    fn rejects_values_past_the_int64_bound() {
        assert_eq!(Page::parse(Some("9223372036854775807"), None), Ok(Page::new(100, 0)));
        assert!(Page::parse(Some("9223372036854775808"), None).is_err());
        assert!(Page::parse(None, Some("9223372036854775808")).is_err());
    }

    #[test]
    fn rejects_empty_and_padded_values_which_are_not_integers() {
        for (limit, offset) in [(Some(""), None), (None, Some("")), (Some(" 5"), None), (None, Some("3 "))] {
            let errors = Page::parse(limit, offset).expect_err("not an integer");
            assert_eq!(errors.len(), 1, "{limit:?} {offset:?}");
        }
    }
}
