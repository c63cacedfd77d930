//! The security headers every response carries (a strict CSP that allows
//! Trunk's inline loader by hash) and the flow cookie.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The flow cookie. `__Host-` prefixed and `Secure` when served over TLS;
/// always HttpOnly (script never sees it) and SameSite=Lax (sent on the
/// top-level navigation from the app, never on cross-site subrequests).
pub fn flow_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-renkei_flow"
    } else {
        "renkei_flow"
    }
}

/// A session cookie (no Max-Age): the server's own expiry on the flow
/// record is what counts, and closing the browser ends it too.
pub fn flow_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((flow_cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

/// Per-response security headers. The CSP allows only our own origin, plus
/// `'wasm-unsafe-eval'` to instantiate the SPA and the SHA-256 of each
/// inline script Trunk writes into index.html (computed at start-up, so no
/// `'unsafe-inline'`).
#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    /// Served over TLS (an `https` public URL): HSTS on every answer, so a
    /// browser never again tries the bank's address over plain HTTP.
    tls: bool,
}

impl SecurityHeaders {
    pub fn new(inline_script_hashes: &[String], tls: bool) -> Self {
        let hashes: String = inline_script_hashes
            .iter()
            .map(|h| format!(" 'sha256-{h}'"))
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        SecurityHeaders {
            csp: HeaderValue::from_str(&csp).unwrap_or_else(|_| {
                HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'")
            }),
            tls,
        }
    }
}

pub async fn security_headers(
    axum::extract::State(h): axum::extract::State<Arc<SecurityHeaders>>,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, h.csp.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    // Caching is decided on the routed path (`http::cache_control`, inside
    // `tenancy::address`); an answer made before routing (an unknown
    // union, a redirect, a timeout, admission) is never stored.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if h.tls {
        // Two years, the preload list's floor.
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    resp
}

/// SHA-256 (base64) of the body of every inline `<script>` in an HTML page.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            out.push(STANDARD.encode(Sha256::digest(body.as_bytes())));
        }
        rest = &rest[body_start + close..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_external_ones_not() {
        let html =
            r#"<script src="/a.js"></script><script type="module">import x from '/x.js';</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        assert_eq!(
            hashes[0],
            STANDARD.encode(Sha256::digest(b"import x from '/x.js';"))
        );
    }
}
