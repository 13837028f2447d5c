//! The RealWorld ("Conduit") example: profiles, articles, tags, comments, the pagination of
//! article lists, and activity reports. Removed as a whole from projects generated with
//! `realworld=false`.

pub mod article;
pub mod comment;
pub mod page;
pub mod profile;
pub mod report;

pub use article::{Article, ArticleChanges, ArticleId, Body, Description, NewArticle, Slug, Tag, TagList, Title};
pub use comment::{Comment, CommentBody, CommentId};
pub use page::{ArticleFilter, Cursor, Page};
pub use profile::Profile;
pub use report::{DateRange, Report, ReportId, ReportKind, ReportScope, ReportStatus};
