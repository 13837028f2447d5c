//! Request and response bodies of the RealWorld example, with their OpenAPI schemas.

mod articles;
pub mod cursor;
mod profiles;
mod reports;

pub use articles::{
    ArticleDto, ArticleListQuery, ArticleResponse, ArticlesResponse, CommentDto, CommentListQuery, CommentResponse,
    CommentsResponse, CreateArticleRequest, FeedQuery, NewArticleDto, NewCommentDto, NewCommentRequest, TagListQuery,
    TagsResponse, UpdateArticleDto, UpdateArticleRequest,
};
pub use profiles::{ProfileDto, ProfileResponse};
pub use reports::{NewReportDto, NewReportRequest, ReportDto, ReportListQuery, ReportResponse, ReportsResponse};
