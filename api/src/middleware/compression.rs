//! Response compression (gzip, brotli) negotiated with `Accept-Encoding`.

use axum::body::HttpBody;
use axum::http::{Response, header};
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, DefaultPredicate};

/// Content types that are compressed already: compressing them again costs CPU for no gain.
const ALREADY_COMPRESSED: &[&str] = &[
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "application/zstd",
    "application/x-bzip2",
    "application/x-7z-compressed",
    "font/woff2",
    "video/",
    "audio/",
];

/// What is worth compressing: at least `min_bytes` (bodies of unknown length count as
/// large), not images (SVG excepted), gRPC, server-sent events or compressed formats.
#[derive(Debug, Clone, Copy)]
pub struct Compressible {
    min_bytes: u64,
}

impl Compressible {
    pub fn new(min_bytes: u16) -> Self {
        Self { min_bytes: min_bytes.into() }
    }
}

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &Response<B>) -> bool
    where
        B: HttpBody,
    {
        let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        DefaultPredicate::new().should_compress(response)
            && SizeAbove::new(self.min_bytes).should_compress(response)
            && !ALREADY_COMPRESSED.iter().any(|compressed| content_type.starts_with(compressed))
    }
}

/// gzip and brotli, whichever the client prefers, for [`Compressible`] responses.
pub fn layer(min_bytes: u16) -> CompressionLayer<Compressible> {
    CompressionLayer::new().gzip(true).br(true).compress_when(Compressible::new(min_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn response(content_type: &str, size: usize) -> Response<Body> {
        Response::builder()
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(vec![b'a'; size]))
            .unwrap_or_default()
    }

    #[test]
    fn large_text_is_compressed_and_small_or_compressed_bodies_are_not() {
        let predicate = Compressible::new(1024);
        assert!(predicate.should_compress(&response("application/json", 1024)));
        assert!(!predicate.should_compress(&response("application/json", 1023)));
        assert!(!predicate.should_compress(&response("application/gzip", 4096)));
        assert!(!predicate.should_compress(&response("application/zip", 4096)));
        assert!(!predicate.should_compress(&response("image/png", 4096)));
        assert!(predicate.should_compress(&response("image/svg+xml", 4096)));
    }
}
