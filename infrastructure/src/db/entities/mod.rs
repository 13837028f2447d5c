//! sea-orm entities: one per table, used for single-row reads and writes. Multi-table
//! reads (lists, views with per-viewer flags) are hand-written SQL in the repositories.

//{% if realworld %} The RealWorld example's tables.
pub mod article_tags;
pub mod articles;
pub mod comments;
pub mod favorites;
pub mod follows;
pub mod tags;
//{% endif %} Accounts.
pub mod users;
