//! HTTP handlers, one module per resource, and the routing table built from them.
//!
//! Handlers stay thin: extract, call one use case, shape the response. Routes are
//! registered through utoipa-axum so the OpenAPI document is generated from the same
//! annotated handlers the router serves, and the two cannot drift apart.

//{% if realworld %} The RealWorld example's resources.
pub mod articles;
pub mod comments;
pub mod profiles;
pub mod reports;
pub mod tags;
//{% endif %} Health, operations and accounts.
pub mod health;
pub mod ops;
pub mod users;

use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::openapi::ApiDoc;

/// Every documented route (accounts and RealWorld's under `/api`, plus `/health`) with
/// its OpenAPI operations. One `routes!` call per path: utoipa-axum merges the methods
/// of a path.
pub(crate) fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(ops::ready))
        .routes(routes!(ops::db_pool_status))
        //{% if realworld %} The RealWorld example's routes. `/api/articles/feed` is a static
        // segment, which axum's router prefers over the `{slug}` capture, so the feed is
        // never read as an article named "feed".
        .routes(routes!(profiles::get_profile))
        .routes(routes!(profiles::follow, profiles::unfollow))
        .routes(routes!(articles::list_articles, articles::create_article))
        .routes(routes!(articles::feed))
        .routes(routes!(articles::random_article))
        .routes(routes!(articles::get_article, articles::update_article, articles::delete_article))
        .routes(routes!(articles::favorite, articles::unfavorite))
        .routes(routes!(comments::list_comments, comments::add_comment))
        .routes(routes!(comments::delete_comment))
        .routes(routes!(tags::list_tags))
        .routes(routes!(reports::create_report, reports::list_reports))
        .routes(routes!(reports::get_report))
        .routes(routes!(reports::download_report))
        //{% endif %} Accounts.
        .routes(routes!(users::register))
        .routes(routes!(users::login))
        .routes(routes!(users::current_user, users::update_user))
}
