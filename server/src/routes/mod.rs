//! The HTTP surface, one module per flow step, merged here.

pub mod account;
pub mod accounts;
pub mod authorize;
pub mod call;
pub mod consent;
pub mod customer;
pub mod demo;
pub mod flow;
pub mod metadata;
pub mod par;
pub mod phone;
pub mod pin;
pub mod telephony;
pub mod token;

use crate::error::AppError;
use crate::pages;
use crate::state::AppState;
use axum::Router;
use axum::routing::{any, get};
use renkei_shared::ErrorCode;

/// The scopes Renkei knows. One for now: 口座情報・明細情報へのアクセス.
pub const SCOPES: &[&str] = &["account_info"];

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(metadata::router())
        .merge(authorize::router())
        .merge(flow::router())
        .merge(account::router())
        .merge(customer::router())
        .merge(phone::router())
        .merge(call::router())
        .merge(pin::router())
        .merge(consent::router())
        .merge(token::router())
        .merge(par::router())
        .merge(accounts::router())
        .merge(telephony::router())
        .route(pages::PAGES_CSS_PATH, get(pages::pages_css))
        // Unknown API paths answer JSON, not the SPA's index.html.
        .route("/api/{*rest}", any(api_not_found))
}

async fn api_not_found() -> AppError {
    AppError::Code(ErrorCode::NotFound)
}
