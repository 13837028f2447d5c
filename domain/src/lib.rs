//! The domain: entities, value objects and the validation rules of the service.
//!
//! Pure by design: no IO, no async runtime, no database, HTTP or cache types. Every value
//! object is built through a constructor that validates its input ("parse, don't
//! validate"), so code holding a `Username` or a `Title` never checks it again.

pub mod article;
pub mod comment;
pub mod error;
pub mod page;
pub mod report;
pub mod time;
pub mod user;

pub use article::{Article, ArticleChanges, ArticleId, Body, Description, NewArticle, Slug, Tag, TagList, Title};
pub use comment::{Comment, CommentBody, CommentId};
pub use error::{FieldError, ValidationErrors};
pub use page::{ArticleFilter, Cursor, Page};
pub use report::{DateRange, Report, ReportId, ReportKind, ReportScope, ReportStatus};
pub use time::Timestamp;
pub use user::{Bio, Email, Image, PlainPassword, Profile, User, UserChanges, UserId, Username};
