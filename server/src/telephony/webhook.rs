//! The carrier gateway's webhooks. A real bank plugs its carrier in here:
//! `POST /telephony/inbound-call` (Renkei's JSON, HMAC-SHA256 signed) or
//! `POST /telephony/twilio/voice` (Twilio's inbound-voice webhook as is).
//! The signature is checked before the body is trusted; a replayed call id
//! changes nothing; a withheld number never verifies.

use super::number::caller_digits;
use super::signature::{twilio_signature, verify_v1};
use crate::db::{CallOutcome, InboundCall, LogStep, OpLog, Outcome};
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use renkei_shared::domain::mask_phone;
use renkei_shared::telephony::{
    CallAnswer, InboundCall as InboundCallBody, PATH, SIGNATURE_HEADER, TIMESTAMP_HEADER,
    TWILIO_PATH,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbound_call))
        .routes(routes!(twilio_voice))
}

#[utoipa::path(
    post,
    path = PATH,
    tag = "telephony",
    description = "The carrier reports a call to a toll-free number, signed with HMAC-SHA256 over `timestamp.body`.",
    request_body = InboundCallBody,
    params(
        ("x-renkei-timestamp" = String, Header, description = "Unix seconds; within 5 minutes"),
        ("x-renkei-signature" = String, Header, description = "`v1=` + hex HMAC-SHA256")
    ),
    responses(
        (status = 200, description = "What the call did", body = CallAnswer),
        (status = 400, description = "Not a call report (no body: the carrier only logs the status)"),
        (status = 401, description = "A missing, stale or wrong signature (no body)"),
        (status = 500, description = "`system_error`", body = renkei_shared::ErrorBody),
        (status = 503, description = "`busy`", body = renkei_shared::ErrorBody)
    )
)]
pub async fn inbound_call(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed = app
        .config
        .telephony
        .secret
        .as_deref()
        .is_some_and(|secret| {
            verify_v1(
                secret,
                header(TIMESTAMP_HEADER),
                header(SIGNATURE_HEADER),
                &body,
                app.now_secs(),
            )
        });
    if !signed {
        tracing::warn!("inbound call with a missing, wrong or stale signature");
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    }
    let Ok(call) = serde_json::from_slice::<InboundCallBody>(&body) else {
        return Ok(StatusCode::BAD_REQUEST.into_response());
    };
    if call.call_id.is_empty() || call.call_id.len() > 128 {
        return Ok(StatusCode::BAD_REQUEST.into_response());
    }
    let result = handle_call(
        &app,
        &format!("renkei:{}", call.call_id),
        &call.from,
        &call.to,
    )
    .await?;
    Ok(Json(CallAnswer {
        result: result.into(),
    })
    .into_response())
}

/// The parameters of Twilio's voice webhook that Renkei reads (Twilio
/// sends more; every one is covered by the signature).
#[derive(utoipa::ToSchema)]
#[allow(non_snake_case)]
pub struct TwilioCall {
    pub CallSid: String,
    /// E.164 caller, or `anonymous` when withheld.
    pub From: String,
    /// The toll-free number called.
    pub To: String,
}

/// Twilio's inbound-voice webhook, as Twilio sends it.
#[utoipa::path(
    post,
    path = TWILIO_PATH,
    tag = "telephony",
    description = "Twilio reports a call to a toll-free number (enabled by `RENKEI_TWILIO_AUTH_TOKEN`), signed as Twilio signs: base64 HMAC-SHA1 of the URL and the sorted parameters. Deduplicated on `CallSid`; answered with TwiML that hangs up.",
    request_body(content = TwilioCall, content_type = "application/x-www-form-urlencoded"),
    params(
        ("x-twilio-signature" = String, Header, description = "base64 HMAC-SHA1 keyed with the auth token")
    ),
    responses(
        (status = 200, description = "TwiML: `<Response><Hangup/></Response>`", body = String, content_type = "text/xml"),
        (status = 400, description = "No `CallSid` (no body)"),
        (status = 401, description = "A missing or wrong signature (no body)"),
        (status = 404, description = "Not enabled: no `RENKEI_TWILIO_AUTH_TOKEN` (no body)"),
        (status = 500, description = "`system_error`", body = renkei_shared::ErrorBody),
        (status = 503, description = "`busy`", body = renkei_shared::ErrorBody)
    )
)]
pub async fn twilio_voice(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let Some(token) = app.config.telephony.twilio_auth_token.as_deref() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let expected = twilio_signature(token, &app.config.url(TWILIO_PATH), &params);
    let sent = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !crate::crypto::constant_time_eq(sent, &expected) {
        tracing::warn!("Twilio webhook with a wrong signature");
        return Ok(StatusCode::UNAUTHORIZED.into_response());
    }
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let Some(sid) = param("CallSid").filter(|s| !s.is_empty() && s.len() <= 64) else {
        return Ok(StatusCode::BAD_REQUEST.into_response());
    };
    handle_call(
        &app,
        &format!("twilio:{sid}"),
        param("From").unwrap_or(""),
        param("To").unwrap_or(""),
    )
    .await?;
    // No announcement (seed section 7): the call is ended at once.
    let twiml = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>"#;
    Ok(([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], twiml).into_response())
}

/// Records the call and verifies the matching challenge; logs the outcome
/// with the caller masked.
async fn handle_call(
    app: &AppState,
    call_id: &str,
    from: &str,
    to: &str,
) -> AppResult<&'static str> {
    let caller = caller_digits(from);
    let called =
        caller_digits(to).unwrap_or_else(|| to.chars().filter(char::is_ascii_digit).collect());
    let caller_mask = caller
        .as_deref()
        .map(mask_phone)
        .unwrap_or_else(|| "withheld".into());
    let now = app.now_secs();
    let detail = format!("{caller_mask} -> {called}");
    let recorded = app
        .storage
        .record_inbound_call(
            InboundCall {
                call_id,
                caller: caller.as_deref(),
                caller_mask: &caller_mask,
                called: &called,
                now,
            },
            OpLog {
                detail: Some(&detail),
                // Provisional: the storage layer writes what the call did.
                ..OpLog::new(
                    now,
                    LogStep::Telephony,
                    Outcome::Call(CallOutcome::NoMatchingChallenge),
                )
            },
        )
        .await?;
    let result = recorded.map(|o| o.code()).unwrap_or("duplicate");
    crate::telemetry::call_outcome(result);
    match recorded {
        // A redial or a late call to a number still bound to its flow:
        // it verified nothing, and staff may want to see it.
        Some(CallOutcome::AlreadyVerified | CallOutcome::TooLate) => {
            tracing::warn!(caller = %caller_mask, result, "inbound call reached a bound number outside its window");
        }
        _ => tracing::info!(caller = %caller_mask, result, "inbound call"),
    }
    Ok(result)
}
