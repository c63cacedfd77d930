//! The records port: everything Renkei asks of the bank's records, behind
//! one type with two adapters. `Embedded` reads the tables `records import`
//! loads; `Gateway` asks the bank's host gateway over HTTPS every time
//! (`docs/host-gateway.openapi.yaml`). No step or handler reads the records
//! any other way; what Renkei keeps of its own (flows, consents, locks)
//! points at an [`AccountRow`] reference, whichever adapter runs.

use super::gateway::Gateway;
pub use super::model::{BadCursor, Balance, Holder, TimeDeposit, Txn, TxnPage};
use crate::db::{AccountRow, Day, Tenant, TransactionRow};
use crate::error::AppResult;
use crate::hashing::Hasher;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::civil::Date;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber, Pin};
use zeroize::Zeroizing;

/// The bank's records, as one of the two adapters serves them.
#[derive(Clone)]
pub enum Records {
    /// The tables `records import` loads (the default).
    Embedded { storage: Tenant, hasher: Hasher },
    /// The host gateway at `RENKEI_RECORDS_URL`.
    Gateway { storage: Tenant, gateway: Gateway },
}

/// `gateway`, once the request's connection to `storage` is given back:
/// waiting for the gateway's answer holds none.
async fn free<'a>(storage: &Tenant, gateway: &'a Gateway) -> &'a Gateway {
    storage.release().await;
    gateway
}

impl Records {
    /// The same adapter on another union's rows (the first union's state
    /// made for a request; every other union's adapter is its profile's,
    /// `tenancy::state_for`).
    pub fn for_tenant(&self, tenant: Tenant) -> Records {
        match self {
            Records::Embedded { hasher, .. } => Records::Embedded {
                storage: tenant,
                hasher: hasher.clone(),
            },
            Records::Gateway { gateway, .. } => Records::Gateway {
                storage: tenant,
                gateway: gateway.clone(),
            },
        }
    }

    /// SOA201: the account with this key if the bank holds it and it can
    /// link, as the reference Renkei's flow will point at.
    pub async fn find_linkable(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> AppResult<Option<AccountRow>> {
        match self {
            Records::Embedded { storage, .. } => Ok(storage
                .embedded_account(branch, kind, number)
                .await?
                .filter(|a| Holder::from(&a.record).can_link())
                .map(|a| a.account)),
            Records::Gateway { storage, gateway } => {
                match free(storage, gateway)
                    .await
                    .find(branch.as_str(), kind, number.as_str())
                    .await?
                {
                    // Only an account that can link gets a reference row.
                    Some(h) if h.can_link() => {
                        Ok(Some(storage.gateway_reference(branch, kind, number).await?))
                    }
                    _ => Ok(None),
                }
            }
        }
    }

    /// The holder's identity and the account's standing, read now.
    /// `None` when the bank no longer holds the account.
    pub async fn holder(&self, a: &AccountRow) -> AppResult<Option<Holder>> {
        match self {
            Records::Embedded { storage, .. } => Ok(storage
                .embedded_record(a.id)
                .await?
                .as_ref()
                .map(Holder::from)),
            Records::Gateway { storage, gateway } => {
                free(storage, gateway)
                    .await
                    .find(&a.branch, a.kind, &a.number)
                    .await
            }
        }
    }

    /// Whether `pin` is the cash card's PIN. An account without a PIN on
    /// record is refused like a wrong PIN, never let through.
    pub async fn check_pin(&self, a: &AccountRow, pin: Pin) -> AppResult<bool> {
        match self {
            Records::Embedded { storage, hasher } => {
                let hash = storage
                    .embedded_record(a.id)
                    .await?
                    .and_then(|r| r.pin_hash);
                // The hash's queue and pass hold no connection.
                storage.release().await;
                Ok(match hash {
                    Some(hash) => {
                        hasher
                            .verify(Zeroizing::new(pin.expose().to_owned()), hash)
                            .await?
                    }
                    None => false,
                })
            }
            Records::Gateway { storage, gateway } => {
                free(storage, gateway).await.check_pin(a, pin).await
            }
        }
    }

    pub async fn balance(&self, a: &AccountRow) -> AppResult<Option<Balance>> {
        match self {
            Records::Embedded { storage, .. } => {
                Ok(storage.embedded_record(a.id).await?.map(|r| Balance {
                    balance: r.balance,
                    available_balance: r.available_balance,
                }))
            }
            Records::Gateway { storage, gateway } => free(storage, gateway).await.balance(a).await,
        }
    }

    /// Transactions booked in [from, to], newest first, after `cursor`.
    pub async fn transactions(
        &self,
        a: &AccountRow,
        (from, to): (Date, Date),
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<Result<TxnPage, BadCursor>> {
        match self {
            Records::Embedded { storage, .. } => {
                let after = match cursor {
                    None => None,
                    Some(c) => match decode_cursor(c) {
                        Some(after) => Some(after),
                        None => return Ok(Err(BadCursor)),
                    },
                };
                // One more than asked for tells whether there is a next page.
                let mut rows = storage
                    .transactions(a.id, (Day(from), Day(to)), after, limit + 1)
                    .await?;
                let more = rows.len() as i64 > limit;
                rows.truncate(limit as usize);
                let next = if more {
                    rows.last().map(|r| encode_cursor(r.booked_on, r.id))
                } else {
                    None
                };
                Ok(Ok(TxnPage {
                    items: rows.iter().map(txn_of_row).collect(),
                    next,
                }))
            }
            Records::Gateway { storage, gateway } => {
                let gateway = free(storage, gateway).await;
                // The gateway's own cursor, wrapped so every cursor an app
                // holds has one shape.
                let after = match cursor {
                    None => None,
                    Some(c) => match URL_SAFE_NO_PAD
                        .decode(c)
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                        .filter(|c| c.len() <= 200)
                    {
                        Some(c) => Some(c),
                        None => return Ok(Err(BadCursor)),
                    },
                };
                let mut page = gateway
                    .transactions(a, (from, to), after.as_deref(), limit)
                    .await?;
                page.next = page.next.map(|c| URL_SAFE_NO_PAD.encode(c));
                Ok(Ok(page))
            }
        }
    }

    pub async fn time_deposits(&self, a: &AccountRow) -> AppResult<Vec<TimeDeposit>> {
        match self {
            Records::Embedded { storage, .. } => Ok(storage
                .time_deposits(a.id)
                .await?
                .into_iter()
                .map(|t| TimeDeposit {
                    principal: t.principal,
                    rate_bp: t.rate_bp,
                    start_on: t.start_on.0,
                    maturity_on: t.maturity_on.0,
                })
                .collect()),
            Records::Gateway { storage, gateway } => {
                free(storage, gateway).await.time_deposits(a).await
            }
        }
    }
}

fn txn_of_row(r: &TransactionRow) -> Txn {
    Txn {
        id: encode_cursor(r.booked_on, r.id),
        booked_on: r.booked_on.0,
        description: r.description.clone(),
        amount_in: r.amount_in,
        amount_out: r.amount_out,
        balance_after: r.balance_after,
    }
}

fn encode_cursor(date: Day, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{date}|{id}"))
}

fn decode_cursor(c: &str) -> Option<(Day, i64)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
    let (d, i) = raw.split_once('|')?;
    Some((Day(d.parse::<Date>().ok()?), i.parse().ok()?))
}
