//! Reports: what a user may ask for (kind, scope, date range) and the life cycle of a
//! report job (queued, running, succeeded, failed).

use chrono::NaiveDate;

use crate::accounts::UserId;
use crate::error::{FieldError, ValidationErrors};
use crate::time::Timestamp;

/// Identifies a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReportId(pub i64);

/// What the report computes. Only the activity report exists today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// Per author: articles published, favorites, comments and followers gained; top tags.
    Activity,
}

impl ReportKind {
    /// # Errors
    /// An unknown kind, as a `kind` field error.
    pub fn parse(value: Option<&str>) -> Result<Self, FieldError> {
        match value.map(str::trim) {
            None | Some("") => Err(FieldError::blank("kind")),
            Some("activity") => Ok(Self::Activity),
            Some(_) => Err(FieldError::new("kind", "must be one of: activity")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activity => "activity",
        }
    }
}

/// Whose activity the report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// The requester's own articles.
    Own,
    /// Every author (admins only).
    Site,
}

impl ReportScope {
    /// # Errors
    /// An unknown scope, as a `scope` field error.
    pub fn parse(value: Option<&str>) -> Result<Self, FieldError> {
        match value.map(str::trim) {
            None | Some("") => Err(FieldError::blank("scope")),
            Some("own") => Ok(Self::Own),
            Some("site") => Ok(Self::Site),
            Some(_) => Err(FieldError::new("scope", "must be one of: own, site")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::Site => "site",
        }
    }
}

/// An inclusive range of calendar days (UTC), `from <= to`, at most a configured length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl DateRange {
    /// Parses `YYYY-MM-DD` dates; the range may span at most `max_days` days.
    ///
    /// # Errors
    /// Every problem found, by field: missing or malformed dates (`from`, `to`), a
    /// reversed or too long range (`to`).
    pub fn parse(from: Option<&str>, to: Option<&str>, max_days: u32) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let from = errors.check(parse_day("from", from));
        let to = errors.check(parse_day("to", to));
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.push(FieldError::new("to", "must not be before from"));
            } else if (to - from).num_days() + 1 > i64::from(max_days) {
                errors.push(FieldError::new("to", format!("range must not exceed {max_days} days")));
            } else {
                return Ok(Self { from, to });
            }
        }
        Err(errors)
    }

    /// A range read back from storage, already validated when it was requested.
    pub fn from_trusted(from: NaiveDate, to: NaiveDate) -> Self {
        Self { from, to }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Start of `from` (inclusive) and start of the day after `to` (exclusive), UTC.
    pub fn bounds(&self) -> (Timestamp, Timestamp) {
        let start = self.from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let end = self.to.succ_opt().unwrap_or(self.to).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        (Timestamp::new(start), Timestamp::new(end))
    }
}

fn parse_day(field: &'static str, value: Option<&str>) -> Result<NaiveDate, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Err(FieldError::blank(field)),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| FieldError::new(field, "must be a date in the form YYYY-MM-DD")),
    }
}

/// Where a report is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    /// # Errors
    /// A value no version of the service writes.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        match value {
            "queued" => Ok(Self::Queued),
            "running" => Ok(Self::Running),
            "succeeded" => Ok(Self::Succeeded),
            "failed" => Ok(Self::Failed),
            _ => Err(FieldError::new("status", "is unknown")),
        }
    }

    /// Succeeded or failed: no worker will touch the report again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

/// A report request and its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub owner: UserId,
    pub kind: ReportKind,
    pub scope: ReportScope,
    pub range: DateRange,
    pub status: ReportStatus,
    /// Percent done, 0..=100.
    pub progress: u8,
    /// Generation attempts started so far (a retry or a crash recovery adds one).
    pub attempts: u32,
    /// Why the last attempt failed (kept while a retry is pending, and when failed).
    pub error: Option<String>,
    /// JSON summary, present once succeeded.
    pub summary: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reversed_range_is_refused_on_to() {
        let err = DateRange::parse(Some("2026-02-01"), Some("2026-01-01"), 366).expect_err("reversed");
        assert_eq!(err.fields()["to"], ["must not be before from"]);
    }

    #[test]
    fn a_range_longer_than_the_limit_is_refused_and_the_limit_itself_accepted() {
        assert!(DateRange::parse(Some("2026-01-01"), Some("2026-01-31"), 31).is_ok());
        let err = DateRange::parse(Some("2026-01-01"), Some("2026-02-01"), 31).expect_err("32 days");
        assert_eq!(err.fields()["to"], ["range must not exceed 31 days"]);
    }

    #[test]
    fn malformed_dates_are_reported_per_field() {
        let err = DateRange::parse(Some("01/02/2026"), None, 31).expect_err("bad");
        assert_eq!(err.fields()["from"], ["must be a date in the form YYYY-MM-DD"]);
        assert_eq!(err.fields()["to"], ["can't be blank"]);
    }

    #[test]
    fn bounds_cover_whole_days() {
        let range = DateRange::parse(Some("2026-01-01"), Some("2026-01-01"), 1).expect("one day");
        let (start, end) = range.bounds();
        assert_eq!(start.to_rfc3339_millis(), "2026-01-01T00:00:00.000Z");
        assert_eq!(end.to_rfc3339_millis(), "2026-01-02T00:00:00.000Z");
    }

    #[test]
    fn kinds_and_scopes_parse_or_name_the_field() {
        assert_eq!(ReportKind::parse(Some("activity")), Ok(ReportKind::Activity));
        assert_eq!(ReportKind::parse(Some("sales")).expect_err("unknown").field, "kind");
        assert_eq!(ReportScope::parse(Some("site")), Ok(ReportScope::Site));
        assert_eq!(ReportScope::parse(Some("world")).expect_err("unknown").field, "scope");
    }
}
