//! SOA206 情報連携認可. 許可する writes, in one transaction, the consent
//! (client, account, scope, terms version, granted/expiry, IP, user agent),
//! the authorization code and the completion mail; the browser then goes
//! back to the app with `code`, `state` and `iss` (RFC 9207). 拒否する is
//! recorded and ends like 中止する, with `error=access_denied`.

use super::extract::{RequestMeta, StepRequest};
use super::transition::Transition;
use crate::crypto::{random_token, sha256_hex};
use crate::db::{MailToSend, NewGrant, Outcome};
use crate::error::{ApiJson, AppResult};
use crate::mail::templates::{denied_mail, granted_mail};
use crate::oauth::authorize::app_return_url;
use crate::state::AppState;
use crate::tenancy::Union;
use axum::Json;
use renkei_shared::ErrorCode;
use renkei_shared::api::{ConsentForm, Finished, Step};
use url::Url;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// 認可期間: 30 days.
pub const CONSENT_SECS: i64 = 30 * 24 * 3600;
/// Authorization codes live at most 60 s (FAPI 2.0).
pub const CODE_SECS: i64 = 60;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(allow))
        .routes(routes!(deny))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::CONSENT_PATH,
    tag = "flow",
    request_body = renkei_shared::api::ConsentForm,
    description = "SOA206 許可する (with the API terms agreed): 口座情報・明細情報へのアクセス for 30 days.",
    responses(
        (status = 200, description = "Consent given: back to the app with `code`, `state`, `iss`", body = renkei_shared::api::Finished),
        crate::error::FlowErrors
    )
)]
pub async fn allow(
    app: Union,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
    ApiJson(form): ApiJson<ConsentForm>,
) -> AppResult<Json<Finished>> {
    flow.expect(Step::Consent)?;
    if !form.agree {
        return Err(flow
            .refuse(&app, &meta, ErrorCode::ConsentRequired, None)
            .await);
    }
    let account = flow.account()?;
    let name = flow.client_name.clone();
    let expires_at = flow.now + CONSENT_SECS;
    let masked_account = format!(
        "店番{} {} ***{}",
        account.branch,
        account.kind.label(),
        &account.number[account.number.len().saturating_sub(4)..]
    );
    let (subject, body) = granted_mail(
        &app.institution.profile.public,
        &name,
        &masked_account,
        expires_at,
    );
    let email = app.tenant.flow_email(&flow.row.id).await?;
    let code = random_token();
    let code_hash = sha256_hex(&code);
    flow.take(
        &app,
        &meta,
        Transition {
            outcome: Outcome::Granted,
            grant: Some(NewGrant {
                account_id: account.id,
                terms_version: &app.institution.profile.terms_version,
                expires_at,
                client_ip: meta.client_ip.as_deref(),
                user_agent: meta.user_agent.as_deref(),
                code_hash: &code_hash,
                code_expires_at: flow.now + CODE_SECS,
            }),
            mail: email.as_deref().map(|to| MailToSend {
                to,
                subject: &subject,
                body: &body,
            }),
            ..Transition::to(Step::Completed)
        },
    )
    .await?;
    let mut url =
        Url::parse(&flow.row.redirect_uri).map_err(|e| anyhow::anyhow!("redirect uri: {e}"))?;
    url.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &flow.row.state)
        .append_pair("iss", &app.issuer());
    Ok(Json(Finished {
        return_to: url.into(),
    }))
}

#[utoipa::path(
    post,
    path = renkei_shared::api::DENY_PATH,
    tag = "flow",
    description = "SOA206 拒否する.",
    responses(
        (status = 200, description = "拒否する accepted: back to the app with `error=access_denied`", body = renkei_shared::api::Finished),
        crate::error::FlowErrors
    )
)]
pub async fn deny(
    app: Union,
    meta: RequestMeta,
    StepRequest(flow): StepRequest,
) -> AppResult<Json<Finished>> {
    flow.expect(Step::Consent)?;
    let name = flow.client_name.clone();
    let (subject, body) = denied_mail(&app.institution.profile.public, &name);
    let email = app.tenant.flow_email(&flow.row.id).await?;
    flow.take(
        &app,
        &meta,
        Transition {
            outcome: Outcome::Denied,
            mail: email.as_deref().map(|to| MailToSend {
                to,
                subject: &subject,
                body: &body,
            }),
            ..Transition::to(Step::Cancelled)
        },
    )
    .await?;
    Ok(Json(Finished {
        return_to: app_return_url(
            &app,
            &flow.row.redirect_uri,
            "access_denied",
            None,
            Some(&flow.row.state),
        ),
    }))
}
