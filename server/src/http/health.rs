//! `GET /healthz` (the process answers) and `GET /readyz` (the database
//! answers, every migration this build knows is applied, and the server is
//! not shutting down): small JSON for a load balancer, never the SPA.
//! Readiness turns false at the start of a graceful shutdown, while the
//! server still serves what is in flight.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

pub async fn readyz(State(app): State<AppState>) -> (StatusCode, Json<Value>) {
    let not_ready = |reason: &str| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "not_ready", "reason": reason})),
        )
    };
    if app.shutting_down.load(Ordering::Relaxed) {
        return not_ready("shutting_down");
    }
    match app.storage.migrations_applied().await {
        Ok(applied) if applied >= *crate::db::MIGRATIONS => {
            (StatusCode::OK, Json(json!({"status": "ready"})))
        }
        Ok(_) => not_ready("migrations_pending"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database");
            not_ready("database")
        }
    }
}
