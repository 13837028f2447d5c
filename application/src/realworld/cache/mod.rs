//! Cached reads of the RealWorld example: articles, list pages, tags and profiles, as
//! decorators over the platform's read path (`crate::cache`).

mod articles;
mod profiles;
mod views;

pub use articles::{CachedArticleRepository, CachedTagRepository};
pub use profiles::CachedProfileRepository;
