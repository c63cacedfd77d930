//! Every request's id: the `X-Request-Id` a trusted proxy sent (so one id
//! follows a request through the proxy's logs and ours), else a new one.
//! It is put on the request (its log span names it) and on the response.

use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;

pub const HEADER: &str = "x-request-id";

/// The request's id, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// An id from outside is kept only if it is short and plain (it goes into
/// logs and a header).
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

pub async fn request_id(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let from_proxy = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| app.config.trusted_proxies.contains(&c.0.ip()));
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| from_proxy && acceptable(id))
        .map(str::to_owned)
        .unwrap_or_else(|| crate::crypto::random_token()[..22].to_owned());
    req.extensions_mut().insert(RequestId(id.clone()));
    // At ERROR level so the span is on whenever any logging is: its id
    // must reach a warning even when RENKEI_LOG=warn filters info.
    let span = tracing::error_span!("request", request_id = %id);
    let mut resp = {
        let _enter = span.enter();
        tracing::debug!(method = %req.method(), path = req.uri().path(), "request");
        drop(_enter);
        tracing::Instrument::instrument(next.run(req), span).await
    };
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}
