//! The tag list.

use application::realworld::RealWorld;
use axum::Json;
use axum::extract::State;

use domain::{FieldError, ValidationErrors};

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::realworld::dto::{self, TagListQuery, TagsResponse};

/// The tags used by at least one article, by name (code point order), at most
/// `realworld.max_tags_per_page` per response; `nextCursor` continues the list.
#[utoipa::path(
    get,
    path = "/api/tags",
    tag = "tags",
    params(TagListQuery),
    responses(
        (status = 200, description = "A page of the tags", body = TagsResponse),
        (status = 422, description = "Invalid limit or cursor", body = ErrorBody),
    )
)]
pub async fn list_tags(
    State(realworld): State<RealWorld>,
    ApiQuery(query): ApiQuery<TagListQuery>,
) -> Result<Json<TagsResponse>, ApiError> {
    let limit = dto::cursor::limit(query.limit.as_deref()).map_err(invalid)?;
    let after = match query.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(text) => Some(dto::cursor::decode_tag(text).map_err(invalid)?),
        None => None,
    };
    let page = realworld.tags.list(limit, after.as_ref()).await?;
    Ok(Json(page.into()))
}

/// A bad query value as a 422 under its own name.
fn invalid(error: FieldError) -> ApiError {
    ValidationErrors::from(error).into()
}
