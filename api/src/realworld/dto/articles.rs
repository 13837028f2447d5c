//! Bodies and query strings of the article, comment and tag endpoints.

use application::realworld::{ArticlePage, TagPage};
use application::realworld::{CreateArticleInput, UpdateArticleInput};
use domain::realworld::{Article, Comment};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ProfileDto;
use crate::dto::present;

/// `POST /api/articles`
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateArticleRequest {
    pub article: NewArticleDto,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = NewArticle, example = json!({
    "title": "How to train your dragon",
    "description": "Ever wonder how?",
    "body": "You have to believe",
    "tagList": ["reactjs", "angularjs", "dragons"]
}))]
pub struct NewArticleDto {
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 256,
        pattern = "^[^\\u0000-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u001F\\u007F]*$"
    )]
    pub title: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 1024,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$"
    )]
    pub description: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$"
    )]
    pub body: Option<String>,
    /// Kept in the given order; duplicates are dropped. At most 20 entries, duplicates
    /// included.
    #[schema(nullable = false, max_items = 20, value_type = Option<Vec<TagName>>)]
    pub tag_list: Option<Vec<String>>,
}

impl From<NewArticleDto> for CreateArticleInput {
    fn from(article: NewArticleDto) -> Self {
        Self { title: article.title, description: article.description, body: article.body, tag_list: article.tag_list }
    }
}

/// A tag: 1 to 64 characters, one line.
#[derive(ToSchema)]
#[schema(
    min_length = 1,
    max_length = 64,
    pattern = "^[^\\u0000-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u001F\\u007F]*$"
)]
#[allow(dead_code)] // Only a schema: tags arrive as plain strings.
pub struct TagName(String);

/// `PUT /api/articles/{slug}`
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateArticleRequest {
    pub article: UpdateArticleDto,
}

/// Fields to change; absent fields are left as they are, `null` is refused. A new
/// title gives a new slug; `tagList: []` removes every tag.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = UpdateArticle, example = json!({"title": "Did you train your dragon?"}))]
pub struct UpdateArticleDto {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, min_length = 1, max_length = 256, pattern = "^[^\\u0000-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u001F\\u007F]*$")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, min_length = 1, max_length = 1024, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, min_length = 1, max_length = 100000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$")]
    pub body: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Vec<TagName>, max_items = 20)]
    pub tag_list: Option<Option<Vec<String>>>,
}

impl From<UpdateArticleDto> for UpdateArticleInput {
    fn from(article: UpdateArticleDto) -> Self {
        Self { title: article.title, description: article.description, body: article.body, tag_list: article.tag_list }
    }
}

/// One article, with its body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleResponse {
    pub article: ArticleDto,
}

/// A page of articles, without their bodies, and how many match in total.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArticlesResponse {
    pub articles: Vec<ArticleDto>,
    pub articles_count: u64,
    /// Pass as `cursor` for the next page (keyset pagination); `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Article)]
pub struct ArticleDto {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Present for a single article; left out of lists, which do not carry bodies.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub body: Option<String>,
    pub tag_list: Vec<String>,
    #[schema(format = DateTime, example = "2016-02-18T03:22:56.637Z")]
    pub created_at: String,
    #[schema(format = DateTime, example = "2016-02-18T03:48:35.824Z")]
    pub updated_at: String,
    pub favorited: bool,
    pub favorites_count: u64,
    pub author: ProfileDto,
}

impl From<Article> for ArticleDto {
    fn from(article: Article) -> Self {
        Self {
            slug: article.slug.as_str().to_owned(),
            title: article.title.as_str().to_owned(),
            description: article.description.as_str().to_owned(),
            body: article.body.map(|body| body.as_str().to_owned()),
            tag_list: article.tags.iter().map(|tag| tag.as_str().to_owned()).collect(),
            created_at: article.created_at.to_rfc3339_millis(),
            updated_at: article.updated_at.to_rfc3339_millis(),
            favorited: article.favorited,
            favorites_count: article.favorites_count,
            author: article.author.into(),
        }
    }
}

impl From<Article> for ArticleResponse {
    fn from(article: Article) -> Self {
        Self { article: article.into() }
    }
}

impl From<ArticlePage> for ArticlesResponse {
    fn from(page: ArticlePage) -> Self {
        Self {
            articles: page.articles.into_iter().map(Into::into).collect(),
            articles_count: page.total,
            next_cursor: page.next.map(super::cursor::encode),
        }
    }
}

