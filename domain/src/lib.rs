//! The domain: entities, value objects and the validation rules of the service.
//!
//! Pure by design: no IO, no async runtime, no database, HTTP or cache types. Every value
//! object is built through a constructor that validates its input ("parse, don't
//! validate"), so code holding a `Username` or a `Title` never checks it again.
//!
//! One folder per feature ([`accounts`], and the RealWorld example in `realworld`), beside
//! the value types every feature shares ([`error`], [`time`]).

pub mod accounts;
pub mod error;
pub mod time;
//{% if realworld %} The RealWorld example (profiles, articles, comments, tags, reports).
pub mod realworld;
//{% endif %} The account and shared types, at the crate root.
pub use accounts::{Bio, Email, Image, PlainPassword, User, UserChanges, UserId, Username};
pub use error::{FieldError, ValidationErrors};
pub use time::Timestamp;
