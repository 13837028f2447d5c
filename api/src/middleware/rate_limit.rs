//! Rate limits per client IP, counted in fixed windows: a general limit on every route
//! except the operational ones, and a stricter one on login and registration.
//!
//! Counting happens in this process by default (the `local` counter the composition root
//! passes: the same bounded in-memory counter as the login throttle's). With a shared
//! [`WindowCounter`] (Redis) every instance counts in the same place; when it fails,
//! counting falls back to the local one (fail open: a Redis outage must not turn into an
//! API outage).

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use application::ports::{WindowCount, WindowCounter};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::observe::UNMATCHED_ROUTE;
use crate::error::ApiError;

/// Paths never limited: probes, metrics and documentation.
const EXEMPT_PREFIXES: &[&str] = &["/health", "/ready", "/metrics", "/docs", "/api-docs"];

/// The limits and where they are counted.
pub struct RateLimiter {
    window: Duration,
    general: u64,
    auth: u64,
    trust_forwarded_for: bool,
    /// IPv6 clients are counted per network of this prefix length (`/64` by default).
    ipv6_prefix: u8,
    /// Counts in this process; never fails (an in-memory counter).
    local: Arc<dyn WindowCounter>,
    shared: Option<Arc<dyn WindowCounter>>,
    /// Whether the shared counter is failing (so the switch is logged once each way).
    degraded: AtomicBool,
}

impl RateLimiter {
    pub fn new(
        window: Duration,
        general: u32,
        auth: u32,
        trust_forwarded_for: bool,
        ipv6_prefix: u8,
        local: Arc<dyn WindowCounter>,
        shared: Option<Arc<dyn WindowCounter>>,
    ) -> Self {
        crate::metrics::export_rate_limited();
        Self {
            window,
            general: general.into(),
            auth: auth.into(),
            trust_forwarded_for,
            ipv6_prefix: ipv6_prefix.min(128),
            local,
            shared,
            degraded: AtomicBool::new(false),
        }
    }

    async fn hit(&self, key: &str) -> WindowCount {
        if let Some(shared) = &self.shared {
            match shared.hit(key, self.window).await {
                Ok(count) => {
                    if self.degraded.swap(false, Ordering::Relaxed) {
                        tracing::info!("shared rate limit counter is back");
                    }
                    return count;
                }
                Err(e) => {
                    if !self.degraded.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %format!("{e:#}"), "shared rate limit counter failed: counting per instance");
                    }
                }
            }
        }
        match self.local.hit(key, self.window).await {
            Ok(count) => count,
            // Fail open, as above; an in-memory counter does not fail.
            Err(_) => WindowCount { count: 1, resets_in: self.window },
        }
    }
}

/// Whether `POST path` is a login or a registration.
fn is_auth(method: &Method, path: &str) -> bool {
    method == Method::POST && matches!(path.trim_end_matches('/'), "/api/users/login" | "/api/users")
}

fn is_exempt(path: &str) -> bool {
    EXEMPT_PREFIXES
        .iter()
        .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// The client's IP: the socket peer, or with `trust_forwarded_for` the last address in
/// `X-Forwarded-For` (the one the proxy in front of us added; earlier ones are whatever
/// the client claimed).
pub fn client_ip(headers: &HeaderMap, peer: Option<IpAddr>, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        // Only the rightmost entry: if it is unusable, an earlier one (set by the client)
        // must not be taken instead.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|part| part.trim().parse::<IpAddr>().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer
}

/// Appends the client's counting key to `key`: an IPv4 address as it is; an IPv6
/// address reduced to its network of `ipv6_prefix` bits (`2001:db8:1:2::/64`), because a
/// single subscriber usually holds a whole /64 and could otherwise take a fresh budget
/// per address. `128` keys every IPv6 address on its own. IPv4-mapped IPv6 addresses
/// (`::ffff:192.0.2.1`, from a dual-stack socket) count as the IPv4 address.
pub fn push_client_key(key: &mut String, ip: IpAddr, ipv6_prefix: u8) {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let _ = write!(key, "{v4}");
        }
        IpAddr::V6(v6) if ipv6_prefix >= 128 => {
            let _ = write!(key, "{v6}");
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(ipv6_prefix)).unwrap_or(0);
            let network = std::net::Ipv6Addr::from(v6.to_bits() & mask);
            let _ = write!(key, "{network}/{ipv6_prefix}");
        }
    }
}

