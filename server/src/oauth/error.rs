//! The OAuth endpoints' error answer (RFC 6749 §5.2): `{"error",
//! "error_description"}` as JSON, never cached; and reading their form
//! bodies, each parameter at most once.

use axum::Form;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use renkei_shared::oauth::OAuthErrorBody;
use utoipa::IntoResponses;

/// An OAuth error answer: `{"error", "error_description"}`.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: &'static str) -> Self {
        OAuthError {
            status,
            error,
            description,
        }
    }
    pub fn invalid_grant(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }
    pub fn invalid_request(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
    pub fn invalid_dpop(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", description)
    }
    /// RFC 9449 §8: the proof lacks the server's nonce (sent beside, in
    /// the `DPoP-Nonce` header).
    pub fn use_dpop_nonce() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "use_dpop_nonce",
            "Authorization server requires nonce in DPoP proof",
        )
    }
    pub fn invalid_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        )
    }
    fn server_error(e: impl std::fmt::Debug) -> Self {
        tracing::error!(error = ?e, "token endpoint failure");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal error",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            Json(OAuthErrorBody {
                error: self.error.to_owned(),
                error_description: Some(self.description.to_owned()),
            }),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"renkei\""),
            );
        }
        resp
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> Self {
        Self::server_error(e)
    }
}

/// The request's union could not be served (its profile no longer parses:
/// `temporarily_unavailable`), or a storage error.
impl From<crate::error::AppError> for OAuthError {
    fn from(e: crate::error::AppError) -> Self {
        match e {
            crate::error::AppError::Code(renkei_shared::ErrorCode::ServiceUnavailable) => {
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "the credit union's service is unavailable",
                )
            }
            crate::error::AppError::Internal(e) => Self::server_error(e),
            other => Self::server_error(anyhow::anyhow!("{other:?}")),
        }
    }
}

impl From<anyhow::Error> for OAuthError {
    fn from(e: anyhow::Error) -> Self {
        Self::server_error(e)
    }
}

pub type OAuthResult<T> = Result<T, OAuthError>;

/// The form body of an OAuth endpoint, each parameter at most once
/// (RFC 6749 §3.2).
pub type Params = std::collections::HashMap<String, String>;

pub fn params_of(
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> OAuthResult<Params> {
    let Ok(Form(pairs)) = form else {
        return Err(OAuthError::invalid_request("malformed form body"));
    };
    let mut params = Params::new();
    for (k, v) in pairs {
        if params.insert(k, v).is_some() {
            return Err(OAuthError::invalid_request("a parameter was repeated"));
        }
    }
    Ok(params)
}

/// The OAuth endpoints' errors (RFC 6749 §5.2).
#[derive(IntoResponses)]
pub enum OAuthErrors {
    /// `invalid_request`, `invalid_grant`, `unsupported_grant_type`,
    /// `invalid_scope`, `invalid_dpop_proof`; `use_dpop_nonce` (RFC 9449
    /// §8) with the nonce to use in `DPoP-Nonce`.
    #[response(
        status = 400,
        headers(("dpop-nonce" = String, description = "The DPoP nonce to use (PAR and token, when `RENKEI_DPOP_NONCE` is on)"))
    )]
    BadRequest(OAuthErrorBody),
    /// `invalid_client`.
    #[response(status = 401)]
    InvalidClient(OAuthErrorBody),
    /// `server_error`.
    #[response(status = 500)]
    Internal(OAuthErrorBody),
    /// `temporarily_unavailable`.
    #[response(status = 503)]
    Unavailable(OAuthErrorBody),
}
