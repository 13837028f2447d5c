//! The opaque `cursor` of keyset pagination: base64url of `<created_at ms>.<id>` for the
//! article lists, of `c<id>` for comments and of `t<name>` for tags.
//!
//! Opaque so clients pass it back unchanged and the encoding can change; never trusted:
//! a cursor that does not decode to a valid position is a 422 on `cursor`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use domain::realworld::{ArticleId, CommentId, Cursor, Tag};
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

/// `limit` of the comment and tag lists: absent or empty is the server's maximum, larger
/// values are clamped to it (by the service), `0` or anything but digits is refused.
///
/// # Errors
/// `limit` that is not a positive integer.
pub fn limit(raw: Option<&str>) -> Result<Option<u32>, FieldError> {
    // An empty `?limit=` is not an integer (the document says integer): refused.
    match raw {
        None => Ok(None),
        Some(raw) => match raw.parse::<u64>() {
            // Up to `i32::MAX`, the bound of the documented `int32`; the service clamps further.
            Ok(n @ 1..=0x7FFF_FFFF) => Ok(u32::try_from(n).ok()),
            Ok(_) | Err(_) => Err(FieldError::new("limit", "must be a positive integer")),
        },
    }
}

pub fn encode_comment(after: CommentId) -> String {
    URL_SAFE_NO_PAD.encode(format!("c{}", after.0))
}

/// # Errors
/// Anything that is not a comment cursor this API produced.
pub fn decode_comment(text: &str) -> Result<CommentId, FieldError> {
    let invalid = || FieldError::new("cursor", "is invalid");
    if text.len() > MAX_LEN {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
    let plain = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    let id: i64 = plain.strip_prefix('c').ok_or_else(invalid)?.parse().map_err(|_| invalid())?;
    if id <= 0 {
        return Err(invalid());
    }
    Ok(CommentId(id))
}

/// Longest tag cursor: `t` and a tag of `Tag::MAX_LEN` four-byte characters, in base64.
pub const MAX_TAG_LEN: usize = (1 + 4 * Tag::MAX_LEN).div_ceil(3) * 4;

pub fn encode_tag(after: &Tag) -> String {
    URL_SAFE_NO_PAD.encode(format!("t{}", after.as_str()))
}

/// # Errors
/// Anything that is not a tag cursor this API produced.
pub fn decode_tag(text: &str) -> Result<Tag, FieldError> {
    let invalid = || FieldError::new("cursor", "is invalid");
    if text.len() > MAX_TAG_LEN {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
    let plain = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    // A position between tags need not be a tag in use, but it must be one that could be.
    plain.strip_prefix('t').and_then(|name| Tag::parse(name).ok()).ok_or_else(invalid)
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
    fn comment_and_tag_cursors_survive_the_round_trip() {
        assert_eq!(decode_comment(&encode_comment(CommentId(7))), Ok(CommentId(7)));
        let tag = Tag::parse(&"\u{1F600}".repeat(Tag::MAX_LEN)).expect("tag");
        let text = encode_tag(&tag);
        assert!(text.len() <= MAX_TAG_LEN, "{}", text.len());
        assert_eq!(decode_tag(&text), Ok(tag));
        let article = encode(Cursor { created_at: tag_free_time(), id: ArticleId(1) });
        for bad in ["", "!!!", &URL_SAFE_NO_PAD.encode("c0"), &URL_SAFE_NO_PAD.encode("t5"), &article] {
            assert_eq!(decode_comment(bad).map_err(|e| e.field), Err("cursor"), "{bad}");
        }
        for bad in ["", "!!!", &URL_SAFE_NO_PAD.encode("t"), &URL_SAFE_NO_PAD.encode("c5"), &"A".repeat(400)] {
            assert_eq!(decode_tag(bad).map_err(|e| e.field), Err("cursor"), "{bad}");
        }
    }

    fn tag_free_time() -> Timestamp {
        DateTime::from_timestamp_millis(1).map(Timestamp::new).expect("valid")
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
