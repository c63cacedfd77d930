//! The one error type of the HTTP layer. Every failure becomes one stable
//! code from the shared table and the seed's message; internal detail is
//! logged here and never sent to the browser.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use renkei_shared::{ErrorBody, ErrorCode, FieldErrors};
use serde::de::DeserializeOwned;
use utoipa::IntoResponses;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A known outcome with its own code and message.
    #[error("{}", .0.code())]
    Code(ErrorCode),
    /// The rules refused one or more fields.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// The body was not the JSON we expect (wrong shape, not JSON, too big).
    /// Only the kind of failure is kept: serde's text quotes the values it
    /// refused, and a refused value may be a PIN.
    #[error("malformed request: {0}")]
    Malformed(&'static str),
    /// Anything unexpected: a database failure, a bug. Logged with detail;
    /// the customer sees `system_error`.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ErrorCode> for AppError {
    fn from(c: ErrorCode) -> Self {
        AppError::Code(c)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// HTTP status for each code. Kept next to the enum's only `IntoResponse`.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::RequiredMissing | ErrorCode::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::AccountNotEligible | ErrorCode::IdentityMismatch => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::Locked | ErrorCode::LockedB84 => StatusCode::FORBIDDEN,
        ErrorCode::OutOfServiceHours | ErrorCode::Busy | ErrorCode::ServiceUnavailable => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        ErrorCode::SystemError => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::FlowNotFound => StatusCode::UNAUTHORIZED,
        ErrorCode::FlowExpired => StatusCode::GONE,
        ErrorCode::FlowOutOfOrder => StatusCode::CONFLICT,
        ErrorCode::CsrfRejected => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::CallbackPending => StatusCode::CONFLICT,
        ErrorCode::CallbackExpired => StatusCode::GONE,
        ErrorCode::ConsentRequired => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidToken | ErrorCode::ConsentExpired | ErrorCode::InvalidDpopProof => {
            StatusCode::UNAUTHORIZED
        }
        ErrorCode::AccountMoved | ErrorCode::InsufficientScope => StatusCode::FORBIDDEN,
        ErrorCode::OutOfRetention => StatusCode::BAD_REQUEST,
        ErrorCode::StaffSignInRequired | ErrorCode::StaffSignInFailed => StatusCode::UNAUTHORIZED,
        ErrorCode::StaffForbidden | ErrorCode::StaffCsrfRejected => StatusCode::FORBIDDEN,
        ErrorCode::StaffEnrolmentInvalid => StatusCode::BAD_REQUEST,
        ErrorCode::StaffReasonRequired => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::StaffNotFound => StatusCode::NOT_FOUND,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::Code(code) => (status_of(code), ErrorBody::new(code)),
            AppError::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::from_fields(fields),
            ),
            AppError::Malformed(why) => {
                tracing::info!(%why, "malformed request");
                (
                    StatusCode::BAD_REQUEST,
                    ErrorBody::new(ErrorCode::InvalidInput),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new(ErrorCode::SystemError),
                )
            }
        };
        let busy = body.code == ErrorCode::Busy;
        let mut resp = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // 混雑 is momentary (a full hashing queue drains in a fraction of
            // a second): ask again in a second. A closed app or service: later.
            let after = if busy { "1" } else { "30" };
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(after));
        }
        resp
    }
}

/// `Json` whose rejection is our own error, so a malformed body gets the
/// wire error format instead of axum's plain-text answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(AppError::Malformed(rejection_kind(&rejection))),
        }
    }
}

/// What kind of malformed body it was, without the body's content.
fn rejection_kind(r: &JsonRejection) -> &'static str {
    match r {
        JsonRejection::JsonDataError(_) => "JSON of the wrong shape",
        JsonRejection::JsonSyntaxError(_) => "not JSON",
        JsonRejection::MissingJsonContentType(_) => "not application/json",
        JsonRejection::BytesRejection(_) => "unreadable or too large",
        _ => "malformed",
    }
}

/// Every error a call of the flow API can answer: the wire error format
/// with one stable code (its `code` lists them all).
#[derive(IntoResponses)]
pub enum FlowErrors {
    /// `invalid_input`: a body that is not the JSON asked for.
    #[response(status = 400)]
    Malformed(ErrorBody),
    /// `flow_not_found`: no linkage in this browser (the HttpOnly flow cookie).
    #[response(status = 401)]
    NoFlow(ErrorBody),
    /// `csrf_rejected` (no or a wrong `x-renkei-csrf` header); `locked` (this
    /// attempt locked API linkage until 0:00 JST, B84); `locked_b84`.
    #[response(status = 403)]
    Refused(ErrorBody),
    /// `flow_out_of_order`: the linkage is at another step;
    /// `callback_pending`: the call has not come yet.
    #[response(status = 409)]
    OutOfOrder(ErrorBody),
    /// `flow_expired`, `callback_expired`.
    #[response(status = 410)]
    Expired(ErrorBody),
    /// `required_missing` or `invalid_input` with `fields`;
    /// `account_not_eligible`, `identity_mismatch`, `consent_required`.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// `system_error`.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// `busy` (混雑, `Retry-After: 1`), `out_of_service_hours`,
    /// `service_unavailable` (maintenance, or the app disabled;
    /// `Retry-After: 30`).
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The account-information API's errors.
#[derive(IntoResponses)]
pub enum ResourceErrors {
    /// `invalid_token`, `consent_expired`, `invalid_dpop_proof` (with
    /// `WWW-Authenticate`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// `insufficient_scope`, `account_moved`.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// `system_error`.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// `busy`, `service_unavailable`.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}
