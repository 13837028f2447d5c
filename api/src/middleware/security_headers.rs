//! Basic security headers on every response, unless a handler already set them.

use axum::http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything is same-origin; Swagger UI (`/docs`) loads its vendored scripts from us
/// and needs inline styles and `data:` images, so those are allowed and nothing else.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// `(name, value)` of every header added.
pub const HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("content-security-policy", CONTENT_SECURITY_POLICY),
];

/// One layer per header, as an array so the layers nest into one `ServiceBuilder` stack.
pub fn layers() -> [SetResponseHeaderLayer<HeaderValue>; HEADERS.len()] {
    HEADERS.map(|(name, value)| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    })
}
