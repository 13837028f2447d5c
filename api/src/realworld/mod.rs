//! The RealWorld example's HTTP API: profiles and follows, articles and the feed,
//! favorites, comments, tags and activity reports (routes, bodies, OpenAPI). Removed as a
//! whole from projects generated with `realworld=false`.

pub(crate) mod articles;
pub(crate) mod comments;
pub mod dto;
mod maintenance;
pub(crate) mod profiles;
pub(crate) mod reports;
pub(crate) mod tags;

use application::realworld::RealWorld;
use axum::extract::FromRef;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::features::{Feature, FeatureCommand};

/// The example's entry point: its routes and the `reports` maintenance subcommand.
pub const FEATURE: Feature =
    Feature { routes, command: Some(FeatureCommand { define: maintenance::command, run: maintenance::run }) };

/// The example's documented routes. `/api/articles/feed` is a static segment, which
/// axum's router prefers over the `{slug}` capture, so the feed is never read as an
/// article named "feed". One `routes!` call per path: utoipa-axum merges its methods.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Tags::openapi())
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
}

/// The example's tags in the OpenAPI document, merged into the platform's with its routes.
#[derive(utoipa::OpenApi)]
#[openapi(tags(
    (name = "profiles", description = "Public profiles and following"),
    (name = "articles", description = "Articles and the feed"),
    (name = "favorites", description = "Favorite articles"),
    (name = "comments", description = "Comments on articles"),
    (name = "tags", description = "Tags in use"),
    (name = "reports", description = "Activity reports, generated in the background"),
))]
struct Tags;

/// The example's handlers' sub-state.
impl FromRef<AppState> for RealWorld {
    fn from_ref(state: &AppState) -> Self {
        state.features.expect()
    }
}
