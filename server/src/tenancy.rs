//! Which credit union a request is for (issue #22). Every union has its
//! own issuer, `{RENKEI_PUBLIC_URL}/institutions/{code}`, with every
//! endpoint and screen under it; the root URLs are the deployment's first
//! union's, as they always were. [`address`] (in front of the router) takes
//! the prefix off the URI — so one set of routes serves every union — and
//! notes whose the request is; [`Scoped`] (what a union's handlers take
//! instead of `State`) is the application state for that union: its
//! profile, issuer, records and part of the database, read per request, so
//! a union added or suspended at the command line counts at once on every
//! instance.

use crate::db::{FIRST_INSTITUTION, InstitutionRow, InstitutionState};
use crate::error::AppError;
use crate::records::port::Records;
use crate::state::{AppState, Institution};
use crate::telemetry::UnionCode;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use renkei_shared::ErrorCode;
use renkei_shared::api::{INSTITUTIONS_PREFIX, institution_of};
use renkei_shared::oauth::METADATA_PATH;

/// The union a request's URL named, as its row was when the request came
/// (none: the root URLs, the first union's).
#[derive(Clone, Debug)]
struct Addressed {
    row: InstitutionRow,
    base: String,
}

/// What exists once for the whole platform, never under a union's prefix.
const PLATFORM_PATHS: &[&str] = &[
    "/staff",
    "/demo",
    "/metrics",
    "/openapi.json",
    renkei_shared::api::HEALTHZ_PATH,
    renkei_shared::api::READYZ_PATH,
    "/telephony",
];

fn is_platform_path(path: &str) -> bool {
    PLATFORM_PATHS.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// `/institutions/{code}/…` is served as `/…` for union `code`; its
/// authorization server metadata is also at
/// `/.well-known/oauth-authorization-server/institutions/{code}` (RFC 8414
/// §3.1: the well-known part inserted before the issuer's path). A code no
/// union has is a plain 404.
pub async fn address(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let (code, rest) = if let Some((code, rest)) = institution_of(path) {
        (code, rest)
    } else if let Some((code, "/")) = path
        .strip_prefix(METADATA_PATH)
        .filter(|r| r.starts_with(INSTITUTIONS_PREFIX))
        .and_then(institution_of)
    {
        (code, METADATA_PATH)
    } else {
        let first = UnionCode(app.institution.code.clone());
        req.extensions_mut().insert(first);
        return next.run(req).await;
    };
    if is_platform_path(rest) {
        return AppError::Code(ErrorCode::NotFound).into_response();
    }
    let row = match app.storage.institution_by_code(code).await {
        Ok(Some(row)) => row,
        Ok(None) => return AppError::Code(ErrorCode::NotFound).into_response(),
        Err(e) => return AppError::from(e).into_response(),
    };
    let addressed = Addressed {
        base: format!("{INSTITUTIONS_PREFIX}{}", row.code),
        row,
    };
    let rewritten = match req.uri().query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.to_owned(),
    };
    let Ok(uri) = rewritten.parse::<Uri>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *req.uri_mut() = uri;
    req.extensions_mut()
        .insert(UnionCode(addressed.row.code.clone()));
    req.extensions_mut().insert(addressed);
    next.run(req).await
}

/// The application state for the union the request is for.
pub struct Scoped(pub AppState);

impl FromRequestParts<AppState> for Scoped {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        Ok(Scoped(scoped(parts, app).await?))
    }
}

/// The state for the request's union (what [`Scoped`] extracts), for the
/// extractors whose rejection is not `AppError`.
pub async fn scoped(parts: &mut Parts, app: &AppState) -> anyhow::Result<AppState> {
    // Several extractors of one request ask: read once.
    if let Some(done) = parts.extensions.get::<ScopedState>() {
        return Ok(done.0.clone());
    }
    let scoped = match parts.extensions.get::<Addressed>() {
        // The root URLs: the first union, its row read now (its state).
        None => {
            let row = app
                .storage
                .institution_by_id(FIRST_INSTITUTION)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the first institution's row is missing"))?;
            state_for(app, row, String::new())?
        }
        Some(a) => state_for(app, a.row.clone(), a.base.clone())?,
    };
    parts.extensions.insert(ScopedState(scoped.clone()));
    Ok(scoped)
}

#[derive(Clone)]
struct ScopedState(AppState);

/// The state for union `row`, whose URLs have the prefix `base`: its
/// profile, part of the database and records — the first union's by the
/// deployment's settings (RENKEI_INSTITUTION_FILE, RENKEI_RECORDS_*), every
/// other's by its profile (its own host gateway, or the embedded tables).
pub fn state_for(app: &AppState, row: InstitutionRow, base: String) -> anyhow::Result<AppState> {
    let first = row.id == FIRST_INSTITUTION;
    let (profile, gateway) = if first {
        (app.institution.profile.clone(), None)
    } else {
        app.profiles.union(&row)
    };
    let tenant = app.storage.tenant(row.id).for_request();
    let records = match gateway {
        None if first => app.records.for_tenant(tenant.clone()),
        None => Records::Embedded {
            storage: tenant.clone(),
            hasher: app.hasher.clone(),
        },
        Some(Ok(gateway)) => Records::Gateway {
            storage: tenant.clone(),
            gateway,
        },
        Some(Err(e)) => anyhow::bail!("union {}'s host gateway: {e}", row.code),
    };
    let institution = Institution {
        id: row.id,
        code: row.code,
        base,
        profile,
        suspended: row.state == InstitutionState::Suspended,
    };
    Ok(app.for_institution(institution, tenant, records))
}

/// A union's URL prefix: none for the first union (the root URLs).
pub fn base_of(row: &InstitutionRow) -> String {
    if row.id == FIRST_INSTITUTION {
        String::new()
    } else {
        format!("{INSTITUTIONS_PREFIX}{}", row.code)
    }
}
