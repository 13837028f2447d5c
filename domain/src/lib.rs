//! The domain: entities, value objects and the validation rules of the service.
//!
//! Pure by design: no IO, no async runtime, no database, HTTP or cache types. Every value
//! object is built through a constructor that validates its input ("parse, don't
//! validate"), so code holding a `Username` or a `Title` never checks it again.

//{% if realworld %} The RealWorld example's entities.
pub mod article;
pub mod comment;
pub mod page;
pub mod report;
//{% endif %} Accounts, errors and time.
pub mod error;
pub mod time;
pub mod user;

//{% if realworld %} The RealWorld example's entities.
pub use article::{Article, ArticleChanges, ArticleId, Body, Description, NewArticle, Slug, Tag, TagList, Title};
pub use comment::{Comment, CommentBody, CommentId};
pub use page::{ArticleFilter, Cursor, Page};
pub use report::{DateRange, Report, ReportId, ReportKind, ReportScope, ReportStatus};
pub use user::Profile;
//{% endif %} Accounts, errors and time.
pub use error::{FieldError, ValidationErrors};
pub use time::Timestamp;
pub use user::{Bio, Email, Image, PlainPassword, User, UserChanges, UserId, Username};
