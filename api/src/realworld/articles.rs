//! Articles: lists, the feed, publishing, editing and favorites.

use application::realworld::RealWorld;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::realworld::{ArticleFilter, Page};
use domain::{FieldError, ValidationErrors};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, MaybeAuthUser};
use crate::realworld::dto::{
    self, ArticleListQuery, ArticleResponse, ArticlesResponse, CreateArticleRequest, FeedQuery, UpdateArticleRequest,
};

/// Parses `limit`/`offset`/`cursor`, reporting bad values as 422 under their own names.
fn page(limit: Option<&str>, offset: Option<&str>, cursor: Option<&str>) -> Result<Page, ApiError> {
    let invalid = |field_errors: Vec<FieldError>| -> ApiError {
        let mut errors = ValidationErrors::new();
        field_errors.into_iter().for_each(|error| errors.push(error));
        errors.into()
    };
    let page = Page::parse(limit, offset).map_err(invalid)?;
    match cursor.filter(|c| !c.trim().is_empty()) {
        None => Ok(page),
        Some(text) => {
            let cursor = dto::cursor::decode(text).map_err(|e| invalid(vec![e]))?;
            page.after(cursor).map_err(|e| invalid(vec![e]))
        }
    }
}

/// `?tag=` reads as "no tag filter", not "articles with the empty tag" (there are none).
fn filter_value(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

/// Most recent articles first, optionally filtered; bodies are left out.
#[utoipa::path(
    get,
    path = "/api/articles",
    tag = "articles",
    params(ArticleListQuery),
    security((), ("Token" = [])),
    responses(
        (status = 200, description = "A page of articles", body = ArticlesResponse),
        (status = 401, description = "Invalid token", body = ErrorBody),
        (status = 422, description = "Invalid limit, offset or cursor", body = ErrorBody),
    )
)]
pub async fn list_articles(
    State(realworld): State<RealWorld>,
    viewer: MaybeAuthUser,
    ApiQuery(query): ApiQuery<ArticleListQuery>,
) -> Result<Json<ArticlesResponse>, ApiError> {
    let page = page(query.limit.as_deref(), query.offset.as_deref(), query.cursor.as_deref())?;
    let filter = ArticleFilter {
        tag: filter_value(query.tag),
        author: filter_value(query.author),
        favorited_by: filter_value(query.favorited),
    };
    let found = realworld.articles.list(&filter, page, viewer.id()).await?;
    Ok(Json(found.into()))
}

/// Most recent articles by users the caller follows; bodies are left out.
#[utoipa::path(
    get,
    path = "/api/articles/feed",
    tag = "articles",
    params(FeedQuery),
    security(("Token" = [])),
    responses(
        (status = 200, description = "A page of the feed", body = ArticlesResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 422, description = "Invalid limit, offset or cursor", body = ErrorBody),
    )
)]
pub async fn feed(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> Result<Json<ArticlesResponse>, ApiError> {
    let page = page(query.limit.as_deref(), query.offset.as_deref(), query.cursor.as_deref())?;
    let found = realworld.articles.feed(auth.id, page).await?;
    Ok(Json(found.into()))
}

/// An article picked at random (without scanning or sorting the table), with its body.
#[utoipa::path(
    get,
    path = "/api/articles/random",
    tag = "articles",
    security((), ("Token" = [])),
    responses(
        (status = 200, description = "An article", body = ArticleResponse),
        (status = 401, description = "Invalid token", body = ErrorBody),
        (status = 404, description = "There are no articles", body = ErrorBody),
    )
)]
pub async fn random_article(
    State(realworld): State<RealWorld>,
    viewer: MaybeAuthUser,
) -> Result<Json<ArticleResponse>, ApiError> {
    let article = realworld.articles.random(viewer.id()).await?;
    Ok(Json(article.into()))
}

/// One article, with its body.
#[utoipa::path(
    get,
    path = "/api/articles/{slug}",
    tag = "articles",
    params(("slug" = String, Path, description = "Slug of the article")),
    security((), ("Token" = [])),
    responses(
        (status = 200, description = "The article", body = ArticleResponse),
        (status = 401, description = "Invalid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn get_article(
    State(realworld): State<RealWorld>,
    viewer: MaybeAuthUser,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ArticleResponse>, ApiError> {
    let article = realworld.articles.get(&slug, viewer.id()).await?;
    Ok(Json(article.into()))
}

/// Publish an article; its slug is derived from the title.
#[utoipa::path(
    post,
    path = "/api/articles",
    tag = "articles",
    request_body = CreateArticleRequest,
    security(("Token" = [])),
    responses(
        (status = 201, description = "Published", body = ArticleResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn create_article(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiJson(request): ApiJson<CreateArticleRequest>,
) -> Result<(StatusCode, Json<ArticleResponse>), ApiError> {
    let article = realworld.articles.create(auth.id, request.article.into()).await?;
    Ok((StatusCode::CREATED, Json(article.into())))
}

/// Edit one of the caller's articles; a new title gives a new slug.
#[utoipa::path(
    put,
    path = "/api/articles/{slug}",
    tag = "articles",
    params(("slug" = String, Path, description = "Slug of the article")),
    request_body = UpdateArticleRequest,
    security(("Token" = [])),
    responses(
        (status = 200, description = "The updated article", body = ArticleResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn update_article(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(request): ApiJson<UpdateArticleRequest>,
) -> Result<Json<ArticleResponse>, ApiError> {
    let article = realworld.articles.update(auth.id, &slug, request.article.into()).await?;
    Ok(Json(article.into()))
}

/// Delete one of the caller's articles with its comments and favorites.
#[utoipa::path(
    delete,
    path = "/api/articles/{slug}",
    tag = "articles",
    params(("slug" = String, Path, description = "Slug of the article")),
    security(("Token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn delete_article(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(slug): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    realworld.articles.delete(auth.id, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Favorite an article (idempotent).
#[utoipa::path(
    post,
    path = "/api/articles/{slug}/favorite",
    tag = "favorites",
    params(("slug" = String, Path, description = "Slug of the article")),
    security(("Token" = [])),
    responses(
        (status = 200, description = "The favorited article", body = ArticleResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn favorite(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ArticleResponse>, ApiError> {
    let article = realworld.articles.favorite(auth.id, &slug).await?;
    Ok(Json(article.into()))
}

/// Remove an article from the caller's favorites (idempotent).
#[utoipa::path(
    delete,
    path = "/api/articles/{slug}/favorite",
    tag = "favorites",
    params(("slug" = String, Path, description = "Slug of the article")),
    security(("Token" = [])),
    responses(
        (status = 200, description = "The unfavorited article", body = ArticleResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
pub async fn unfavorite(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ArticleResponse>, ApiError> {
    let article = realworld.articles.unfavorite(auth.id, &slug).await?;
    Ok(Json(article.into()))
}
