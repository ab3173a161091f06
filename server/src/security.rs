//! Security middleware: who the client is (trusted proxies), security headers with a per-request
//! CSP nonce, rate limits per client address, body limits, and the 400 for malformed arguments.
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::LANG_COOKIE;
use app::ssr::throttle::ClientAddr;
use app::tr;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use app::public_paths::is_guest_path;

/// Request bodies larger than this are refused, except on `LARGE_BODY_PATHS`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The CSV import sends whole files as JSON text.
pub const MAX_IMPORT_BODY_BYTES: usize = 12 * 1024 * 1024;
/// The only endpoints that accept `MAX_IMPORT_BODY_BYTES`.
pub const LARGE_BODY_PATHS: [&str; 2] = ["/api/preview_import", "/api/start_import"];

/// Sign-in attempts per client address and minute (on top of the failed-sign-in throttle, which
/// stops guessing; this stops floods of Argon2 work). Generous enough for an office behind one
/// address and for the end-to-end suite.
pub const SIGN_IN_PER_MINUTE: u32 = 30;
/// Requests per client address and minute on the public (guest) pages and endpoints.
pub const GUEST_PER_MINUTE: u32 = 60;
/// Addresses a rate limiter remembers before it forgets the idle ones (and, failing that, all).
pub const MAX_TRACKED_ADDRESSES: usize = 100_000;

/// The nonce of this request's Content-Security-Policy, for the inline scripts Leptos renders.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// Proxies whose `X-Forwarded-For` is believed: addresses or CIDR ranges.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.1, 10.1.0.0/16, ::1`; an entry that is neither is an error.
    pub fn parse(entries: &[String]) -> Result<TrustedProxies, String> {
        let mut ranges = Vec::new();
        for entry in entries
            .iter()
            .flat_map(|e| e.split(','))
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (addr, bits) = match entry.split_once('/') {
                Some((addr, bits)) => (addr, Some(bits)),
                None => (entry, None),
            };
            let addr: IpAddr = addr
                .parse()
                .map_err(|_| format!("trusted proxy {entry:?} is not an address or range"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(bits) => bits
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("trusted proxy {entry:?} has a bad prefix length"))?,
                None => max,
            };
            ranges.push((addr, bits));
        }
        Ok(TrustedProxies(ranges))
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0
            .iter()
            .any(|(net, bits)| match (canonical(*net), addr) {
                (IpAddr::V4(net), IpAddr::V4(a)) => prefix_eq(&net.octets(), &a.octets(), *bits),
                (IpAddr::V6(net), IpAddr::V6(a)) => prefix_eq(&net.octets(), &a.octets(), *bits),
                _ => false,
            })
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = (bits / 8) as usize;
    if a[..full] != b[..full] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[full] & mask == b[full] & mask
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) count as the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client's address: the peer, or — only when the peer is a trusted proxy — the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let peer = canonical(peer.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)));
    let Some(forwarded) = forwarded_for.filter(|_| trusted.contains(peer)) else {
        return peer;
    };
    let mut client = peer;
    for hop in forwarded.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(addr) => {
                client = canonical(addr);
                if !trusted.contains(client) {
                    break;
                }
            }
            // a hop we cannot read: trust nothing left of it
            Err(_) => break,
        }
    }
    client
}

/// What the security middleware needs to know about this deployment.
#[derive(Clone)]
pub struct SecurityPolicy {
    pub trusted_proxies: TrustedProxies,
    /// Send `Strict-Transport-Security` (the public URL is https).
    pub hsts: bool,
    pub limits: Arc<RateLimits>,
}

