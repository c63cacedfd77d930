//! The account-information API the app is authorized for (resource
//! server): the consented account's balance, its transactions over the
//! ~3 months the bank keeps (FAQ 3 Q2), and its 定期預金. The token comes
//! in the `Authorization` header only — `Bearer`, or `DPoP` with a proof
//! for sender-constrained tokens (RFC 6750 / RFC 9449).

use crate::clock::jst_date;
use crate::error::{AppError, AppResult};
use crate::security::sha256_hex;
use crate::state::AppState;
use crate::storage::AccessGrant;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::ToSpan;
use jiff::civil::Date;
use renkei_shared::domain::AccountKind;
use renkei_shared::{ErrorCode, FieldCode, FieldErrors};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", get(accounts))
        .route("/api/v1/accounts/{id}/transactions", get(transactions))
        .route("/api/v1/time-deposits", get(time_deposits))
}

/// The months of history the bank keeps and answers for.
pub const RETENTION_MONTHS: i64 = 3;

/// A refused token: the wire error plus the RFC 6750 / 9449 challenge.
pub struct TokenRefused {
    code: ErrorCode,
    dpop: bool,
}

impl IntoResponse for TokenRefused {
    fn into_response(self) -> Response {
        let mut resp = AppError::Code(self.code).into_response();
        let error = match self.code {
            ErrorCode::InsufficientScope | ErrorCode::AccountMoved => "insufficient_scope",
            ErrorCode::InvalidDpopProof => "invalid_dpop_proof",
            _ => "invalid_token",
        };
        let challenge = if self.dpop {
            format!(r#"DPoP realm="renkei", error="{error}", algs="ES256 PS256 EdDSA""#)
        } else {
            format!(r#"Bearer realm="renkei", error="{error}""#)
        };
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        resp
    }
}

/// A live access token for the account-information scope.
pub struct Access(pub AccessGrant);

impl FromRequestParts<AppState> for Access {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let refuse = |code: ErrorCode, dpop: bool| TokenRefused { code, dpop }.into_response();
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (scheme_dpop, token) = if let Some(t) = auth.strip_prefix("Bearer ") {
            (false, t.trim())
        } else if let Some(t) = auth.strip_prefix("DPoP ") {
            (true, t.trim())
        } else {
            return Err(refuse(ErrorCode::InvalidToken, false));
        };
        let grant = match app.storage.access_grant(&sha256_hex(token)).await {
            Ok(Some(g)) if g.kind == "access" => g,
            Ok(_) => return Err(refuse(ErrorCode::InvalidToken, scheme_dpop)),
            Err(e) => return Err(AppError::from(e).into_response()),
        };
        let now = app.now_secs();
        let bound = grant.dpop_jkt.is_some();
        if grant.revoked_at.is_some() || grant.consent_revoked_at.is_some() {
            return Err(refuse(ErrorCode::InvalidToken, bound));
        }
        // The 30 days first: the app must then send the customer through
        // API連携認証 again, not merely refresh.
        if now >= grant.consent_expires_at {
            return Err(refuse(ErrorCode::ConsentExpired, bound));
        }
        if now >= grant.expires_at {
            return Err(refuse(ErrorCode::InvalidToken, bound));
        }
        if let Some(jkt) = grant.dpop_jkt.as_deref() {
            // A DPoP-bound token sent as Bearer is refused (RFC 9449 §7.1).
            if !scheme_dpop {
                return Err(refuse(ErrorCode::InvalidToken, true));
            }
            let proof = parts
                .headers
                .get("dpop")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let url = app.config.url(parts.uri.path());
            let method = parts.method.as_str();
            let checked = crate::jose::verify_dpop(proof, method, &url, Some(token), now);
            let ok = match checked {
                Ok(p) if p.jkt == jkt => {
                    let key = sha256_hex(&format!("dpop:{}:{}", p.jkt, p.jti));
                    match app
                        .storage
                        .remember_jti(&key, p.iat + 2 * crate::jose::SKEW_SECS, now)
                        .await
                    {
                        Ok(fresh) => fresh,
                        Err(e) => return Err(AppError::from(e).into_response()),
                    }
                }
                _ => false,
            };
            if !ok {
                return Err(refuse(ErrorCode::InvalidDpopProof, true));
            }
        } else if scheme_dpop {
            return Err(refuse(ErrorCode::InvalidToken, true));
        }
        if grant.account_status == "moved" {
            return Err(refuse(ErrorCode::AccountMoved, bound));
        }
        if grant.account_status != "active" || !grant.scope.split(' ').any(|s| s == "account_info")
        {
            return Err(refuse(ErrorCode::InsufficientScope, bound));
        }
        Ok(Access(grant))
    }
}

fn masked_number(n: &str) -> String {
    format!("***{}", &n[n.len().saturating_sub(4)..])
}

async fn accounts(State(app): State<AppState>, Access(g): Access) -> Json<Value> {
    let kind = AccountKind::parse(&g.account_kind)
        .map(|k| k.code())
        .unwrap_or("other");
    Json(json!({
        "accounts": [{
            "id": g.public_id,
            "branch": g.branch,
            "kind": kind,
            "masked_number": masked_number(&g.number),
            "currency": "JPY",
            "balance": g.balance,
            "available_balance": g.balance,
            "as_of": app.clock.now().to_string(),
        }]
    }))
}

#[derive(Debug, Deserialize)]
struct TxQuery {
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

fn bad(field: &str, code: FieldCode) -> AppError {
    let mut f = FieldErrors::new();
    f.insert(field.into(), vec![code]);
    AppError::Validation(f)
}

async fn transactions(
    State(app): State<AppState>,
    Access(g): Access,
    Path(id): Path<String>,
    Query(q): Query<TxQuery>,
) -> AppResult<Json<Value>> {
    if id != g.public_id {
        return Err(ErrorCode::InsufficientScope.into());
    }
    let today = jst_date(app.clock.now());
    let retained_from = today
        .checked_sub(RETENTION_MONTHS.months())
        .map_err(|e| anyhow::anyhow!("date arithmetic: {e}"))?;
    let parse_date = |s: &Option<String>, field: &str, default: Date| -> AppResult<Date> {
        match s {
            None => Ok(default),
            Some(v) => v
                .parse::<Date>()
                .map_err(|_| bad(field, FieldCode::DateInvalid)),
        }
    };
    let from = parse_date(&q.from, "from", retained_from)?;
    let to = parse_date(&q.to, "to", today)?;
    if from < retained_from {
        return Err(ErrorCode::OutOfRetention.into());
    }
    if from > to {
        return Err(bad("from", FieldCode::DateInvalid));
    }
    let limit = match &q.limit {
        None => 50,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| bad("limit", FieldCode::LimitRange))?,
    };
    let cursor = match &q.cursor {
        None => None,
        Some(c) => Some(decode_cursor(c).ok_or_else(|| bad("cursor", FieldCode::CursorInvalid))?),
    };
    // One more than asked for tells whether there is a next page.
    let mut rows = app
        .storage
        .transactions(
            g.account_id,
            &from.to_string(),
            &to.to_string(),
            cursor.as_ref().map(|(d, i)| (d.as_str(), *i)),
            limit + 1,
        )
        .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(&r.booked_on, r.id))
    } else {
        None
    };
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": encode_cursor(&r.booked_on, r.id),
                "date": r.booked_on,
                "description": r.description,
                "amount_in": r.amount_in,
                "amount_out": r.amount_out,
                "balance_after": r.balance_after,
            })
        })
        .collect();
    Ok(Json(json!({
        "account_id": g.public_id,
        "from": from.to_string(),
        "to": to.to_string(),
        "retained_from": retained_from.to_string(),
        "transactions": items,
        "next_cursor": next_cursor,
    })))
}

fn encode_cursor(date: &str, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{date}|{id}"))
}

fn decode_cursor(c: &str) -> Option<(String, i64)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
    let (d, i) = raw.split_once('|')?;
    d.parse::<Date>().ok()?;
    Some((d.to_owned(), i.parse().ok()?))
}

async fn time_deposits(State(app): State<AppState>, Access(g): Access) -> AppResult<Json<Value>> {
    let rows = app.storage.time_deposits(g.account_id).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|t| {
            json!({
                "principal": t.principal,
                "currency": "JPY",
                "rate_basis_points": t.rate_bp,
                "rate_percent": format!("{}.{:02}", t.rate_bp / 100, t.rate_bp % 100),
                "start_date": t.start_on,
                "maturity_date": t.maturity_on,
            })
        })
        .collect();
    Ok(Json(
        json!({"account_id": g.public_id, "time_deposits": items}),
    ))
}
