//! Passkeys: enrolment from the one-time link `staff add` prints, sign-in,
//! sign-out, and who is signed in. No passwords exist. Each ceremony's
//! state (webauthn-rs's challenge) waits in the database between its two
//! requests, under the SHA-256 of an id only the browser holds, and is
//! taken back once: a replayed answer finds nothing.

use super::{Staff, session_cookie};
use crate::crypto::{random_token, sha256_hex};
use crate::db::{CeremonyRow, OpLog};
use crate::error::{ApiJson, AppError, AppResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use renkei_shared::ErrorCode;
use renkei_shared::staff::{Ceremony, CeremonyDone, EnrolStart, Me, SignInStart, StaffRole};
use serde::de::DeserializeOwned;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

/// How long a ceremony may take between its two requests.
const CEREMONY_SECS: i64 = 300;

/// The relying party: the public URL's host (WebAuthn refuses an IP
/// address) and origin, named after the credit union.
pub fn relying_party(public_url: &Url, name: &str) -> anyhow::Result<Webauthn> {
    let host = public_url
        .host_str()
        .ok_or_else(|| anyhow::anyhow!("RENKEI_PUBLIC_URL has no host"))?;
    Ok(WebauthnBuilder::new(host, public_url)?
        .rp_name(name)
        .build()?)
}

fn webauthn(app: &AppState) -> AppResult<Webauthn> {
    relying_party(&app.config.staff_url, &app.config.institution.public.name)
        .map_err(AppError::Internal)
}

/// A staff member's passkeys with their credential ids.
async fn passkeys(app: &AppState, staff_id: i64) -> AppResult<Vec<(String, Passkey)>> {
    app.storage
        .passkeys_of(staff_id)
        .await?
        .into_iter()
        .map(|p| {
            Ok((
                p.credential_id,
                serde_json::from_str(&p.passkey).map_err(anyhow::Error::from)?,
            ))
        })
        .collect()
}

/// Takes a ceremony of `kind` back (once) with webauthn-rs's state `S` and
/// the browser's credential `C`; an unknown, expired or replayed ceremony
/// and a malformed credential are `refused`.
async fn take_ceremony<S: DeserializeOwned, C: DeserializeOwned>(
    app: &AppState,
    body: CeremonyDone,
    kind: &str,
    refused: ErrorCode,
) -> AppResult<(CeremonyRow, S, C)> {
    let taken = app
        .storage
        .take_ceremony(&sha256_hex(&body.ceremony), kind, app.now_secs())
        .await?
        .ok_or(refused)?;
    let state = serde_json::from_str(&taken.state).map_err(anyhow::Error::from)?;
    let credential = serde_json::from_value(body.credential).map_err(|_| refused)?;
    Ok((taken, state, credential))
}

fn log<'a>(at: i64, outcome: &'a str, staff: &'a str) -> OpLog<'a> {
    OpLog {
        at,
        step: "staff",
        outcome,
        staff: Some(staff),
        ..Default::default()
    }
}

/// Starts registering a passkey for the staff member the enrolment link
/// names (user verification required).
pub async fn enrol_start(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<EnrolStart>,
) -> AppResult<Json<Ceremony>> {
    let now = app.now_secs();
    let enrolment = sha256_hex(&body.token);
    let member = app
        .storage
        .enrolment_staff(&enrolment, now)
        .await?
        .ok_or(ErrorCode::StaffEnrolmentInvalid)?;
    let handle = Uuid::parse_str(&member.user_handle).map_err(anyhow::Error::from)?;
    let existing = passkeys(&app, member.id)
        .await?
        .iter()
        .map(|(_, k)| k.cred_id().clone())
        .collect();
    let (options, state) = webauthn(&app)?
        .start_passkey_registration(handle, &member.name, &member.name, Some(existing))
        .map_err(|e| anyhow::anyhow!("passkey registration: {e}"))?;
    let ceremony = random_token();
    app.storage
        .save_ceremony(
            &sha256_hex(&ceremony),
            "enrol",
            member.id,
            Some(&enrolment),
            &serde_json::to_string(&state).map_err(anyhow::Error::from)?,
            now + CEREMONY_SECS,
        )
        .await?;
    Ok(Json(Ceremony {
        ceremony,
        options: serde_json::to_value(options).map_err(anyhow::Error::from)?,
    }))
}

/// Stores the new passkey, uses up the link, and signs the staff member in.
pub async fn enrol_finish(
    State(app): State<AppState>,
    jar: CookieJar,
    ApiJson(body): ApiJson<CeremonyDone>,
) -> AppResult<(CookieJar, Json<Me>)> {
    let now = app.now_secs();
    let (taken, state, credential) = take_ceremony::<
        PasskeyRegistration,
        RegisterPublicKeyCredential,
    >(&app, body, "enrol", ErrorCode::StaffEnrolmentInvalid)
    .await?;
    let passkey = webauthn(&app)?
        .finish_passkey_registration(&credential, &state)
        .map_err(|e| {
            tracing::warn!(error = %e, "passkey registration refused");
            ErrorCode::StaffEnrolmentInvalid
        })?;
    let member = app
        .storage
        .staff_by_id(taken.staff_id)
        .await?
        .ok_or(ErrorCode::StaffEnrolmentInvalid)?;
    let enrolment = taken.enrolment.ok_or(ErrorCode::StaffEnrolmentInvalid)?;
    let stored = app
        .storage
        .add_passkey(
            member.id,
            &enrolment,
            &credential_id(&passkey),
            &serde_json::to_string(&passkey).map_err(anyhow::Error::from)?,
            log(now, "passkey_enrolled", &member.name),
        )
        .await?;
    if !stored {
        return Err(ErrorCode::StaffEnrolmentInvalid.into());
    }
    start_session(&app, jar, member.id, &member.name, member.role, now, None).await
}

fn credential_id(p: &Passkey) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(p.cred_id().as_ref())
}