/// Resolves the client address, provides a fresh CSP nonce, and sets the security headers on
/// every response.
pub async fn security_headers(
    State(policy): State<SecurityPolicy>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let client = client_address(peer, forwarded, &policy.trusted_proxies);
    req.extensions_mut().insert(ClientAddr(client));
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));

    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // a handler that set its own (stricter) policy keeps it: the outbox's mail view
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin` everywhere: a personal link never reaches another site in a Referer (the
    // video, Google Calendar), while a guest page's plain form post carries its Origin and
    // Referer to us, which the Origin check and the no-JavaScript redirect back need (guest pages
    // load no WebAssembly)
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// 128 random bits, hex: a fresh nonce per response.
fn new_nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Scripts only from this origin or carrying this response's nonce (the hydration script and
/// the serialised resources); WebAssembly may compile. Style sheets only from this origin;
/// `style` attributes (progress bars' widths) are allowed, `<style>` elements are not.
pub fn content_security_policy(nonce: &str) -> String {
    // `cargo leptos watch` reloads the page over a WebSocket on another port
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        " ws: wss:"
    } else {
        ""
    };
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Hands the request's CSP nonce to Leptos, so `HydrationScripts` and the resource scripts
/// carry the nonce that the header names. Call it in every context closure that renders.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

type Limiter = DefaultKeyedRateLimiter<IpAddr>;

/// One keyed rate limiter (governor: GCRA, lock-free per key) that stays bounded: idle
/// addresses are forgotten when it grows past `MAX_TRACKED_ADDRESSES`, and if that is not
/// enough it starts afresh.
pub struct BoundedLimiter {
    quota: Quota,
    limiter: RwLock<Arc<Limiter>>,
}

impl BoundedLimiter {
    pub fn per_minute(per_minute: u32) -> BoundedLimiter {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).expect("not zero"));
        BoundedLimiter {
            quota,
            limiter: RwLock::new(Arc::new(RateLimiter::keyed(quota))),
        }
    }

    /// `Err(wait)` when `addr` has used up its quota.
    pub fn check(&self, addr: IpAddr) -> Result<(), Duration> {
        let limiter = self
            .limiter
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if limiter.len() >= MAX_TRACKED_ADDRESSES {
            limiter.retain_recent();
            if limiter.len() >= MAX_TRACKED_ADDRESSES {
                tracing::warn!("rate limiter full: starting afresh");
                *self.limiter.write().unwrap_or_else(PoisonError::into_inner) =
                    Arc::new(RateLimiter::keyed(self.quota));
            }
        }
        limiter
            .check_key(&rate_key(addr))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets addresses whose quota is full again.
    pub fn purge(&self) {
        let limiter = self
            .limiter
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.limiter
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// IPv6 clients are limited per /64 (one household or server gets a whole /64).
fn rate_key(addr: IpAddr) -> IpAddr {
    match canonical(addr) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// The rate limits of this server.
pub struct RateLimits {
    pub sign_in: BoundedLimiter,
    pub guest: BoundedLimiter,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            sign_in: BoundedLimiter::per_minute(SIGN_IN_PER_MINUTE),
            guest: BoundedLimiter::per_minute(GUEST_PER_MINUTE),
        }
    }
}

impl RateLimits {
    pub fn purge(&self) {
        self.sign_in.purge();
        self.guest.purge();
    }
}

/// Limits sign-in posts and every guest request per client address; answers 429 with
/// `Retry-After`.
pub async fn rate_limit(
    State(policy): State<SecurityPolicy>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let limiter = if req.method() == Method::POST && path == "/api/login" {
        Some(&policy.limits.sign_in)
    } else if is_guest_path(path) {
        Some(&policy.limits.guest)
    } else {
        None
    };
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .map(|c| c.0)
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if let Some(Err(wait)) = limiter.map(|l| l.check(client)) {
        tracing::info!(%client, path, "rate limited");
        return too_many_requests(&req, wait);
    }
    next.run(req).await
}

fn wants_html(req: &Request) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !req.uri().path().starts_with("/api/") || accept.contains("text/html")
}

fn request_lang(req: &Request) -> Lang {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == LANG_COOKIE)
        .and_then(|(_, value)| Lang::parse(value))
        .unwrap_or(Lang::En)
}

/// 429 with `Retry-After`: a small page for browsers, the app's error as JSON for scripts.
pub fn too_many_requests(req: &Request, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let lang = request_lang(req);
    let retry = [(header::RETRY_AFTER, seconds.to_string())];
    if wants_html(req) {
        let html = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/tandem.css\"></head>\
             <body><main class=\"container\"><section class=\"card\"><h1>{title}</h1>\
             <p>{body}</p><p>{retry_text} {seconds}</p></section></main></body></html>",
            lang = lang.as_str(),
            title = tr!(lang, "limit-title"),
            body = tr!(lang, "limit-body"),
            retry_text = tr!(lang, "limit-retry"),
        );
        (
            StatusCode::TOO_MANY_REQUESTS,
            retry,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8".to_string())],
            html,
        )
            .into_response()
    } else {
        let error = AppError::TooManyRequests(app::msg!("limit-api", seconds = seconds));
        (
            StatusCode::TOO_MANY_REQUESTS,
            retry,
            [(header::CONTENT_TYPE, "application/json".to_string())],
            serde_json::to_string(&error).unwrap_or_default(),
        )
            .into_response()
    }
}

/// Refuses bodies over the limit of their path with 413 before anything reads them (a declared
/// `Content-Length`); a streamed body is cut off at the limit, which the reader sees as an error.
/// axum's `DefaultBodyLimit` is set to the import's limit, the largest.
pub async fn body_limit(req: Request, next: Next) -> Response {
    let limit = body_limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The request is too large (at most {} KB here).",
                limit / 1024
            ),
        )
            .into_response();
    }
    let req = if limit < MAX_IMPORT_BODY_BYTES {
        let (parts, body) = req.into_parts();
        Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, limit)))
    } else {
        req
    };
    next.run(req).await
}

pub fn body_limit_for(path: &str) -> usize {
    if LARGE_BODY_PATHS.contains(&path) {
        MAX_IMPORT_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

/// Gives a server function's error response its real status. server_fn answers every error it
/// meets before the function runs (arguments that do not decode) with 500; the body is then an
/// `AppError` that knows better (`BadRequest` → 400).
pub async fn server_fn_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if is_api {
        server_fn_status(response).await
    } else {
        response
    }
}

async fn server_fn_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8, ::1".to_string()]).unwrap();
        let untrusted_peer = client_address(Some(ip("203.0.113.5")), Some("1.2.3.4"), &trusted);
        assert_eq!(untrusted_peer, ip("203.0.113.5"));
        let via_proxy = client_address(Some(ip("10.0.0.2")), Some("1.2.3.4"), &trusted);
        assert_eq!(via_proxy, ip("1.2.3.4"));
        // a client cannot plant an address to the left of the real one
        let planted = client_address(
            Some(ip("10.0.0.2")),
            Some("6.6.6.6, 1.2.3.4, 10.0.0.9"),
            &trusted,
        );
        assert_eq!(planted, ip("1.2.3.4"));
        let none_configured = client_address(
            Some(ip("127.0.0.1")),
            Some("1.2.3.4"),
            &TrustedProxies::default(),
        );
        assert_eq!(none_configured, ip("127.0.0.1"));
        assert!(TrustedProxies::parse(&["not-an-address".into()]).is_err());
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
    }

    #[test]
    fn a_rate_limiter_refuses_past_its_quota_with_a_wait() {
        let limiter = BoundedLimiter::per_minute(3);
        for _ in 0..3 {
            assert!(limiter.check(ip("1.2.3.4")).is_ok());
        }
        let wait = limiter.check(ip("1.2.3.4")).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.check(ip("5.6.7.8")).is_ok());
    }

    #[test]
    fn ipv6_clients_share_a_quota_per_64() {
        let limiter = BoundedLimiter::per_minute(1);
        assert!(limiter.check(ip("2001:db8::1")).is_ok());
        assert!(limiter.check(ip("2001:db8::2")).is_err());
        assert!(limiter.check(ip("2001:db8:0:1::1")).is_ok());
    }

    #[test]
    fn only_the_import_endpoints_take_large_bodies() {
        assert_eq!(body_limit_for("/api/preview_import"), MAX_IMPORT_BODY_BYTES);
        assert_eq!(body_limit_for("/api/start_import"), MAX_IMPORT_BODY_BYTES);
        assert_eq!(body_limit_for("/api/create_contact"), MAX_BODY_BYTES);
        assert_eq!(body_limit_for("/events/1"), MAX_BODY_BYTES);
    }

    #[test]
    fn the_policy_allows_scripts_only_from_here_or_with_the_nonce() {
        let csp = content_security_policy("abc123");
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
