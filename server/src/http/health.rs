//! `GET /healthz` (the process answers) and `GET /readyz` (the database
//! answers, every migration this build knows is applied, and the server is
//! not shutting down): small JSON for a load balancer, never the SPA.
//! Readiness turns false at the start of a graceful shutdown, while the
//! server still serves what is in flight.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use renkei_shared::api::Health;
use std::sync::atomic::Ordering;

#[utoipa::path(
    get,
    path = renkei_shared::api::HEALTHZ_PATH,
    tag = "operations",
    description = "The process is alive.",
    responses((status = 200, description = "Alive", body = renkei_shared::api::Health))
)]
pub async fn healthz() -> Json<Health> {
    Json(health("ok", None))
}

fn health(status: &str, reason: Option<&str>) -> Health {
    Health {
        status: status.into(),
        reason: reason.map(Into::into),
    }
}

#[utoipa::path(
    get,
    path = renkei_shared::api::READYZ_PATH,
    tag = "operations",
    description = "Ready for traffic: database reachable, migrations applied, not shutting down.",
    responses(
        (status = 200, description = "Ready", body = renkei_shared::api::Health),
        (status = 503, description = "Not ready, and why", body = renkei_shared::api::Health)
    )
)]
pub async fn readyz(State(app): State<AppState>) -> (StatusCode, Json<Health>) {
    let not_ready = |reason: &str| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(health("not_ready", Some(reason))),
        )
    };
    if app.shutting_down.load(Ordering::Relaxed) {
        return not_ready("shutting_down");
    }
    match app.storage.migrations_applied().await {
        Ok(applied) if applied >= *crate::db::MIGRATIONS => {
            (StatusCode::OK, Json(health("ready", None)))
        }
        Ok(_) => not_ready("migrations_pending"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database");
            not_ready("database")
        }
    }
}