/// Filters and page of `GET /api/articles`. Taken as text and parsed by the domain, so a
/// bad `limit` is a 422 naming the parameter rather than a generic query error.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// Only articles with this tag.
    #[param(pattern = "^[^\\u0000-\\u001F\\u007F]*$")]
    pub tag: Option<String>,
    /// Only articles by this username.
    #[param(pattern = "^[^\\u0000-\\u001F\\u007F]*$")]
    pub author: Option<String>,
    /// Only articles favorited by this username.
    #[param(pattern = "^[^\\u0000-\\u001F\\u007F]*$")]
    pub favorited: Option<String>,
    /// Page size, 20 by default; larger values (up to the int64 bound) are clamped to 100.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_i64)]
    pub limit: Option<String>,
    /// Articles to skip, 0 by default.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_i64)]
    pub offset: Option<String>,
    /// Keyset pagination: the `nextCursor` of the previous page. Deep pages cost what the
    /// first does, and inserts meanwhile never repeat or skip rows. Not with `offset`.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Page of `GET /api/articles/feed`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Page size, 20 by default; larger values (up to the int64 bound) are clamped to 100.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_i64)]
    pub limit: Option<String>,
    /// Articles to skip, 0 by default.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_i64)]
    pub offset: Option<String>,
    /// Keyset pagination: the `nextCursor` of the previous page. Deep pages cost what the
    /// first does, and inserts meanwhile never repeat or skip rows. Not with `offset`.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// `POST /api/articles/{slug}/comments`
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCommentRequest {
    pub comment: NewCommentDto,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewComment, example = json!({"body": "His name was my name too."}))]
pub struct NewCommentDto {
    /// 1 to 10000 characters; line breaks and tabs allowed.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 10000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$"
    )]
    pub body: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentResponse {
    pub comment: CommentDto,
}

/// A page of an article's comments, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentsResponse {
    pub comments: Vec<CommentDto>,
    /// Pass as `cursor` for the next page; `null` on the last page (an extension of the
    /// RealWorld spec, as on the article lists).
    pub next_cursor: Option<String>,
}

/// Page of `GET /api/articles/{slug}/comments` (an extension of the RealWorld spec, which
/// returns every comment: here at most `realworld.max_comments_per_page` per response).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentListQuery {
    /// Page size: `realworld.max_comments_per_page` (100 by default) when absent; larger values
    /// are clamped to it.
    #[param(value_type = Option<i32>, minimum = 1)]
    pub limit: Option<String>,
    /// The `nextCursor` of the previous page.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Page of `GET /api/tags` (an extension of the RealWorld spec, which returns every tag:
/// here at most `realworld.max_tags_per_page` per response).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TagListQuery {
    /// Page size: `realworld.max_tags_per_page` (200 by default) when absent; larger values are
    /// clamped to it.
    #[param(value_type = Option<i32>, minimum = 1)]
    pub limit: Option<String>,
    /// The `nextCursor` of the previous page.
    #[param(max_length = 344, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Comment)]
pub struct CommentDto {
    pub id: i64,
    #[schema(format = DateTime, example = "2016-02-18T03:22:56.637Z")]
    pub created_at: String,
    #[schema(format = DateTime, example = "2016-02-18T03:22:56.637Z")]
    pub updated_at: String,
    pub body: String,
    pub author: ProfileDto,
}

impl From<Comment> for CommentDto {
    fn from(comment: Comment) -> Self {
        Self {
            id: comment.id.0,
            created_at: comment.created_at.to_rfc3339_millis(),
            updated_at: comment.updated_at.to_rfc3339_millis(),
            body: comment.body.as_str().to_owned(),
            author: comment.author.into(),
        }
    }
}

/// A page of the tags in use, by name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TagsResponse {
    #[schema(example = json!(["angularjs", "reactjs"]))]
    pub tags: Vec<String>,
    /// Pass as `cursor` for the next page; `null` on the last page (an extension of the
    /// RealWorld spec, as on the article lists).
    pub next_cursor: Option<String>,
}

impl From<TagPage> for TagsResponse {
    fn from(page: TagPage) -> Self {
        Self {
            tags: page.tags.into_iter().map(|tag| tag.as_str().to_owned()).collect(),
            next_cursor: page.next.as_ref().map(super::cursor::encode_tag),
        }
    }
}