pub async fn rate_limit(State(limiter): State<Arc<RateLimiter>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if is_exempt(path) {
        return next.run(request).await;
    }
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let ip = client_ip(request.headers(), peer, limiter.trust_forwarded_for);
    let auth = is_auth(request.method(), path).then_some(("auth", limiter.auth));
    // One key buffer for both buckets: `all:1.2.3.4`, then `auth:1.2.3.4` (IPv6:
    // `all:2001:db8::/64`).
    let mut key = String::with_capacity(48);
    for (bucket, limit) in std::iter::once(("all", limiter.general)).chain(auth) {
        key.clear();
        key.push_str(bucket);
        key.push(':');
        match ip {
            Some(ip) => push_client_key(&mut key, ip, limiter.ipv6_prefix),
            None => key.push_str("unknown"),
        }
        let count = limiter.hit(&key).await;
        if count.count > limit {
            // The route template, like the other HTTP metrics (bounded series).
            let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
            crate::metrics::rate_limited(route, bucket);
            return too_many_requests(count.resets_in);
        }
    }
    next.run(request).await
}

/// 429 with `Retry-After` in whole seconds (rounded up, at least 1).
fn too_many_requests(resets_in: Duration) -> Response {
    let seconds = resets_in.as_secs() + u64::from(resets_in.subsec_nanos() > 0);
    let mut response =
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limit", "too many requests, retry later").into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_key(ip: &str, ipv6_prefix: u8) -> String {
        let mut key = String::new();
        push_client_key(&mut key, ip.parse().expect("an address"), ipv6_prefix);
        key
    }

    #[test]
    fn two_ipv6_addresses_in_one_64_share_a_key_and_other_64s_do_not() {
        let a = client_key("2001:db8:1:2::1", 64);
        assert_eq!(a, client_key("2001:db8:1:2:ffff:ffff:ffff:fffe", 64));
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, client_key("2001:db8:1:3::1", 64), "a neighbouring /64 is another client");
        assert_ne!(a, client_key("2001:db9:1:2::1", 64));
    }

    #[test]
    fn the_ipv6_prefix_is_configurable_and_128_keys_the_exact_address() {
        assert_eq!(client_key("2001:db8:1:2::1", 48), client_key("2001:db8:1:ff::9", 48));
        assert_ne!(client_key("2001:db8:1:2::1", 128), client_key("2001:db8:1:2::2", 128));
        assert_eq!(client_key("2001:db8:1:2::1", 128), "2001:db8:1:2::1");
    }

    #[test]
    fn ipv4_keys_are_the_exact_address_also_when_mapped_into_ipv6() {
        assert_eq!(client_key("192.0.2.1", 64), "192.0.2.1");
        assert_ne!(client_key("192.0.2.1", 64), client_key("192.0.2.2", 64));
        assert_eq!(client_key("::ffff:192.0.2.1", 64), "192.0.2.1");
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted_and_its_last_hop_wins() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("1.1.1.1, 2.2.2.2"));
        let peer: Option<IpAddr> = "10.0.0.1".parse().ok();
        assert_eq!(client_ip(&headers, peer, false), peer);
        assert_eq!(client_ip(&headers, peer, true), "2.2.2.2".parse().ok());
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_ip(&headers, peer, true), peer);
        headers.insert("x-forwarded-for", HeaderValue::from_static("1.1.1.1, garbage"));
        assert_eq!(client_ip(&headers, peer, true), peer, "never an earlier, client-chosen entry");
    }

    #[test]
    fn operational_paths_are_exempt_and_auth_paths_are_stricter() {
        assert!(is_exempt("/health") && is_exempt("/docs/index.html") && is_exempt("/metrics"));
        assert!(!is_exempt("/api/articles") && !is_exempt("/healthz"));
        assert!(is_auth(&Method::POST, "/api/users/login") && is_auth(&Method::POST, "/api/users"));
        assert!(!is_auth(&Method::GET, "/api/users") && !is_auth(&Method::POST, "/api/articles"));
    }

    #[test]
    fn retry_after_is_rounded_up_to_whole_seconds() {
        let response = too_many_requests(Duration::from_millis(1200));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }
}
