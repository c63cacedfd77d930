//! Which credit union a request is for, as a type a handler must ask for.
//!
//! Every union has one issuer: `{RENKEI_PUBLIC_URL}/institutions/{code}`,
//! with every endpoint and screen under it, except the root alias's union
//! (`RENKEI_ROOT_INSTITUTION`, default the first added), whose issuer is
//! the root URL and whose `/institutions/{code}` URLs redirect there (one
//! issuer per union: a grant is never presented at a second one).
//!
//! [`address`] (in front of the router) takes the prefix off the URI — so
//! one set of routes serves every union — and notes whose the request is.
//! [`Union`], the one resolver, is the request's union: its profile,
//! issuer, records and part of the database, read per request, so a union
//! added, suspended or re-profiled counts at once on every instance. The
//! platform's [`AppState`] holds nothing of any union, so a handler that
//! does not take a `Union` cannot reach a union's rows (staff handlers take
//! `staff::StaffUnion`, which resolves the member's union the same way).

use crate::db::{InstitutionRow, InstitutionState, Tenant};
use crate::error::AppError;
use crate::records::port::Records;
use crate::state::{AppState, Institution};
use crate::telemetry::UnionCode;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use renkei_shared::ErrorCode;
use renkei_shared::api::{INSTITUTIONS_PREFIX, institution_of};
use renkei_shared::oauth::METADATA_PATH;
use std::sync::Arc;

/// The union a request's URL named, as its row was when the request came
/// (none: the root URLs, the root alias's union).
#[derive(Clone, Debug)]
struct Addressed(InstitutionRow);

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
/// union has is a plain 404; the root alias's code answers 308 to the same
/// path at the root URL, its union's only issuer.
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
    let rewritten = match req.uri().query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.to_owned(),
    };
    if row.id == app.root.0 {
        return (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, rewritten)],
        )
            .into_response();
    }
    let Ok(uri) = rewritten.parse::<Uri>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *req.uri_mut() = uri;
    req.extensions_mut().insert(UnionCode(row.code.clone()));
    req.extensions_mut().insert(Addressed(row));
    next.run(req).await
}

/// One credit union, for one request: its institution (profile, issuer
/// prefix, state), its part of the database (`tenant`, the request's
/// statements sharing one connection) and its records. Reaches the
/// platform's state (config, clock, hasher …) through `Deref`.
#[derive(Clone)]
pub struct Union {
    app: AppState,
    pub institution: Arc<Institution>,
    /// That union's part of the database: its records, flows, grants,
    /// mail, log and staff.
    pub tenant: Tenant,
    /// The bank's records: the embedded tables or the union's host gateway.
    pub records: Records,
}

impl std::ops::Deref for Union {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.app
    }
}

impl Union {
    /// The platform's state this union's request runs on.
    pub fn platform(&self) -> &AppState {
        &self.app
    }

    /// The union's issuer identifier (RFC 8414 / RFC 9207): the public URL
    /// and its prefix, without a trailing slash.
    pub fn issuer(&self) -> String {
        format!("{}{}", self.config.issuer(), self.institution.base)
    }

    /// An absolute URL of one of the union's paths.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer())
    }

    /// A path of the union's, as the browser reaches it.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.institution.base)
    }

    /// Failed attempts a day before this union's customers are locked
    /// (B84): its profile's, else the deployment's.
    pub fn lockout_threshold(&self) -> i64 {
        self.institution
            .profile
            .lockout_threshold
            .unwrap_or(self.config.lockout_threshold)
    }

    /// The toll-free numbers SOA209 shows this union's customers.
    pub fn callback_numbers(&self) -> &[String] {
        self.institution
            .profile
            .callback_numbers
            .as_deref()
            .unwrap_or(&self.config.telephony.callback_numbers)
    }

    /// The union with row `row`, as the platform serves it: its profile,
    /// part of the database and records — its profile's host gateway or
    /// the embedded tables (for the root alias's union, RENKEI_RECORDS_URL's
    /// gateway when set). A profile that no longer parses, or a gateway
    /// whose client cannot be built, makes the union unavailable
    /// (`service_unavailable`, logged), never another union's values.
    pub fn of(app: &AppState, row: InstitutionRow) -> Result<Union, AppError> {
        let (profile, gateway) = app
            .profiles
            .union(&row)
            .map_err(|_| AppError::Code(ErrorCode::ServiceUnavailable))?;
        let root = row.id == app.root.0;
        let tenant = app.storage.tenant(row.id).for_request();
        // RENKEI_RECORDS_URL is the root alias's union's, over its profile.
        let deployment = if root {
            app.records_gateway.clone()
        } else {
            None
        };
        let records = match (deployment, gateway) {
            (Some(gateway), _) | (None, Some(Ok(gateway))) => Records::Gateway {
                storage: tenant.clone(),
                gateway,
            },
            (None, None) => Records::Embedded {
                storage: tenant.clone(),
                hasher: app.hasher.clone(),
            },
            (None, Some(Err(e))) => {
                tracing::error!(institution = %row.code, error = %e, "the union's host gateway");
                return Err(AppError::Code(ErrorCode::SystemError));
            }
        };
        let base = if root {
            String::new()
        } else {
            format!("{INSTITUTIONS_PREFIX}{}", row.code)
        };
        let institution = Institution {
            id: row.id,
            code: row.code,
            base,
            profile,
            suspended: row.state == InstitutionState::Suspended,
        };
        Ok(Union {
            app: app.clone(),
            institution: Arc::new(institution),
            tenant,
            records,
        })
    }

    /// The union with id `id` (a staff member's, a flow's), as [`Union::of`].
    pub async fn by_id(app: &AppState, id: i64) -> Result<Union, AppError> {
        let row = app
            .storage
            .institution_by_id(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("institution {id}'s row is missing"))?;
        Union::of(app, row)
    }

    /// The request's union (what the extractor gives), for the extractors
    /// whose rejection is not `AppError`: the one `address` noted, else the
    /// root alias's. Resolved once per request.
    pub async fn of_request(parts: &mut Parts, app: &AppState) -> Result<Union, AppError> {
        if let Some(done) = parts.extensions.get::<Union>() {
            return Ok(done.clone());
        }
        let union = match parts.extensions.get::<Addressed>() {
            Some(Addressed(row)) => Union::of(app, row.clone())?,
            None => Union::by_id(app, app.root.0).await?,
        };
        parts.extensions.insert(union.clone());
        Ok(union)
    }
}

impl FromRequestParts<AppState> for Union {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        Union::of_request(parts, app).await
    }
}
