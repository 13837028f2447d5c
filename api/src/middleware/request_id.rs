//! `X-Request-Id`: kept from the request when the client (or a proxy) sent a usable one,
//! generated (UUID v4) otherwise, and returned on every response.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use tower_http::request_id::{MakeRequestId, RequestId};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id kept; longer (or non-printable) ones are replaced, so a client
/// cannot push arbitrary data into every log line.
const MAX_LEN: usize = 128;

/// Generates a UUID v4 when the request has no acceptable id.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        Some(RequestId::new(new_id()))
    }
}

/// A random UUID v4, hyphenated lower case. The bytes come from the thread-local CSPRNG
/// (no `getrandom` system call per request) and are formatted on the stack.
pub fn new_id() -> HeaderValue {
    let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut buffer = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = uuid.hyphenated().encode_lower(&mut buffer);
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// Whether an incoming id is short and made of visible ASCII only.
pub fn acceptable(value: &[u8]) -> bool {
    !value.is_empty() && value.len() <= MAX_LEN && value.iter().all(|b| b.is_ascii_graphic())
}

/// Drops an unacceptable incoming id, so [`MakeId`] replaces it. Synchronous (a plain
/// `map_request`), so it costs no boxed future.
pub fn sanitize(mut request: Request) -> Request {
    if request.headers().get(&HEADER).is_some_and(|v| !acceptable(v.as_bytes())) {
        request.headers_mut().remove(&HEADER);
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_printable_ids_are_kept() {
        assert!(acceptable(b"abc-123"));
        assert!(!acceptable(b""));
        assert!(!acceptable(b"with space"));
        assert!(!acceptable(&[b'a'; 129]));
    }

    #[test]
    fn generated_ids_are_distinct_uuid_v4() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        for id in [a, b] {
            let parsed = id.to_str().ok().and_then(|s| uuid::Uuid::parse_str(s).ok());
            assert_eq!(parsed.map(|u| u.get_version_num()), Some(4), "{id:?}");
            assert_eq!(id.len(), 36);
        }
    }
}