/// Starts a sign-in with one of the named staff member's passkeys. An
/// unknown or disabled name gets the same answer as a known one (options
/// that no authenticator can satisfy), so the page does not tell which
/// names exist.
pub async fn sign_in_start(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<SignInStart>,
) -> AppResult<Json<Ceremony>> {
    let now = app.now_secs();
    let member = app
        .storage
        .staff_by_name(body.name.trim())
        .await?
        .filter(|m| m.disabled_at.is_none());
    let passkeys: Vec<Passkey> = match &member {
        Some(m) => passkeys(&app, m.id)
            .await?
            .into_iter()
            .map(|(_, k)| k)
            .collect(),
        None => Vec::new(),
    };
    let ceremony = random_token();
    let options = match (member, passkeys.is_empty()) {
        (Some(m), false) => {
            let (options, state) = webauthn(&app)?
                .start_passkey_authentication(&passkeys)
                .map_err(|e| anyhow::anyhow!("passkey authentication: {e}"))?;
            app.storage
                .save_ceremony(
                    &sha256_hex(&ceremony),
                    "sign_in",
                    m.id,
                    None,
                    &serde_json::to_string(&state).map_err(anyhow::Error::from)?,
                    now + CEREMONY_SECS,
                )
                .await?;
            serde_json::to_value(options).map_err(anyhow::Error::from)?
        }
        // No ceremony is stored: finishing it fails like a wrong passkey.
        _ => serde_json::json!({"publicKey": {
            "challenge": random_token(),
            "timeout": 300000,
            "rpId": app.config.staff_url.host_str().unwrap_or_default(),
            "allowCredentials": [{"type": "public-key", "id": random_token()}],
            "userVerification": "required",
        }}),
    };
    Ok(Json(Ceremony { ceremony, options }))
}

pub async fn sign_in_finish(
    State(app): State<AppState>,
    jar: CookieJar,
    ApiJson(body): ApiJson<CeremonyDone>,
) -> AppResult<(CookieJar, Json<Me>)> {
    let now = app.now_secs();
    let (taken, state, credential) = take_ceremony::<PasskeyAuthentication, PublicKeyCredential>(
        &app,
        body,
        "sign_in",
        ErrorCode::StaffSignInFailed,
    )
    .await?;
    let result = webauthn(&app)?
        .finish_passkey_authentication(&credential, &state)
        .map_err(|e| {
            tracing::warn!(error = %e, "passkey sign-in refused");
            ErrorCode::StaffSignInFailed
        })?;
    let member = app
        .storage
        .staff_by_id(taken.staff_id)
        .await?
        .filter(|m| m.disabled_at.is_none())
        .ok_or(ErrorCode::StaffSignInFailed)?;
    // The passkey's signature counter moves on (a cloned key shows up as
    // a counter that goes back).
    let mut updated = None;
    for (credential_id, mut key) in passkeys(&app, member.id).await? {
        if key.update_credential(&result).is_some() {
            updated = Some((
                credential_id,
                serde_json::to_string(&key).map_err(anyhow::Error::from)?,
            ));
        }
    }
    // The key must still be the member's: one removed by an admin while
    // its ceremony was open signs nobody in.
    let Some((credential_id, json)) = &updated else {
        tracing::warn!(staff = %member.name, "sign-in with a passkey no longer registered");
        return Err(ErrorCode::StaffSignInFailed.into());
    };
    let passkey = Some((credential_id.as_str(), json.as_str()));
    start_session(
        &app,
        jar,
        member.id,
        &member.name,
        member.role,
        now,
        passkey,
    )
    .await
}

/// A new session (fresh session and CSRF tokens, the cookie set), with
/// the signed-in passkey's new counter, logged.
async fn start_session(
    app: &AppState,
    jar: CookieJar,
    staff_id: i64,
    name: &str,
    role: StaffRole,
    now: i64,
    passkey: Option<(&str, &str)>,
) -> AppResult<(CookieJar, Json<Me>)> {
    let token = random_token();
    let me = Me {
        name: name.to_owned(),
        role,
        csrf_token: random_token(),
    };
    app.storage
        .sign_in(
            staff_id,
            passkey,
            &sha256_hex(&token),
            &me.csrf_token,
            log(now, "signed_in", name),
        )
        .await?;
    let jar = jar.add(session_cookie(token, app.config.secure_cookies()));
    Ok((jar, Json(me)))
}

pub async fn sign_out(
    State(app): State<AppState>,
    jar: CookieJar,
    staff: Staff,
) -> AppResult<impl IntoResponse> {
    app.storage.end_staff_session(&staff.session_hash).await?;
    let jar = jar.remove(session_cookie(String::new(), app.config.secure_cookies()));
    Ok((jar, StatusCode::NO_CONTENT))
}

pub async fn me(staff: Staff) -> Json<Me> {
    Json(Me {
        name: staff.name,
        role: staff.role,
        csrf_token: staff.csrf_token,
    })
}
