//! Passkeys: enrolment from the one-time link `staff add` prints, sign-in,
//! sign-out, and who is signed in. No passwords exist. Each ceremony's
//! state (webauthn-rs's challenge) waits in the database between its two
//! requests, under the SHA-256 of an id only the browser holds, and is
//! taken back once: a replayed answer finds nothing.

use super::{Staff, StaffUnion, session_cookie};
use crate::crypto::{random_token, sha256_hex};
use crate::db::{CeremonyRow, LogStep, OpLog, Outcome};
use crate::error::{ApiJson, AppError, AppResult};
use crate::flow::extract::RequestMeta;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use renkei_shared::ErrorCode;
use renkei_shared::staff::{Ceremony, CeremonyDone, EnrolStart, Me, SignInStart};
use serde::de::DeserializeOwned;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, RequestChallengeResponse, Url, Uuid, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::{
    AllowCredentials, PublicKeyCredentialRequestOptions, UserVerificationPolicy,
};

/// How long a ceremony may take between its two requests.
const CEREMONY_SECS: i64 = 300;

/// What an authenticator shows beside a staff passkey.
pub const RP_NAME: &str = "API連携認証 職員コンソール";

/// The relying party: the public URL's host (WebAuthn refuses an IP
/// address) and origin, named after the platform's console (one console
/// for every union's staff).
pub fn relying_party(public_url: &Url, name: &str) -> anyhow::Result<Webauthn> {
    let host = public_url
        .host_str()
        .ok_or_else(|| anyhow::anyhow!("RENKEI_PUBLIC_URL has no host"))?;
    Ok(WebauthnBuilder::new(host, public_url)?
        .rp_name(name)
        .build()?)
}

fn webauthn(app: &AppState) -> AppResult<Webauthn> {
    relying_party(&app.config.staff.url, RP_NAME).map_err(AppError::Internal)
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
        // A decoy (an unknown name's sign-in) finishes for no one.
        .filter(|t| t.staff_id.is_some())
        .ok_or(refused)?;
    let state = serde_json::from_str(&taken.state).map_err(anyhow::Error::from)?;
    let credential = serde_json::from_value(body.credential).map_err(|_| refused)?;
    Ok((taken, state, credential))
}

fn log(at: i64, outcome: Outcome, staff: &str) -> OpLog<'_> {
    OpLog {
        staff: Some(staff),
        ..OpLog::new(at, LogStep::Staff, outcome)
    }
}

/// Starts registering a passkey for the staff member the enrolment link
/// names (user verification required). Throttled like sign-in, per
/// address and per link: each start stores a ceremony.
pub async fn enrol_start(
    State(app): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<EnrolStart>,
) -> AppResult<Json<Ceremony>> {
    let now = app.now_secs();
    let enrolment = sha256_hex(&body.token);
    app.throttles.sign_in(meta.ip, &enrolment)?;
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
            Some(member.id),
            Some(&enrolment),
            &serde_json::to_string(&state).map_err(anyhow::Error::from)?,
            now + CEREMONY_SECS,
            now,
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
        .staff_by_id(taken.staff_id.ok_or(ErrorCode::StaffEnrolmentInvalid)?)
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
            log(now, Outcome::PasskeyEnrolled, &member.name),
        )
        .await?;
    if !stored {
        return Err(ErrorCode::StaffEnrolmentInvalid.into());
    }
    start_session(&app, jar, &member, now, None).await
}

fn credential_id(p: &Passkey) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(p.cred_id().as_ref())
}

