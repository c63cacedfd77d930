//! Every SQL statement of the server lives in this one module, so moving
//! from the embedded SQLite file to PostgreSQL touches one place. Handlers
//! call typed methods; nothing above this layer sees a query string.

use renkei_shared::api::Step;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

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

    pub async fn client_exists(&self, client_id: &str) -> sqlx::Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE client_id = ?")
            .bind(client_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    pub async fn find_client(&self, client_id: &str) -> sqlx::Result<Option<ClientRow>> {
        sqlx::query_as(
            "SELECT client_id, display_name, redirect_uris, enabled FROM clients WHERE client_id = ?",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
    }

    // ---- flows ---------------------------------------------------------

    pub async fn create_flow(&self, f: NewFlow<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO flows (id, client_id, redirect_uri, state, scope, code_challenge,
                                csrf_token, step, created_at, expires_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(f.id)
        .bind(f.client_id)
        .bind(f.redirect_uri)
        .bind(f.state)
        .bind(f.scope)
        .bind(f.code_challenge)
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
        sqlx::query_as(
            "SELECT id, branch, kind, number, holder_kana, birth_date, phone, has_cash_card,
                    pin_hash, status, moved_to
             FROM accounts WHERE branch = ? AND kind = ? AND number = ?",
        )
        .bind(branch.as_str())
        .bind(kind.code())
        .bind(number.as_str())
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn account_by_id(&self, id: i64) -> sqlx::Result<Option<AccountRow>> {
        sqlx::query_as(
            "SELECT id, branch, kind, number, holder_kana, birth_date, phone, has_cash_card,
                    pin_hash, status, moved_to
             FROM accounts WHERE id = ?",
        )
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
                                   has_cash_card, pin_hash, status, balance)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
