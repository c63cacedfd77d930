//! Every SQL statement of the bank server, one file per aggregate, written
//! once and compiled by each backend's crate (`#[path]`), so each statement
//! is checked against both schemas. A file sees its crate's `Storage`,
//! `Tx` and the model's rows through `crate::*`.
//!
//! Two receivers (issue #22): a statement on one credit union's rows is a
//! method of [`Tenant`] — that union's part of the database — and filters
//! by (or writes) its `institution_id`; only the platform's own statements
//! (apps, institutions, shared keys, sweeps over every union) are methods
//! of `Storage`. Reaching a union's rows needs its `Tenant`, so a statement
//! cannot forget whose rows it reads.
//!
//! | file | tables |
//! |---|---|
//! | `clients` | clients, client_redirect_uris |
//! | `accounts` | accounts, transactions, time_deposits (the bank's records) |
//! | `flows` | flows — and `Storage::transition`, the one way a flow moves |
//! | `lockout` | auth_failures |
//! | `challenges` | phone_challenges, callback_bindings, inbound_calls |
//! | `grants` | consents, auth_codes, tokens |
//! | `requests` | par_requests, used_jtis |
//! | `secrets` | server_secrets (keys every instance shares) |
//! | `maintenance` | maintenance_windows |
//! | `outbox` | mail_outbox |
//! | `oplog` | operation_log (append-only) |
//! | `records` | one import run of the bank's records (accounts, transactions, time_deposits, record_imports) |
//! | `institutions` | institutions (the platform's credit unions) |
//! | `testkit` | what the black-box tests read or break (the `testkit` feature) |

mod accounts;
mod challenges;
mod clients;
mod flows;
mod grants;
mod institutions;
mod lockout;
mod maintenance;
mod oplog;
mod outbox;
mod records;
mod requests;
mod secrets;
mod staff;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use records::RecordsImport;

use crate::{Held, Storage, Tx};

/// One credit union's part of the database: its records, flows, grants,
/// mail, log and staff. Cheap to make (a pool handle and an id).
#[derive(Clone, Debug)]
pub struct Tenant {
    storage: Storage,
    institution: i64,
    /// One request's: the connection its statements share (PostgreSQL).
    held: Option<Held>,
}

impl Storage {
    /// The part of institution `institution` (its row id).
    pub fn tenant(&self, institution: i64) -> Tenant {
        Tenant {
            storage: self.clone(),
            institution,
            held: None,
        }
    }
}

impl Tenant {
    /// The institution's row id.
    pub fn institution(&self) -> i64 {
        self.institution
    }

    /// The database as a whole.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The same part for one request: its statements share a connection
    /// (on PostgreSQL, set to the union once; held until the request's
    /// state is dropped, a transaction begins or [`Tenant::release`]).
    pub fn for_request(&self) -> Tenant {
        Tenant {
            held: Some(Held::default()),
            ..self.clone()
        }
    }

    /// Gives a request's connection back before a wait that is not the
    /// database's (a PIN's hash, a host gateway, a JWKS fetch), so a slow
    /// wait never keeps a connection from other requests.
    pub async fn release(&self) {
        if let Some(held) = &self.held {
            Storage::release(held).await;
        }
    }

    /// A connection for a statement that only reads this union's rows (on
    /// PostgreSQL, one whose row-level security admits only them).
    async fn read(&self) -> sqlx::Result<impl std::ops::DerefMut<Target = crate::Connection>> {
        self.storage
            .union_conn(self.institution, false, self.held.as_ref())
            .await
    }

    /// The same for a statement that writes outside a transaction.
    async fn write(&self) -> sqlx::Result<impl std::ops::DerefMut<Target = crate::Connection>> {
        self.storage
            .union_conn(self.institution, true, self.held.as_ref())
            .await
    }

    /// A writing transaction on this institution's behalf (on PostgreSQL
    /// its row-level security admits only this union's rows).
    async fn begin(&self) -> sqlx::Result<Tx> {
        self.storage
            .union_begin(self.institution, self.held.as_ref())
            .await
    }
}

impl Storage {
    /// How many migrations this database has applied successfully.
    pub async fn migrations_applied(&self) -> sqlx::Result<usize> {
        // unchecked: sqlx's own table, which the offline data's schema (the
        // migrations' SQL alone) does not have.
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(self.read())
            .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
