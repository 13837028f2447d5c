//! Pagination and filters of article lists.

use crate::error::FieldError;

/// One page of a list: `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    limit: u32,
    offset: u64,
}

impl Page {
    pub const DEFAULT_LIMIT: u32 = 20;
    /// Larger requests are capped here, so one request can never ask for the whole table.
    pub const MAX_LIMIT: u32 = 100;

    /// Builds a page from raw query-string values.
    ///
    /// # Errors
    /// `limit` or `offset` that is not a non-negative integer.
    pub fn parse(limit: Option<&str>, offset: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = match limit.map(str::trim) {
            None | Some("") => Self::DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) => u32::try_from(n.min(u64::from(Self::MAX_LIMIT))).unwrap_or(Self::MAX_LIMIT),
                Err(_) => {
                    errors.push(FieldError::new("limit", "must be a non-negative integer"));
                    0
                }
            },
        };
        let offset = match offset.map(str::trim) {
            None | Some("") => 0,
            Some(raw) => match raw.parse::<u64>() {
                // Keep offsets representable as a signed 64-bit SQL parameter.
                Ok(n) if n <= i64::MAX as u64 => n,
                _ => {
                    errors.push(FieldError::new("offset", "must be a non-negative integer"));
                    0
                }
            },
        };
        if errors.is_empty() { Ok(Self { limit, offset }) } else { Err(errors) }
    }

    pub fn new(limit: u32, offset: u64) -> Self {
        Self { limit: limit.min(Self::MAX_LIMIT), offset }
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
    fn rejects_negative_and_non_numeric_values() {
        let errors = Page::parse(Some("-1"), Some("abc")).expect_err("both invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["limit", "offset"]);
    }
}
