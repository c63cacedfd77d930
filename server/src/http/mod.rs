//! What every response shares: the security headers (`security`),
//! admission control (`admission`), the few pages the server renders
//! itself (`pages`), and the SPA's files with the routes around them.

pub mod admission;
pub mod pages;
pub mod security;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::routing::{any, get};
use renkei_shared::ErrorCode;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(demo: bool) -> Router<AppState> {
    let mut router = Router::new()
        .route(pages::PAGES_CSS_PATH, get(pages::pages_css))
        // Unknown API paths answer JSON, not the SPA's index.html.
        .route("/api/{*rest}", any(api_not_found));
    if !demo {
        // Without the demo app, /demo is nobody's page: a plain 404, not
        // the SPA's not-found screen.
        router = router
            .route("/demo", any(not_found))
            .route("/demo/{*rest}", any(not_found));
    }
    router
}

/// The SPA: its files, or index.html for its routes.
pub fn spa(dist: &std::path::Path) -> ServeDir<ServeFile> {
    ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")))
}

async fn api_not_found() -> AppError {
    AppError::Code(ErrorCode::NotFound)
}

async fn not_found() -> axum::http::StatusCode {
    axum::http::StatusCode::NOT_FOUND
}
