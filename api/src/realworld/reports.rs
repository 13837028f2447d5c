//! Report jobs: request a report (202, generated off the request path by a worker),
//! poll its status, list your reports, and download the CSV as a stream.

use application::realworld::RealWorld;
use application::realworld::{Download, RequestReportInput};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ValidationErrors;
use domain::realworld::{Page, ReportId};
use futures::StreamExt;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::realworld::dto::{NewReportRequest, ReportListQuery, ReportResponse, ReportsResponse};

/// CSV lines read from storage per chunk of the download stream.
const LINES_PER_CHUNK: u64 = 1000;

/// Ids are integers: any other text names no report, so it is a 404 like an unknown id.
fn report_id(text: &str) -> Result<ReportId, ApiError> {
    text.parse().map(ReportId).map_err(|_| ApiError::not_found("report"))
}

/// Request a report. It is generated in the background; poll the `Location`.
#[utoipa::path(
    post,
    path = "/api/reports",
    tag = "reports",
    request_body = NewReportRequest,
    security(("Token" = [])),
    responses(
        (status = 202, description = "Queued; `Location` names the report", body = ReportResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Site-wide report without the admin role", body = ErrorBody),
        (status = 422, description = "Unknown kind or scope, bad or reversed dates, range too long", body = ErrorBody),
        (status = 429, description = "The caller already has `reports.max_pending_per_user` reports queued or running; `Retry-After` says when to try again", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying"))),
    )
)]
pub async fn create_report(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiJson(request): ApiJson<NewReportRequest>,
) -> Result<Response, ApiError> {
    let dto = request.report;
    let input = RequestReportInput { kind: dto.kind, scope: dto.scope, from: dto.from, to: dto.to };
    let report = realworld.reports.request(auth.id, input).await?;
    let location = HeaderValue::from_str(&format!("/api/reports/{}", report.id.0))
        .map_err(|e| ApiError::internal(anyhow::anyhow!("location header: {e}")))?;
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(ReportResponse { report: report.into() }))
        .into_response())
}

/// The caller's reports, newest first.
#[utoipa::path(
    get,
    path = "/api/reports",
    tag = "reports",
    params(ReportListQuery),
    security(("Token" = [])),
    responses(
        (status = 200, description = "A page of reports", body = ReportsResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 422, description = "Invalid limit or offset", body = ErrorBody),
    )
)]
pub async fn list_reports(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<ReportListQuery>,
) -> Result<Json<ReportsResponse>, ApiError> {
    let page = Page::parse(query.limit.as_deref(), query.offset.as_deref()).map_err(|field_errors| {
        let mut errors = ValidationErrors::new();
        field_errors.into_iter().for_each(|error| errors.push(error));
        ApiError::from(errors)
    })?;
    let (reports, total) = realworld.reports.list(auth.id, u64::from(page.limit()), page.offset()).await?;
    Ok(Json(ReportsResponse { reports: reports.into_iter().map(Into::into).collect(), reports_count: total }))
}

/// A report's status, progress, attempts, error and (once done) summary.
#[utoipa::path(
    get,
    path = "/api/reports/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "Id of the report")),
    security(("Token" = [])),
    responses(
        (status = 200, description = "The report", body = ReportResponse),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such report, or another user's", body = ErrorBody),
    )
)]
pub async fn get_report(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReportResponse>, ApiError> {
    let report = realworld.reports.get(auth.id, report_id(&id)?).await?;
    Ok(Json(ReportResponse { report: report.into() }))
}

/// The report's CSV, streamed from storage in chunks (never built in memory).
#[utoipa::path(
    get,
    path = "/api/reports/{id}/download",
    tag = "reports",
    params(("id" = i64, Path, description = "Id of the report")),
    security(("Token" = [])),
    responses(
        (status = 200, description = "The CSV, one line per author", content_type = "text/csv", body = String),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 404, description = "No such report, or another user's", body = ErrorBody),
        (status = 409, description = "Not generated (yet)", body = ErrorBody),
    )
)]
pub async fn download_report(
    State(realworld): State<RealWorld>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let report = match realworld.reports.download(auth.id, report_id(&id)?).await? {
        Download::Ready(report) => report,
        Download::NotReady(report) => {
            let message = format!("is not ready (status: {})", report.status.as_str());
            return Err(ApiError::new(StatusCode::CONFLICT, "report", message));
        }
    };
    let id = report.id;
    let reports = realworld.reports.clone();
    // State: the last line number sent, or None once the lines ran out.
    // `fuse`: the compression layer polls once more after the end, which a bare `unfold`
    // answers with a panic (caught as a cut-off body) instead of `None`.
    let chunks = futures::stream::unfold(Some(0_i64), move |after| {
        let reports = reports.clone();
        async move {
            let after = after?;
            match reports.result_lines(id, after, LINES_PER_CHUNK).await {
                Ok(lines) if lines.is_empty() => None,
                Ok(lines) => {
                    let next = lines.last().map(|l| l.seq);
                    let mut chunk = String::with_capacity(lines.iter().map(|l| l.line.len() + 1).sum());
                    for line in &lines {
                        chunk.push_str(&line.line);
                        chunk.push('\n');
                    }
                    let more = lines.len() as u64 == LINES_PER_CHUNK;
                    Some((Ok(Bytes::from(chunk)), next.filter(|_| more)))
                }
                Err(e) => {
                    // Headers are gone already: the client sees a cut-off body.
                    tracing::error!(report = id.0, "report download failed mid-stream: {e}");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    })
    .fuse();
    let disposition = format!("attachment; filename=\"report-{}.csv\"", id.0);
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        Body::from_stream(chunks),
    )
        .into_response())
}
