//! Comments on articles.

use application::realworld::RealWorld;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::realworld::CommentId;

use domain::{FieldError, ValidationErrors};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, MaybeAuthUser};
use crate::realworld::dto::{self, CommentListQuery, CommentResponse, CommentsResponse, NewCommentRequest};

/// Comment on an article.
#[utoipa::path(
    post,
    path = "/api/articles/{slug}/comments",
    tag = "comments",
    params(("slug" = String, Path, description = "Slug of the article")),
    request_body = NewCommentRequest,
    security(("Token" = [])),
    responses(
        (status = 201, description = "The new comment", body = CommentResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "Blank body", body = ErrorBody),
    )
)]
pub async fn add_comment(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(request): ApiJson<NewCommentRequest>,
) -> Result<(StatusCode, Json<CommentResponse>), ApiError> {
    let comment = realworld.comments.add(auth.id, &slug, request.comment.body.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(CommentResponse { comment: comment.into() })))
}

/// The comments of an article, oldest first, at most `realworld.max_comments_per_page` per
/// response; `nextCursor` continues the list.
#[utoipa::path(
    get,
    path = "/api/articles/{slug}/comments",
    tag = "comments",
    params(("slug" = String, Path, description = "Slug of the article"), CommentListQuery),
    security((), ("Token" = [])),
    responses(
        (status = 200, description = "A page of the comments", body = CommentsResponse),
        (status = 401, description = "Invalid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "Invalid limit or cursor", body = ErrorBody),
    )
)]
pub async fn list_comments(
    State(realworld): State<RealWorld>,
    viewer: MaybeAuthUser,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<CommentListQuery>,
) -> Result<Json<CommentsResponse>, ApiError> {
    let limit = dto::cursor::limit(query.limit.as_deref()).map_err(invalid)?;
    let after = match query.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(text) => Some(dto::cursor::decode_comment(text).map_err(invalid)?),
        None => None,
    };
    let page = realworld.comments.list(&slug, viewer.id(), limit, after).await?;
    Ok(Json(CommentsResponse {
        comments: page.comments.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(dto::cursor::encode_comment),
    }))
}

/// Delete one of the caller's comments.
#[utoipa::path(
    delete,
    path = "/api/articles/{slug}/comments/{id}",
    tag = "comments",
    params(
        ("slug" = String, Path, description = "Slug of the article"),
        ("id" = i64, Path, description = "Id of the comment"),
    ),
    security(("Token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's comment", body = ErrorBody),
        (status = 404, description = "No such article or comment", body = ErrorBody),
    )
)]
pub async fn delete_comment(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath((slug, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    // Ids are integers, so any other text names no comment: a 404 like any unknown id,
    // rather than a parse error about the URL.
    let id = id.parse().map(CommentId).map_err(|_| ApiError::not_found("comment"))?;
    realworld.comments.delete(auth.id, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A bad query value as a 422 under its own name.
fn invalid(error: FieldError) -> ApiError {
    ValidationErrors::from(error).into()
}
