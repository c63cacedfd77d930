//! Staff members, their enrolment links, passkeys, WebAuthn ceremonies in
//! progress and sessions; and what the console reads about an account.

use super::{OpLog, Storage, Tx};
use renkei_shared::staff::StaffRole;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub role: StaffRole,
    pub user_handle: String,
    pub disabled_at: Option<i64>,
}

/// A staff member as the admin's list shows them.
#[derive(Debug, Clone, FromRow)]
pub struct StaffListRow {
    pub name: String,
    pub role: StaffRole,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub passkeys: i64,
}

/// A live session with its staff member (never a disabled one).
#[derive(Debug, Clone, FromRow)]
pub struct StaffSessionRow {
    pub staff_id: i64,
    pub name: String,
    pub role: StaffRole,
    pub csrf_token: String,
}

/// A WebAuthn ceremony taken back (once) by the request that finishes it.
#[derive(Debug, Clone, FromRow)]
pub struct CeremonyRow {
    /// `None` for a sign-in started with an unknown name: it finishes for
    /// no one.
    pub staff_id: Option<i64>,
    pub enrolment: Option<String>,
    pub state: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct PasskeyListRow {
    pub id: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct PasskeyRow {
    pub credential_id: String,
    pub passkey: String,
}

/// A consent of an account, with its app's name.
#[derive(Debug, Clone, FromRow)]
pub struct AccountConsentRow {
    pub id: i64,
    pub app: String,
    pub granted_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
}

/// A flow of an account, as its log lines tell it.
#[derive(Debug, Clone, FromRow)]
pub struct AccountFlowRow {
    pub flow_id: String,
    pub app: String,
    pub started_at: i64,
    pub last_at: i64,
    pub last_step: String,
    pub last_outcome: String,
}

/// How long a staff session lives: idle and absolute, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

impl Storage {
    /// A new staff member and their first enrolment link, logged.
    pub async fn add_staff(
        &self,
        name: &str,
        role: StaffRole,
        user_handle: &str,
        enrolment_hash: &str,
        expires_at: i64,
        log: OpLog<'_>,
    ) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, cx => sqlx::query_scalar(
            "INSERT INTO staff_members (name, role, user_handle, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(role)
        .bind(user_handle)
        .bind(log.at)
        .fetch_one(&mut **cx)
        .await)?;
        Self::insert_enrolment(&mut tx, id, enrolment_hash, log.at, expires_at).await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Another enrolment link for a staff member (a second passkey, a new
    /// device), logged.
    pub async fn add_enrolment(
        &self,
        staff_id: i64,
        enrolment_hash: &str,
        expires_at: i64,
        log: OpLog<'_>,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        // A newer link replaces the member's unused ones: two links made at
        // once take turns, so only the later stays open.
        tx.serialize_on("staff", &staff_id.to_string()).await?;
        Self::revoke_open_enrolments(&mut tx, staff_id, log.at).await?;
        Self::insert_enrolment(&mut tx, staff_id, enrolment_hash, log.at, expires_at).await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    /// Revokes every unused link of a member, logged; how many there were.
    pub async fn revoke_enrolments(&self, staff_id: i64, log: OpLog<'_>) -> sqlx::Result<u64> {
        let mut tx = self.begin().await?;
        let n = Self::revoke_open_enrolments(&mut tx, staff_id, log.at).await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn revoke_open_enrolments(
        tx: &mut super::Tx,
        staff_id: i64,
        now: i64,
    ) -> sqlx::Result<u64> {
        Ok(on_tx!(tx, cx => sqlx::query(
            "UPDATE staff_enrolments SET revoked_at = $1
             WHERE staff_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(staff_id)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?)
    }

    async fn insert_enrolment(
        tx: &mut super::Tx,
        staff_id: i64,
        hash: &str,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        on_tx!(tx, cx => sqlx::query(
            "INSERT INTO staff_enrolments (token_hash, staff_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash)
        .bind(staff_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn staff_by_name(&self, name: &str) -> sqlx::Result<Option<StaffRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT id, name, role, user_handle, disabled_at FROM staff_members WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(cx)
        .await)
    }

    pub async fn list_staff(&self) -> sqlx::Result<Vec<StaffListRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT m.name, m.role, m.created_at, m.disabled_at,
                    (SELECT COUNT(*) FROM staff_passkeys p WHERE p.staff_id = m.id) AS passkeys
             FROM staff_members m ORDER BY m.disabled_at IS NOT NULL, m.name",
        )
        .fetch_all(cx)
        .await)
    }

    pub async fn staff_by_id(&self, id: i64) -> sqlx::Result<Option<StaffRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT id, name, role, user_handle, disabled_at FROM staff_members WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(cx)
        .await)
    }

    /// The staff member an unused, unexpired enrolment link is for (never
    /// a disabled one).
    pub async fn enrolment_staff(&self, hash: &str, now: i64) -> sqlx::Result<Option<StaffRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT m.id, m.name, m.role, m.user_handle, m.disabled_at
             FROM staff_enrolments e JOIN staff_members m ON m.id = e.staff_id
             WHERE e.token_hash = $1 AND e.used_at IS NULL AND e.revoked_at IS NULL
               AND e.expires_at > $2 AND m.disabled_at IS NULL",
        )
        .bind(hash)
        .bind(now)
        .fetch_optional(cx)
        .await)
    }

    /// Stores a ceremony's state until `expires_at`, and forgets those
    /// that expired unfinished by `now` (so unauthenticated starts cannot
    /// pile rows up).
    #[allow(clippy::too_many_arguments)]
    pub async fn save_ceremony(
        &self,
        id_hash: &str,
        kind: &str,
        staff_id: Option<i64>,
        enrolment: Option<&str>,
        state: &str,
        expires_at: i64,
        now: i64,
    ) -> sqlx::Result<()> {
        on_pool!(self.write(), cx => sqlx::query("DELETE FROM staff_ceremonies WHERE expires_at <= $1")
            .bind(now)
            .execute(cx)
            .await.map(|r| r.rows_affected()))?;
        on_pool!(self.write(), cx => sqlx::query(
            "INSERT INTO staff_ceremonies (id_hash, kind, staff_id, enrolment, state, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(kind)
        .bind(staff_id)
        .bind(enrolment)
        .bind(state)
        .bind(expires_at)
        .execute(cx)
        .await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Takes a ceremony back, once: a replayed answer finds nothing.
    pub async fn take_ceremony(
        &self,
        id_hash: &str,
        kind: &str,
        now: i64,
    ) -> sqlx::Result<Option<CeremonyRow>> {
        on_pool!(self.write(), cx => sqlx::query_as(
            "DELETE FROM staff_ceremonies WHERE id_hash = $1 AND kind = $2 AND expires_at > $3
             RETURNING staff_id, enrolment, state",
        )
        .bind(id_hash)
        .bind(kind)
        .bind(now)
        .fetch_optional(cx)
        .await)
    }

    /// Stores a new passkey and uses up its enrolment link, in one
    /// transaction; false (nothing stored) when the link was used meanwhile.
    pub async fn add_passkey(
        &self,
        staff_id: i64,
        enrolment_hash: &str,
        credential_id: &str,
        passkey: &str,
        log: OpLog<'_>,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let used = on_tx!(&mut tx, cx => sqlx::query(
            "UPDATE staff_enrolments SET used_at = $1
             WHERE token_hash = $2 AND staff_id = $3 AND used_at IS NULL AND revoked_at IS NULL
               AND expires_at > $4",
        )
        .bind(log.at)
        .bind(enrolment_hash)
        .bind(staff_id)
        .bind(log.at)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?;
        if used != 1 {
            return Ok(false);
        }
        on_tx!(&mut tx, cx => sqlx::query(
            "INSERT INTO staff_passkeys (staff_id, credential_id, passkey, created_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(staff_id)
        .bind(credential_id)
        .bind(passkey)
        .bind(log.at)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn passkeys_of(&self, staff_id: i64) -> sqlx::Result<Vec<PasskeyRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT credential_id, passkey FROM staff_passkeys WHERE staff_id = $1 ORDER BY id",
        )
        .bind(staff_id)
        .fetch_all(cx)
        .await)
    }

    /// A member's passkeys as the admin sees them (no key material).
    pub async fn passkey_list(&self, staff_id: i64) -> sqlx::Result<Vec<PasskeyListRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT id, created_at, last_used_at FROM staff_passkeys
             WHERE staff_id = $1 ORDER BY id",
        )
        .bind(staff_id)
        .fetch_all(cx)
        .await)
    }

