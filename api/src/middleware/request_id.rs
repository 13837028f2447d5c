//! `X-Request-Id`: kept from the request when the client (or a proxy) sent a usable one,
//! generated (UUID v4) otherwise, and returned on every response.

use axum::http::{HeaderName, Request};
use tower_http::request_id::{MakeRequestId, RequestId};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id kept; longer (or non-printable) ones are replaced, so a client
/// cannot push arbitrary data into every log line.
const MAX_LEN: usize = 128;

/// Generates a UUID v4 when the request has no acceptable id.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        uuid::Uuid::new_v4().to_string().parse().ok().map(RequestId::new)
    }
}

/// Whether an incoming id is short and made of visible ASCII only.
pub fn acceptable(value: &[u8]) -> bool {
    !value.is_empty() && value.len() <= MAX_LEN && value.iter().all(|b| b.is_ascii_graphic())
}

/// Drops an unacceptable incoming id, so [`MakeId`] replaces it.
pub async fn sanitize(mut request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    if request.headers().get(&HEADER).is_some_and(|v| !acceptable(v.as_bytes())) {
        request.headers_mut().remove(&HEADER);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_short_printable_ids_are_kept() {
        assert!(acceptable(b"abc-123"));
        assert!(!acceptable(b""));
        assert!(!acceptable(b"with space"));
        assert!(!acceptable(&[b'a'; 129]));
    }
}
