//! Report bodies: the request, a report's status, and a page of reports.

use domain::realworld::Report;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `{"report": {...}}` of `POST /api/reports`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReportRequest {
    pub report: NewReportDto,
}

/// Every field is optional text so a missing one is a 422 naming the field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"kind": "activity", "scope": "own", "from": "2026-01-01", "to": "2026-12-31"}))]
pub struct NewReportDto {
    /// `activity`.
    #[schema(required = true, nullable = false, pattern = "^activity$")]
    pub kind: Option<String>,
    /// `own` (your articles) or `site` (every author; admins only).
    #[schema(required = true, nullable = false, pattern = "^(own|site)$")]
    pub scope: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    #[schema(required = true, nullable = false, format = Date)]
    pub from: Option<String>,
    /// Last day, inclusive; not before `from`, at most `reports.max_range_days` after it.
    #[schema(required = true, nullable = false, format = Date)]
    pub to: Option<String>,
}

/// A report and where its generation stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportDto {
    pub id: i64,
    pub kind: String,
    pub scope: String,
    pub from: String,
    pub to: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub status: String,
    /// Percent done.
    pub progress: u8,
    /// Generation attempts so far (retries and crash recoveries included).
    pub attempts: u32,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Totals and top tags, once succeeded.
    #[schema(value_type = Option<Object>)]
    pub summary: Option<serde_json::Value>,
    /// Where the CSV is, once succeeded.
    pub download_url: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl From<Report> for ReportDto {
    fn from(report: Report) -> Self {
        let succeeded = report.status == domain::realworld::ReportStatus::Succeeded;
        Self {
            id: report.id.0,
            kind: report.kind.as_str().to_owned(),
            scope: report.scope.as_str().to_owned(),
            from: report.range.from().to_string(),
            to: report.range.to().to_string(),
            status: report.status.as_str().to_owned(),
            progress: report.progress,
            attempts: report.attempts,
            error: report.error,
            summary: report.summary.and_then(|s| serde_json::from_str(&s).ok()),
            download_url: succeeded.then(|| format!("/api/reports/{}/download", report.id.0)),
            created_at: report.created_at.to_rfc3339_millis(),
            updated_at: report.updated_at.to_rfc3339_millis(),
            started_at: report.started_at.map(|t| t.to_rfc3339_millis()),
            finished_at: report.finished_at.map(|t| t.to_rfc3339_millis()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResponse {
    pub report: ReportDto,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportsResponse {
    pub reports: Vec<ReportDto>,
    pub reports_count: u64,
}

/// `limit` and `offset` as text, so bad values are 422s naming the parameter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportListQuery {
    /// Page size, 20 by default; larger values (up to the int64 bound) are clamped to 100.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_i64)]
    pub limit: Option<String>,
    /// Reports to skip, 0 by default.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_i64)]
    pub offset: Option<String>,
}