    /// Removes one passkey of a member (a lost device) and ends every
    /// session of theirs, since one may be on that device; logged, in one
    /// transaction. False when the member holds no such passkey.
    pub async fn remove_passkey(
        &self,
        staff_id: i64,
        passkey_id: i64,
        log: OpLog<'_>,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let removed = on_tx!(&mut tx, cx => sqlx::query("DELETE FROM staff_passkeys WHERE id = $1 AND staff_id = $2")
            .bind(passkey_id)
            .bind(staff_id)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        if removed != 1 {
            return Ok(false);
        }
        Self::end_sessions_of(&mut tx, staff_id).await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// After a sign-in: the passkey's new counter, and a session, logged.
    pub async fn sign_in(
        &self,
        staff_id: i64,
        passkey: Option<(&str, &str)>,
        session_hash: &str,
        csrf_token: &str,
        log: OpLog<'_>,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        if let Some((credential_id, json)) = passkey {
            on_tx!(&mut tx, cx => sqlx::query(
                "UPDATE staff_passkeys SET passkey = $1, last_used_at = $2 WHERE credential_id = $3",
            )
            .bind(json)
            .bind(log.at)
            .bind(credential_id)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        }
        on_tx!(&mut tx, cx => sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session_hash)
        .bind(staff_id)
        .bind(csrf_token)
        .bind(log.at)
        .bind(log.at)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    /// The session behind a cookie, if it is within both limits and its
    /// staff member is not disabled; its idle clock restarts.
    pub async fn staff_session(
        &self,
        hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> sqlx::Result<Option<StaffSessionRow>> {
        on_pool!(self.write(), cx => sqlx::query_as(
            "UPDATE staff_sessions SET last_seen_at = $1
             WHERE token_hash = $2 AND last_seen_at > $3 AND created_at > $4
               AND staff_id IN (SELECT id FROM staff_members WHERE disabled_at IS NULL)
             RETURNING staff_id,
                       (SELECT name FROM staff_members WHERE id = staff_id) AS name,
                       (SELECT role FROM staff_members WHERE id = staff_id) AS role,
                       csrf_token",
        )
        .bind(now)
        .bind(hash)
        .bind(now - limits.idle_secs)
        .bind(now - limits.absolute_secs)
        .fetch_optional(cx)
        .await)
    }

    pub async fn end_staff_session(&self, hash: &str) -> sqlx::Result<()> {
        on_pool!(self.write(), cx => sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(hash)
            .execute(cx)
            .await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Disables a staff member and ends every session of theirs at once.
    pub async fn disable_staff(&self, staff_id: i64, log: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, cx => sqlx::query(
            "UPDATE staff_members SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL",
        )
        .bind(log.at)
        .bind(staff_id)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?;
        Self::end_sessions_of(&mut tx, staff_id).await?;
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    /// Ends every session of a member at once (disabled, or a passkey of
    /// theirs removed).
    async fn end_sessions_of(tx: &mut Tx, staff_id: i64) -> sqlx::Result<()> {
        on_tx!(tx, cx => sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
            .bind(staff_id)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Today's counted failures of an account.
    pub async fn failures_on(&self, account_id: i64, jst_day: &str) -> sqlx::Result<i64> {
        Ok(on_pool!(self.read(), cx => sqlx::query_scalar(
            "SELECT failures FROM auth_failures WHERE account_id = $1 AND jst_day = $2",
        )
        .bind(account_id)
        .bind(jst_day)
        .fetch_optional(cx)
        .await)?
        .unwrap_or(0))
    }

    pub async fn account_consents(&self, account_id: i64) -> sqlx::Result<Vec<AccountConsentRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT k.id, c.display_name AS app, k.granted_at, k.expires_at, k.revoked_at,
                    k.revoked_by
             FROM consents k JOIN clients c ON c.client_id = k.client_id
             WHERE k.account_id = $1 ORDER BY k.id DESC",
        )
        .bind(account_id)
        .fetch_all(cx)
        .await)
    }

    /// The account's most recent flows, from the operation log (flows
    /// themselves are forgotten an hour after they end).
    pub async fn account_flows(
        &self,
        account_id: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<AccountFlowRow>> {
        on_pool!(self.read(), cx => sqlx::query_as(
            "WITH lines AS (
                 SELECT l.id, l.flow_id, l.at, l.step, l.outcome, l.client_id
                 FROM operation_log l
                 WHERE l.flow_id IN (SELECT flow_id FROM operation_log
                                     WHERE account_id = $1 AND flow_id IS NOT NULL)
             ),
             last AS (
                 SELECT flow_id, MIN(at) AS started_at, MAX(id) AS last_id
                 FROM lines GROUP BY flow_id
             )
             SELECT last.flow_id, COALESCE(c.display_name, '') AS app, last.started_at,
                    l.at AS last_at, l.step AS last_step, l.outcome AS last_outcome
             FROM last JOIN lines l ON l.id = last.last_id
                  LEFT JOIN clients c ON c.client_id = l.client_id
             ORDER BY l.at DESC, l.id DESC LIMIT $2",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(cx)
        .await)
    }
}
