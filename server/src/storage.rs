//! Every SQL statement of the server lives in this one module, so moving
//! from the embedded SQLite file to PostgreSQL touches one place. Handlers
//! call typed methods; nothing above this layer sees a query string.

use renkei_shared::api::Step;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// `SELECT` of every [`AccountRow`] column, with a `WHERE` clause.
macro_rules! account_select {
    ($where:literal) => {
        concat!(
            "SELECT id, branch, kind, number, holder_kana, birth_date, phone, has_cash_card,
                    pin_hash, status, moved_to
             FROM accounts WHERE ",
            $where
        )
    };
}

#[derive(Clone, Debug)]
pub struct Storage {
    pool: SqlitePool,
}

/// A registered fintech app.
#[derive(Debug, Clone, FromRow)]
pub struct ClientRow {
    pub client_id: String,
    pub display_name: String,
    pub redirect_uris: String,
    pub enabled: bool,
    pub auth_method: String,
    pub jwks: Option<String>,
    pub require_par: bool,
    pub require_dpop: bool,
    pub secret_hash: String,
}

impl ClientRow {
    pub fn redirect_uris(&self) -> Vec<String> {
        serde_json::from_str(&self.redirect_uris).unwrap_or_default()
    }
}

pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub display_name: &'a str,
    pub redirect_uris: &'a [String],
    pub secret_hash: &'a str,
    pub now: i64,
}

/// One linkage in progress.
#[derive(Debug, Clone, FromRow)]
pub struct FlowRow {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub scope: String,
    pub csrf_token: String,
    pub step: String,
    pub account_id: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl FlowRow {
    pub fn step(&self) -> Option<Step> {
        Step::from_code(&self.step)
    }
}

pub struct NewFlow<'a> {
    pub id: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub scope: &'a str,
    pub code_challenge: &'a str,
    pub dpop_jkt: Option<&'a str>,
    pub csrf_token: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// The bank's record of a deposit account.
#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub branch: String,
    pub kind: String,
    pub number: String,
    pub holder_kana: String,
    pub birth_date: String,
    pub phone: String,
    pub has_cash_card: bool,
    pub pin_hash: Option<String>,
    pub status: String,
    pub moved_to: Option<i64>,
}

pub struct NewAccount<'a> {
    pub branch: &'a str,
    pub kind: &'a str,
    pub number: &'a str,
    pub holder_kana: &'a str,
    pub birth_date: &'a str,
    pub phone: &'a str,
    pub pin_hash: Option<&'a str>,
    pub status: &'a str,
    pub balance: i64,
}

pub struct NewTransaction {
    pub booked_on: String,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

/// A phone challenge as the flow sees it.
#[derive(Debug, Clone, FromRow)]
pub struct ChallengeRow {
    pub id: i64,
    pub deadline: i64,
    pub verified_at: Option<i64>,
}

/// An inbound call as the carrier reported it.
#[derive(Debug, Clone, Copy)]
pub struct InboundCall<'a> {
    pub call_id: &'a str,
    /// Domestic digits of the caller, or `None` when withheld (非通知).
    pub caller: Option<&'a str>,
    pub caller_mask: &'a str,
    pub called: &'a str,
    pub now: i64,
}

/// What 許可する writes in one transaction.
pub struct NewGrant<'a> {
    pub flow_id: &'a str,
    pub client_id: &'a str,
    pub account_id: i64,
    pub scope: &'a str,
    pub terms_version: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub code_hash: &'a str,
    pub code_expires_at: i64,
    pub mail: Option<MailToSend<'a>>,
}

/// A mail to queue.
#[derive(Debug, Clone, Copy)]
pub struct MailToSend<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

async fn enqueue_mail(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    mail: MailToSend<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(mail.to)
    .bind(mail.subject)
    .bind(mail.body)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct MailRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct CodeRow {
    pub consent_id: i64,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub dpop_jkt: Option<String>,
    pub scope: String,
    pub consent_expires_at: i64,
}

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub kind: &'a str,
    pub consent_id: i64,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub issued_at: i64,
    pub expires_at: i64,
    pub dpop_jkt: Option<&'a str>,
}

#[derive(Debug, Clone, FromRow)]
pub struct TokenRow {
    pub kind: String,
    pub consent_id: i64,
    pub client_id: String,
    pub scope: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub rotated_at: Option<i64>,
    pub dpop_jkt: Option<String>,
    pub consent_expires_at: i64,
    pub consent_revoked_at: Option<i64>,
}

