//! Timestamps with the precision the API exposes (milliseconds, UTC).

use chrono::{DateTime, SubsecRound, Utc};

/// A UTC instant truncated to milliseconds, the precision of RealWorld's `createdAt`.
///
/// Truncating on construction means a value read back from any database equals the
/// value that was written, whatever precision the column has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(at.trunc_subsecs(3))
    }

    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// The next update time for a record last changed at `self`: `now`, or one
    /// millisecond after `self` if the clock has not moved on (so an update is always
    /// visible as a new `updatedAt`).
    pub fn next_update(self, now: Timestamp) -> Timestamp {
        if now > self { now } else { Timestamp(self.0 + chrono::Duration::milliseconds(1)) }
    }

    /// ISO 8601 with milliseconds and `Z`, e.g. `2016-02-18T03:22:56.637Z`.
    pub fn to_rfc3339_millis(&self) -> String {
        self.0.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self::new(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn is_truncated_to_milliseconds() {
        let at = Utc.timestamp_opt(1_700_000_000, 123_456_789).single().expect("valid time");
        assert_eq!(Timestamp::new(at).to_rfc3339_millis(), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn next_update_always_moves_forward() {
        let at = Timestamp::new(Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid time"));
        assert!(at.next_update(at) > at);
        let later = Timestamp::new(Utc.timestamp_opt(1_700_000_005, 0).single().expect("valid time"));
        assert_eq!(at.next_update(later), later);
    }
}