/// Starts a sign-in with one of the named staff member's passkeys. An
/// unknown or disabled name, or one without a passkey, gets the same
/// answer for the same work: the same reads, a ceremony stored (one that
/// finishes for no one), and options of the same shape whose credentials
/// are derived from the name under a deployment key — stable for a name,
/// as many as members usually have — so neither the answer nor its time
/// tells which names exist. Throttled per address and per name.
pub async fn sign_in_start(
    State(app): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SignInStart>,
) -> AppResult<Json<Ceremony>> {
    let now = app.now_secs();
    let name = body.name.trim();
    app.throttles.sign_in(meta.ip, name)?;
    let member = app
        .storage
        .staff_by_name(name)
        .await?
        .filter(|m| m.disabled_at.is_none());
    let keys: Vec<Passkey> = passkeys(&app, member.as_ref().map_or(-1, |m| m.id))
        .await?
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    let ceremony = random_token();
    let (staff_id, options, state) = match member {
        Some(m) if !keys.is_empty() => {
            let (options, state) = webauthn(&app)?
                .start_passkey_authentication(&keys)
                .map_err(|e| anyhow::anyhow!("passkey authentication: {e}"))?;
            let state = serde_json::to_string(&state).map_err(anyhow::Error::from)?;
            (Some(m.id), options, state)
        }
        _ => (None, decoy_options(&app, name)?, "null".to_owned()),
    };
    app.storage
        .save_ceremony(
            &sha256_hex(&ceremony),
            "sign_in",
            staff_id,
            None,
            &state,
            now + CEREMONY_SECS,
            now,
        )
        .await?;
    Ok(Json(Ceremony {
        ceremony,
        options: serde_json::to_value(options).map_err(anyhow::Error::from)?,
    }))
}

/// What webauthn-rs's `start_passkey_authentication` answers (the same
/// struct, the same settings), for credentials no authenticator holds,
/// shaped like a member's: one to three ids (most members have one or
/// two passkeys) of 32 bytes each, the length the authenticators we
/// enrol give (43 characters base64url), all derived from the name under
/// the deployment's `staff_decoy` key, so asking twice gives the same list.
fn decoy_options(app: &AppState, name: &str) -> AppResult<RequestChallengeResponse> {
    use hmac::{Hmac, Mac};
    let derive = |label: &[u8]| -> AppResult<[u8; 32]> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&app.staff_decoy_key)
            .map_err(|e| anyhow::anyhow!("decoy credentials: {e}"))?;
        mac.update(label);
        mac.update(name.as_bytes());
        Ok(mac.finalize().into_bytes().into())
    };
    let count = match derive(b"count\0")?[0] % 4 {
        0 | 1 => 1,
        2 => 2,
        _ => 3,
    };
    let ids = (0..count)
        .map(|i: u8| derive(&[b'i', b'd', i, 0]).map(|id| id.to_vec()))
        .collect::<AppResult<Vec<_>>>()?;
    let allow_credentials = ids
        .into_iter()
        .map(|id| AllowCredentials {
            type_: "public-key".into(),
            id: id.into(),
            transports: None,
        })
        .collect();
    let challenge: [u8; 32] = rand::random();
    Ok(RequestChallengeResponse {
        public_key: PublicKeyCredentialRequestOptions {
            challenge: challenge.to_vec().into(),
            timeout: Some(300_000),
            rp_id: app
                .config
                .staff
                .url
                .host_str()
                .unwrap_or_default()
                .to_owned(),
            allow_credentials,
            user_verification: UserVerificationPolicy::Required,
            hints: None,
            extensions: None,
        },
        mediation: None,
    })
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
        .staff_by_id(taken.staff_id.ok_or(ErrorCode::StaffSignInFailed)?)
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
    start_session(&app, jar, &member, now, passkey).await
}

/// A new session (fresh session and CSRF tokens, the cookie set), with
/// the signed-in passkey's new counter, logged.
async fn start_session(
    app: &AppState,
    jar: CookieJar,
    member: &crate::db::StaffRow,
    now: i64,
    passkey: Option<(&str, &str)>,
) -> AppResult<(CookieJar, Json<Me>)> {
    let (staff_id, name) = (member.id, member.name.as_str());
    let token = random_token();
    // The union the console opens on: the member's, for platform staff
    // the root alias's (they choose another in 信用組合).
    let union = member.institution_id.unwrap_or(app.root.0);
    let me = Me {
        name: name.to_owned(),
        role: member.role,
        csrf_token: random_token(),
        institution: app
            .storage
            .institution_by_id(union)
            .await?
            .map(|r| r.name)
            .unwrap_or_default(),
        platform: member.institution_id.is_none(),
    };
    app.storage
        .sign_in(
            staff_id,
            passkey,
            &sha256_hex(&token),
            &me.csrf_token,
            log(now, Outcome::SignedIn, name),
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

pub async fn me(staff: Staff, StaffUnion(union): StaffUnion) -> Json<Me> {
    Json(Me {
        institution: union.institution.profile.public.name.clone(),
        platform: staff.institution.is_none(),
        name: staff.name,
        role: staff.role,
        csrf_token: staff.csrf_token,
    })
}
