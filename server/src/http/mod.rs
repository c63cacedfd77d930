//! What every response shares: the security headers (`security`),
//! admission control (`admission`), the few pages the server renders
//! itself (`pages`), health and readiness (`health`), and the SPA's files
//! with the routes around them.

pub mod admission;
pub mod health;
pub mod institution;
pub mod pages;
pub mod request_id;
pub mod security;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{any, get};
use renkei_shared::ErrorCode;
use tower_http::services::{ServeDir, ServeFile};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The documented routes every listener of the customer's service has:
/// the institution's profile, health and readiness.
pub fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(institution::institution))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
}

/// The plumbing around them (not part of the contract): the pages' CSS,
/// the contract itself (`openapi_json`, rendered once), `/metrics` when
/// served here (`metrics`: not when it has its own listener), and the
/// plain 404s.
pub fn router(demo: bool, metrics: bool, openapi_json: String) -> Router<AppState> {
    // Rendered once; each answer shares the bytes (no copy per request).
    let openapi_json = axum::body::Bytes::from(openapi_json);
    let mut router = Router::new()
        .route(pages::PAGES_CSS_PATH, get(pages::pages_css))
        .route(
            "/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    openapi_json.clone(),
                )
            }),
        )
        // Unknown API paths answer JSON, not the SPA's index.html.
        .route("/api/{*rest}", any(api_not_found));
    router = if metrics {
        router.route("/metrics", get(crate::telemetry::render))
    } else {
        router.route("/metrics", any(not_found))
    };
    if !demo {
        // Without the demo app, /demo is nobody's page: a plain 404, not
        // the SPA's not-found screen.
        router = router
            .route("/demo", any(not_found))
            .route("/demo/{*rest}", any(not_found));
    }
    router
}

/// The SPA: its files, or index.html for its routes — each sent as the
/// `.br` or `.gz` copy the build wrote beside it when the browser accepts
/// one (`scripts/compress.sh`).
pub fn spa(dist: &std::path::Path) -> ServeDir<ServeFile> {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index)
}

/// Caching of the SPA's files: a file whose name carries Trunk's content
/// hash never changes, so browsers keep it a year without asking; anything
/// else (index.html, the SPA's routes, the static pages) is checked again
/// every time, so a deploy is seen at once. API answers set their own
/// (`no-store`).
pub async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    // Tokens (RFC 6749 §5.1), balances, flow answers and the console's
    // answers (account views, the staff list, the CSRF token) must never
    // be stored — errors included. Decided on the routed path: this runs
    // after `tenancy::address` took a union's prefix off.
    let never_stored = is_api_path(req.uri().path());
    let mut resp = next.run(req).await;
    if never_stored {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return resp;
    }
    if resp.status().is_success() && !resp.headers().contains_key(header::CACHE_CONTROL) {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    resp
}

/// An API answer (JSON of the flow, OAuth, discovery, accounts, the
/// carrier's webhook, the console), as the routed path says.
pub fn is_api_path(path: &str) -> bool {
    [
        "/api/",
        "/oauth/",
        "/.well-known/",
        "/staff/api/",
        "/telephony/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// `name-<16 hex digits>[_bg].ext`, as Trunk names what it hashes.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn api_not_found() -> AppError {
    AppError::Code(ErrorCode::NotFound)
}

async fn not_found() -> axum::http::StatusCode {
    axum::http::StatusCode::NOT_FOUND
}

/// With `RENKEI_NOW` (demo and tests) the server's clock is not the host's:
/// its answers' `Date` then says the server's own time, as RFC 9110 §6.6.1
/// has it, so a client that corrects its clock by `Date` (an app signing
/// assertions and DPoP proofs) agrees with the server. Otherwise hyper's
/// own `Date` stands (the same time).
pub async fn server_date(
    axum::extract::State(app): axum::extract::State<crate::state::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    if app.config.now.is_some()
        && let Ok(text) =
            jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&app.clock.now())
        && let Ok(v) = HeaderValue::from_str(&text)
    {
        resp.headers_mut().insert(header::DATE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunks_hashed_names_are_recognised() {
        assert!(is_hashed_asset("/renkei-app-29a9379f91212ce6_bg.wasm"));
        assert!(is_hashed_asset("/renkei-app-29a9379f91212ce6.js"));
        assert!(is_hashed_asset("/main-a582b5de5a699715.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/flow/account"));
        assert!(!is_hashed_asset("/public/terms.html"));
        assert!(!is_hashed_asset("/main-a582b5de5a69971.css"));
    }
}
