//! sea-orm entities of the example's tables, one per table, used for single-row reads and
//! writes. Multi-table reads (lists, views with per-viewer flags) are builder queries in
//! the repositories. Authors are rows of accounts' `users` entity.

pub mod article_tags;
pub mod articles;
pub mod comments;
pub mod favorites;
pub mod follows;
pub mod tags;