/// What the resource server needs to know about an access token.
#[derive(Debug, Clone, FromRow)]
pub struct AccessGrant {
    pub kind: String,
    pub scope: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub dpop_jkt: Option<String>,
    pub consent_id: i64,
    pub consent_expires_at: i64,
    pub consent_revoked_at: Option<i64>,
    pub account_id: i64,
    pub public_id: String,
    pub branch: String,
    pub account_kind: String,
    pub number: String,
    pub balance: i64,
    pub account_status: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct TransactionRow {
    pub id: i64,
    pub booked_on: String,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct TimeDepositRow {
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: String,
    pub maturity_on: String,
}

/// The demo app's session: the tokens it holds (demo mode only).
#[derive(Debug, Clone, FromRow)]
pub struct DemoSession {
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_at: i64,
    pub consent_expires_at: i64,
}

/// Whose failures, on which JST day: the unit of the daily lockout.
#[derive(Debug, Clone, Copy)]
pub struct LockKey<'a> {
    pub account_id: i64,
    pub jst_day: &'a str,
}

/// One line of the append-only operation log.
#[derive(Debug, Default, Clone)]
pub struct OpLog<'a> {
    pub at: i64,
    pub flow_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub step: &'a str,
    pub outcome: &'a str,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub kana_name: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// A logged line as read back.
#[derive(Debug, Clone, FromRow)]
pub struct OpLogRow {
    pub step: String,
    pub outcome: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub kana_name: Option<String>,
    pub detail: Option<String>,
}

impl Storage {
    /// Opens (creating if missing) the database and brings its schema up to
    /// date. The pool is bounded: requests wait at most `acquire_timeout`
    /// for a connection, then fail as `system_error` rather than queue.
    pub async fn connect(url: &str) -> anyhow::Result<Storage> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p))
            && let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // WAL: readers never block the writer; with synchronous=NORMAL a
            // crash loses at most the last commits, never consistency.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Storage { pool })
    }

    /// For tests that need to break the database under a running server.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    // ---- clients -------------------------------------------------------

    pub async fn insert_client(&self, c: NewClient<'_>) -> sqlx::Result<()> {
        let uris = serde_json::to_string(c.redirect_uris).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO clients (client_id, display_name, redirect_uris, secret_hash, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(c.client_id)
        .bind(c.display_name)
        .bind(uris)
        .bind(c.secret_hash)
        .bind(c.now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn set_client_secret(&self, client_id: &str, secret_hash: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE clients SET secret_hash = ? WHERE client_id = ?")
            .bind(secret_hash)
            .bind(client_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Client authentication method and keys (set by `client add`).
    pub async fn set_client_auth(
        &self,
        client_id: &str,
        auth_method: &str,
        jwks: Option<&str>,
        require_par: bool,
        require_dpop: bool,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE clients SET auth_method = ?, jwks = ?, require_par = ?, require_dpop = ?
             WHERE client_id = ?",
        )
        .bind(auth_method)
        .bind(jwks)
        .bind(require_par)
        .bind(require_dpop)
        .bind(client_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // ---- PAR and replay protection -------------------------------------------

    pub async fn insert_par(
        &self,
        uri_hash: &str,
        client_id: &str,
        params: &str,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO par_requests (request_uri_hash, client_id, params, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(uri_hash)
        .bind(client_id)
        .bind(params)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses a pushed request once: its params if it exists for this client,
    /// is unused and unexpired.
    pub async fn take_par(
        &self,
        uri_hash: &str,
        client_id: &str,
        now: i64,
    ) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar(
            "UPDATE par_requests SET used_at = ?
             WHERE request_uri_hash = ? AND client_id = ? AND used_at IS NULL AND expires_at > ?
             RETURNING params",
        )
        .bind(now)
        .bind(uri_hash)
        .bind(client_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// Records a `jti`; `false` if it was seen before (a replay).
    pub async fn remember_jti(
        &self,
        jti_hash: &str,
        expires_at: i64,
        now: i64,
    ) -> sqlx::Result<bool> {
        sqlx::query("DELETE FROM used_jtis WHERE expires_at < ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        let done = sqlx::query(
            "INSERT INTO used_jtis (jti_hash, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(jti_hash)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn client_exists(&self, client_id: &str) -> sqlx::Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE client_id = ?")
            .bind(client_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    pub async fn find_client(&self, client_id: &str) -> sqlx::Result<Option<ClientRow>> {
        sqlx::query_as(
            "SELECT client_id, display_name, redirect_uris, enabled, auth_method, jwks, require_par,
                    require_dpop, secret_hash
             FROM clients WHERE client_id = ?",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
    }

    // ---- flows ---------------------------------------------------------

    pub async fn create_flow(&self, f: NewFlow<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO flows (id, client_id, redirect_uri, state, scope, code_challenge,
                                dpop_jkt, csrf_token, step, created_at, expires_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(f.id)
        .bind(f.client_id)
        .bind(f.redirect_uri)
        .bind(f.state)
        .bind(f.scope)
        .bind(f.code_challenge)
        .bind(f.dpop_jkt)
        .bind(f.csrf_token)
        .bind(Step::Account.code())
        .bind(f.now)
        .bind(f.expires_at)
        .bind(f.now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn find_flow(&self, id: &str) -> sqlx::Result<Option<FlowRow>> {
        sqlx::query_as(
            "SELECT id, client_id, redirect_uri, state, scope, csrf_token, step, account_id,
                    created_at, expires_at
             FROM flows WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Moves a flow from `from` to `to` in one statement: if another request
    /// moved it first (double submit, two tabs), nothing changes and the
    /// caller gets `false`.
    pub async fn advance_flow(
        &self,
        id: &str,
        from: Step,
        to: Step,
        account_id: Option<i64>,
        now: i64,
    ) -> sqlx::Result<bool> {
        // The state machine's table: a move it does not list is a bug here,
        // never something a request can cause.
        debug_assert!(from.may_follow().contains(&to), "{from:?} -> {to:?}");
        if !from.may_follow().contains(&to) {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE flows SET step = ?, account_id = COALESCE(?, account_id), updated_at = ?
             WHERE id = ? AND step = ? AND expires_at > ?",
        )
        .bind(to.code())
        .bind(account_id)
        .bind(now)
        .bind(id)
        .bind(from.code())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends an open flow as cancelled; `false` if it was already over.
    pub async fn cancel_flow(&self, id: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE flows SET step = ?, updated_at = ?
             WHERE id = ? AND step NOT IN (?, ?)",
        )
        .bind(Step::Cancelled.code())
        .bind(now)
        .bind(id)
        .bind(Step::Cancelled.code())
        .bind(Step::Completed.code())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- the bank's records ---------------------------------------------

    pub async fn find_account(
        &self,
        branch: &BranchNumber,
        kind: AccountKind,
        number: &AccountNumber,
    ) -> sqlx::Result<Option<AccountRow>> {
        sqlx::query_as(account_select!("branch = ? AND kind = ? AND number = ?"))
            .bind(branch.as_str())
            .bind(kind.code())
            .bind(number.as_str())
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn account_by_id(&self, id: i64) -> sqlx::Result<Option<AccountRow>> {
        sqlx::query_as(account_select!("id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn count_accounts(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.pool)
            .await
    }

    /// Inserts one account with its history in a single transaction, so a
    /// crash mid-seed leaves either the whole account or none of it.
    pub async fn insert_account_with_history(
        &self,
        a: NewAccount<'_>,
        history: &[NewTransaction],
        time_deposit: Option<(i64, i64, &str, &str)>,
    ) -> sqlx::Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (branch, kind, number, holder_kana, birth_date, phone,
                                   has_cash_card, pin_hash, status, balance, public_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'acc_' || lower(hex(randomblob(16))))
             RETURNING id",
        )
        .bind(a.branch)
        .bind(a.kind)
        .bind(a.number)
        .bind(a.holder_kana)
        .bind(a.birth_date)
        .bind(a.phone)
        .bind(a.pin_hash.is_some())
        .bind(a.pin_hash)
        .bind(a.status)
        .bind(a.balance)
        .fetch_one(&mut *tx)
        .await?;
        for t in history {
            sqlx::query(
                "INSERT INTO transactions (account_id, booked_on, description, amount_in,
                                           amount_out, balance_after)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&t.booked_on)
            .bind(&t.description)
            .bind(t.amount_in)
            .bind(t.amount_out)
            .bind(t.balance_after)
            .execute(&mut *tx)
            .await?;
        }
        if let Some((principal, rate_bp, start, maturity)) = time_deposit {
            sqlx::query(
                "INSERT INTO time_deposits (account_id, principal, rate_bp, start_on, maturity_on)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(principal)
            .bind(rate_bp)
            .bind(start)
            .bind(maturity)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// 口座移管: marks `old` as moved to `new`.
    pub async fn mark_moved(&self, old: i64, new: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE accounts SET status = 'moved', moved_to = ? WHERE id = ?")
            .bind(new)
            .bind(old)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes a guarded step (お客様情報入力 → SOA208, PIN → SOA206) unless the
    /// account got locked meanwhile. One statement, so a correct attempt
    /// racing the attempt that locks the account cannot slip through.
    /// `email` is kept on the flow for the completion mail when given.
    #[allow(clippy::too_many_arguments)]
    pub async fn advance_unless_locked(
        &self,
        flow_id: &str,
        from: Step,
        to: Step,
        email: Option<&str>,
        lock: LockKey<'_>,
        threshold: i64,
        now: i64,
    ) -> sqlx::Result<bool> {
        if !from.may_follow().contains(&to) {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE flows SET step = ?, email = COALESCE(?, email), updated_at = ?
             WHERE id = ? AND step = ? AND expires_at > ?
               AND (SELECT COALESCE(MAX(failures), 0) FROM auth_failures
                    WHERE account_id = ? AND jst_day = ?) < ?",
        )
        .bind(to.code())
        .bind(email)
        .bind(now)
        .bind(flow_id)
        .bind(from.code())
        .bind(now)
        .bind(lock.account_id)
        .bind(lock.jst_day)
        .bind(threshold)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- phone callback -------------------------------------------------

    /// The flow's current (not voided) challenge, if any.
    pub async fn current_challenge(&self, flow_id: &str) -> sqlx::Result<Option<ChallengeRow>> {
        sqlx::query_as(
            "SELECT id, deadline, verified_at FROM phone_challenges
             WHERE flow_id = ? AND void = 0 ORDER BY id DESC LIMIT 1",
        )
        .bind(flow_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn create_challenge(
        &self,
        flow_id: &str,
        expected_caller: &str,
        called_number: &str,
        now: i64,
        deadline: i64,
    ) -> sqlx::Result<ChallengeRow> {
        sqlx::query_as(
            "INSERT INTO phone_challenges (flow_id, expected_caller, called_number, created_at, deadline)
             VALUES (?, ?, ?, ?, ?) RETURNING id, deadline, verified_at",
        )
        .bind(flow_id)
        .bind(expected_caller)
        .bind(called_number)
        .bind(now)
        .bind(deadline)
        .fetch_one(&self.pool)
        .await
    }

    /// Records an inbound call once and, for a new call from a shown number,
    /// verifies the one open challenge it matches — in one transaction.
    /// Returns `None` for a replayed `call_id` (nothing happens twice),
    /// otherwise whether a challenge was verified.
    pub async fn record_inbound_call(&self, call: InboundCall<'_>) -> sqlx::Result<Option<bool>> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO inbound_calls (call_id, caller_mask, called, received_at, outcome)
             VALUES (?, ?, ?, ?, 'received') ON CONFLICT (call_id) DO NOTHING",
        )
        .bind(call.call_id)
        .bind(call.caller_mask)
        .bind(call.called)
        .bind(call.now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(None);
        }
        let verified = match call.caller {
            None => false,
            Some(caller) => {
                sqlx::query(
                    "UPDATE phone_challenges SET verified_at = ?, call_id = ?
                     WHERE id = (SELECT id FROM phone_challenges
                                 WHERE expected_caller = ? AND called_number = ?
                                   AND deadline > ? AND verified_at IS NULL AND void = 0
                                 ORDER BY id DESC LIMIT 1)",
                )
                .bind(call.now)
                .bind(call.call_id)
                .bind(caller)
                .bind(call.called)
                .bind(call.now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1
            }
        };
        let outcome = match (call.caller, verified) {
            (None, _) => "withheld",
            (Some(_), true) => "verified",
            (Some(_), false) => "no_matching_challenge",
        };
        sqlx::query("UPDATE inbound_calls SET outcome = ? WHERE call_id = ?")
            .bind(outcome)
            .bind(call.call_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(verified))
    }

    /// The 120 seconds ran out: the challenge is void and the flow goes
    /// back to SOA201 (seed section 7: start again from the beginning),
    /// forgetting the account and e-mail entered.
    pub async fn restart_after_expiry(&self, flow_id: &str, now: i64) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE phone_challenges SET void = 1 WHERE flow_id = ? AND void = 0")
            .bind(flow_id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "UPDATE flows SET step = ?, account_id = NULL, email = NULL, updated_at = ?
             WHERE id = ? AND step = ?",
        )
        .bind(Step::Account.code())
        .bind(now)
        .bind(flow_id)
        .bind(Step::PhoneCall.code())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- lockout ---------------------------------------------------------

    /// Failures counted so far for this account today.
    pub async fn failures(&self, lock: LockKey<'_>) -> sqlx::Result<i64> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT failures FROM auth_failures WHERE account_id = ? AND jst_day = ?",
        )
        .bind(lock.account_id)
        .bind(lock.jst_day)
        .fetch_optional(&self.pool)
        .await?;
        Ok(n.unwrap_or(0))
    }

    /// Counts one more failure and returns the new count, atomically: 20
    /// concurrent failures count exactly 20.
    pub async fn record_failure(&self, lock: LockKey<'_>) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO auth_failures (account_id, jst_day, failures) VALUES (?, ?, 1)
             ON CONFLICT (account_id, jst_day) DO UPDATE SET failures = failures + 1
             RETURNING failures",
        )
        .bind(lock.account_id)
        .bind(lock.jst_day)
        .fetch_one(&self.pool)
        .await
    }

    /// Staff lift today's lock early; `false` if there was nothing to lift.
    pub async fn lift_lock(&self, lock: LockKey<'_>) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM auth_failures WHERE account_id = ? AND jst_day = ?")
            .bind(lock.account_id)
            .bind(lock.jst_day)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    // ---- clients, by staff -------------------------------------------------

    pub async fn set_client_enabled(&self, client_id: &str, enabled: bool) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE clients SET enabled = ? WHERE client_id = ?")
            .bind(enabled)
            .bind(client_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- maintenance windows ----------------------------------------------

    pub async fn add_maintenance(
        &self,
        starts_at: i64,
        ends_at: i64,
        reason: &str,
        now: i64,
    ) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO maintenance_windows (starts_at, ends_at, reason, created_at)
             VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(starts_at)
        .bind(ends_at)
        .bind(reason)
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn in_maintenance(&self, now: i64) -> sqlx::Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM maintenance_windows WHERE starts_at <= ? AND ends_at > ?",
        )
        .bind(now)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    // ---- consent, codes, tokens --------------------------------------------

    /// 許可する: in one transaction, the consent row, the authorization code,
    /// the completion mail, and the flow completed with its e-mail erased.
    /// `Ok(None)` if the flow was no longer at the consent step.
    pub async fn grant_consent(&self, g: NewGrant<'_>) -> sqlx::Result<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE flows SET step = ?, email = NULL, updated_at = ?
             WHERE id = ? AND step = ? AND expires_at > ?",
        )
        .bind(Step::Completed.code())
        .bind(g.now)
        .bind(g.flow_id)
        .bind(Step::Consent.code())
        .bind(g.now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let consent_id: i64 = sqlx::query_scalar(
            "INSERT INTO consents (client_id, account_id, scope, terms_version, granted_at,
                                   expires_at, client_ip, user_agent)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(g.client_id)
        .bind(g.account_id)
        .bind(g.scope)
        .bind(g.terms_version)
        .bind(g.now)
        .bind(g.expires_at)
        .bind(g.client_ip)
        .bind(g.user_agent)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO auth_codes (code_hash, consent_id, client_id, redirect_uri,
                                     code_challenge, dpop_jkt, expires_at)
             SELECT ?, ?, client_id, redirect_uri, code_challenge, dpop_jkt, ? FROM flows WHERE id = ?",
        )
        .bind(g.code_hash)
        .bind(consent_id)
        .bind(g.code_expires_at)
        .bind(g.flow_id)
        .execute(&mut *tx)
        .await?;
        if let Some(mail) = g.mail {
            enqueue_mail(&mut tx, mail, g.now).await?;
        }
        tx.commit().await?;
        Ok(Some(consent_id))
    }

    /// 拒否する: the flow ends as cancelled and the notice mail is queued,
    /// in one transaction. `false` if the flow was not at the consent step.
    pub async fn deny_consent(
        &self,
        flow_id: &str,
        mail: Option<MailToSend<'_>>,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE flows SET step = ?, email = NULL, updated_at = ? WHERE id = ? AND step = ?",
        )
        .bind(Step::Cancelled.code())
        .bind(now)
        .bind(flow_id)
        .bind(Step::Consent.code())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        if let Some(mail) = mail {
            enqueue_mail(&mut tx, mail, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The e-mail kept on the flow (for the completion mail).
    pub async fn flow_email(&self, flow_id: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT email FROM flows WHERE id = ?")
            .bind(flow_id)
            .fetch_one(&self.pool)
            .await
    }

    pub async fn find_code(&self, code_hash: &str) -> sqlx::Result<Option<CodeRow>> {
        sqlx::query_as(
            "SELECT c.consent_id, c.client_id, c.redirect_uri, c.code_challenge, c.expires_at,
                    c.used_at, c.dpop_jkt, k.scope, k.expires_at AS consent_expires_at
             FROM auth_codes c JOIN consents k ON k.id = c.consent_id
             WHERE c.code_hash = ?",
        )
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await
    }

    /// Marks a code used; `false` if it already was (a replay).
    pub async fn use_code(&self, code_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE auth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
        )
        .bind(now)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Revokes the consent and every token issued under it, at once.
    pub async fn revoke_grant(&self, consent_id: i64, by: &str, now: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE consents SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(by)
            .bind(consent_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE tokens SET revoked_at = ? WHERE consent_id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(consent_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn insert_token(&self, t: NewToken<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO tokens (token_hash, kind, consent_id, client_id, scope, issued_at, expires_at,
                                 dpop_jkt)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(t.token_hash)
        .bind(t.kind)
        .bind(t.consent_id)
        .bind(t.client_id)
        .bind(t.scope)
        .bind(t.issued_at)
        .bind(t.expires_at)
        .bind(t.dpop_jkt)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn find_token(&self, token_hash: &str) -> sqlx::Result<Option<TokenRow>> {
        sqlx::query_as(
            "SELECT t.kind, t.consent_id, t.client_id, t.scope, t.issued_at, t.expires_at,
                    t.revoked_at, t.rotated_at, t.dpop_jkt, k.expires_at AS consent_expires_at,
                    k.revoked_at AS consent_revoked_at
             FROM tokens t JOIN consents k ON k.id = t.consent_id
             WHERE t.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    /// Replaces a refresh token (rotation); `false` if it was already
    /// rotated or revoked, which the caller treats as reuse.
    pub async fn rotate_refresh(&self, token_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE tokens SET rotated_at = ?, revoked_at = ?
             WHERE token_hash = ? AND kind = 'refresh' AND rotated_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn revoke_token(&self, token_hash: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- mail outbox -------------------------------------------------------

    /// Claims up to `limit` due mails for `lease_secs`, so two instances
    /// never send the same mail at once.
    pub async fn claim_mail(
        &self,
        now: i64,
        lease_secs: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<MailRow>> {
        sqlx::query_as(
            "UPDATE mail_outbox SET locked_until = ?
             WHERE id IN (SELECT id FROM mail_outbox
                          WHERE sent_at IS NULL AND next_attempt_at <= ? AND locked_until <= ?
                          ORDER BY id LIMIT ?)
             RETURNING id, to_addr, subject, body, attempts",
        )
        .bind(now + lease_secs)
        .bind(now)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Sent: the address is erased (FAQ Q5), the rest kept as a record.
    pub async fn mail_sent(&self, id: i64, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE mail_outbox SET sent_at = ?, to_addr = '', last_error = NULL WHERE id = ?",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    pub async fn mail_failed(&self, id: i64, error: &str, retry_at: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                                    locked_until = 0
             WHERE id = ?",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn mail_rows(&self) -> sqlx::Result<Vec<(String, Option<i64>, i64)>> {
        sqlx::query_as("SELECT to_addr, sent_at, attempts FROM mail_outbox ORDER BY id")
            .fetch_all(&self.pool)
            .await
    }

    // ---- account-information API ----------------------------------------------

    /// The live access token's grant and account, for the resource server.
    pub async fn access_grant(&self, token_hash: &str) -> sqlx::Result<Option<AccessGrant>> {
        sqlx::query_as(
            "SELECT t.kind, t.scope, t.expires_at, t.revoked_at, t.dpop_jkt, k.id AS consent_id,
                    k.expires_at AS consent_expires_at, k.revoked_at AS consent_revoked_at,
                    a.id AS account_id, a.public_id, a.branch, a.kind AS account_kind, a.number,
                    a.balance, a.status AS account_status
             FROM tokens t
             JOIN consents k ON k.id = t.consent_id
             JOIN accounts a ON a.id = k.account_id
             WHERE t.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    /// Transactions newest first, in a stable order (date, then id), from
    /// after `cursor` (exclusive) within [from, to], at most `limit`.
    pub async fn transactions(
        &self,
        account_id: i64,
        from: &str,
        to: &str,
        cursor: Option<(&str, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<TransactionRow>> {
        let (c_date, c_id) = cursor.unwrap_or(("9999-12-31", i64::MAX));
        sqlx::query_as(
            "SELECT id, booked_on, description, amount_in, amount_out, balance_after
             FROM transactions
             WHERE account_id = ? AND booked_on >= ? AND booked_on <= ?
               AND (booked_on < ? OR (booked_on = ? AND id < ?))
             ORDER BY booked_on DESC, id DESC
             LIMIT ?",
        )
        .bind(account_id)
        .bind(from)
        .bind(to)
        .bind(c_date)
        .bind(c_date)
        .bind(c_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn time_deposits(&self, account_id: i64) -> sqlx::Result<Vec<TimeDepositRow>> {
        sqlx::query_as(
            "SELECT principal, rate_bp, start_on, maturity_on FROM time_deposits
             WHERE account_id = ? ORDER BY start_on, id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Staff: revoke every live consent on an account; returns how many.
    pub async fn revoke_account_consents(&self, account_id: i64, now: i64) -> sqlx::Result<u64> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM consents WHERE account_id = ? AND revoked_at IS NULL",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        for id in &ids {
            self.revoke_grant(*id, "staff", now).await?;
        }
        Ok(ids.len() as u64)
    }

    // ---- demo mode ---------------------------------------------------------

    /// The demo app's key pairs, created on first use.
    pub async fn demo_keys(
        &self,
        make: impl FnOnce() -> (String, String),
    ) -> sqlx::Result<(String, String)> {
        if let Some(keys) =
            sqlx::query_as("SELECT auth_pkcs8, dpop_pkcs8 FROM demo_client_keys WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?
        {
            return Ok(keys);
        }
        let (auth, dpop) = make();
        sqlx::query("INSERT INTO demo_client_keys (id, auth_pkcs8, dpop_pkcs8) VALUES (1, ?, ?) ON CONFLICT DO NOTHING")
            .bind(&auth)
            .bind(&dpop)
            .execute(&self.pool)
            .await?;
        sqlx::query_as("SELECT auth_pkcs8, dpop_pkcs8 FROM demo_client_keys WHERE id = 1")
            .fetch_one(&self.pool)
            .await
    }

    pub async fn save_demo_session(&self, id: &str, s: &DemoSession, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO demo_sessions (id, access_token, refresh_token, access_expires_at,
                                        consent_expires_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token,
                 refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at,
                 consent_expires_at = excluded.consent_expires_at",
        )
        .bind(id)
        .bind(&s.access_token)
        .bind(&s.refresh_token)
        .bind(s.access_expires_at)
        .bind(s.consent_expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn demo_session(&self, id: &str) -> sqlx::Result<Option<DemoSession>> {
        sqlx::query_as(
            "SELECT access_token, refresh_token, access_expires_at, consent_expires_at
             FROM demo_sessions WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn delete_demo_session(&self, id: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM demo_sessions WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- operation log ---------------------------------------------------

    pub async fn log_operation(&self, e: OpLog<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO operation_log (at, flow_id, client_id, step, outcome, client_ip,
                                        user_agent, kana_name, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.at)
        .bind(e.flow_id)
        .bind(e.client_id)
        .bind(e.step)
        .bind(e.outcome)
        .bind(e.client_ip)
        .bind(e.user_agent)
        .bind(e.kana_name)
        .bind(e.detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Outcomes logged for a flow, oldest first (for tests and staff tools).
    pub async fn operation_log(&self) -> sqlx::Result<Vec<OpLogRow>> {
        sqlx::query_as(
            "SELECT step, outcome, client_ip, user_agent, kana_name, detail
             FROM operation_log ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
    }
}
