//! The opaque `cursor` of keyset pagination: base64url of `<created_at ms>.<id>`.
//!
//! Opaque so clients pass it back unchanged and the encoding can change; never trusted:
//! a cursor that does not decode to a valid position is a 422 on `cursor`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use domain::realworld::{ArticleId, Cursor};
use domain::{FieldError, Timestamp};

/// Longest cursor accepted (a real one is about 30 characters).
const MAX_LEN: usize = 64;

pub fn encode(cursor: Cursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}", cursor.created_at.as_datetime().timestamp_millis(), cursor.id.0))
}

/// # Errors
/// Anything that is not a cursor this API produced (shape-wise).
pub fn decode(text: &str) -> Result<Cursor, FieldError> {
    let invalid = || FieldError::new("cursor", "is invalid");
    if text.len() > MAX_LEN {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
    let plain = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    let (millis, id) = plain.split_once('.').ok_or_else(invalid)?;
    let millis: i64 = millis.parse().map_err(|_| invalid())?;
    let id: i64 = id.parse().map_err(|_| invalid())?;
    let at = DateTime::from_timestamp_millis(millis).ok_or_else(invalid)?;
    if id <= 0 {
        return Err(invalid());
    }
    Ok(Cursor { created_at: Timestamp::new(at), id: ArticleId(id) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip() {
        let at = DateTime::from_timestamp_millis(1_700_000_000_123).map(Timestamp::new).expect("valid");
        let cursor = Cursor { created_at: at, id: ArticleId(42) };
        assert_eq!(decode(&encode(cursor)), Ok(cursor));
    }

    #[test]
    fn anything_else_is_invalid_on_the_cursor_field() {
        for bad in [
            "",
            "!!!",
            "bm90LWEtY3Vyc29y",
            &URL_SAFE_NO_PAD.encode("1.-5"),
            &URL_SAFE_NO_PAD.encode("x.1"),
            &"A".repeat(100),
        ] {
            assert_eq!(decode(bad).map_err(|e| e.field), Err("cursor"), "{bad}");
        }
    }
}
