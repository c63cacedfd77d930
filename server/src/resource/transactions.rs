//! `GET /api/v1/accounts/{id}/transactions`: the consented account's
//! transactions over the ~3 months the bank keeps (FAQ 3 Q2), newest first,
//! with a stable cursor.

use super::access::Access;
use crate::clock::jst_date;
use crate::error::{AppError, AppResult};
use crate::tenancy::Union;
use axum::Json;
use axum::extract::{Path, Query};
use jiff::ToSpan;
use jiff::civil::Date;
use renkei_shared::account::{Transaction, Transactions, TransactionsQuery};
use renkei_shared::{ErrorCode, FieldCode, FieldErrors};

/// The months of history the bank keeps and answers for.
pub const RETENTION_MONTHS: i64 = 3;

fn bad(field: &str, code: FieldCode) -> AppError {
    let mut f = FieldErrors::new();
    f.insert(field.into(), vec![code]);
    AppError::Validation(f)
}

#[utoipa::path(
    get,
    path = renkei_shared::account::TRANSACTIONS_PATH,
    tag = "accounts",
    description = "About three months of transactions, newest first, in pages.",
    params(("account_id" = String, Path, description = "The id `/api/v1/accounts` gave"), renkei_shared::account::TransactionsQuery),
    security(("bearer" = []), ("dpop" = [])),
    responses(
        (status = 200, description = "A page of transactions", body = renkei_shared::account::Transactions),
        (status = 400, description = "`out_of_retention`, `invalid_input`", body = renkei_shared::ErrorBody),
        (status = 404, description = "`not_found`: not the linked account", body = renkei_shared::ErrorBody),
        crate::error::ResourceErrors
    )
)]
pub async fn transactions(
    app: Union,
    Access(g): Access,
    Path(id): Path<String>,
    Query(q): Query<TransactionsQuery>,
) -> AppResult<Json<Transactions>> {
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
    let page = app
        .records
        .transactions(&g.account(), (from, to), q.cursor.as_deref(), limit)
        .await?
        .map_err(|_| bad("cursor", FieldCode::CursorInvalid))?;
    let transactions = page
        .items
        .iter()
        .map(|r| Transaction {
            id: r.id.clone(),
            date: r.booked_on.to_string(),
            description: r.description.clone(),
            amount_in: r.amount_in,
            amount_out: r.amount_out,
            balance_after: r.balance_after,
        })
        .collect();
    Ok(Json(Transactions {
        account_id: g.public_id,
        from: from.to_string(),
        to: to.to_string(),
        retained_from: retained_from.to_string(),
        transactions,
        next_cursor: page.next,
    }))
}
