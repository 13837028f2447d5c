//! The tag list.

use application::realworld::RealWorld;
use axum::Json;
use axum::extract::State;

use crate::error::ApiError;
use crate::realworld::dto::TagsResponse;

/// Every tag used by at least one article.
#[utoipa::path(
    get,
    path = "/api/tags",
    tag = "tags",
    responses((status = 200, description = "The tags", body = TagsResponse))
)]
pub async fn list_tags(State(realworld): State<RealWorld>) -> Result<Json<TagsResponse>, ApiError> {
    let tags = realworld.tags.list().await?;
    Ok(Json(tags.into()))
}
