//! Every SQL statement of the bank server, one file per aggregate, written
//! once and compiled by each backend's crate (`#[path]`), so each statement
//! is checked against both schemas. A file sees its crate's `Storage`,
//! `Tx` and the model's rows through `crate::*`.
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
//! | `testkit` | what the black-box tests read or break (the `testkit` feature) |

mod accounts;
mod challenges;
mod clients;
mod flows;
mod grants;
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

use crate::Storage;

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
