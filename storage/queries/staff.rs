//! Staff members, their enrolment links, passkeys, WebAuthn ceremonies in
//! progress and sessions; and what the console reads about an account.

use crate::*;

use renkei_shared::staff::StaffRole;

impl Storage {
    /// A new staff member — of union `institution`, or the platform's
    /// (`None`) — and their first enrolment link, logged at that union.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_staff(
        &self,
        institution: Option<i64>,
        name: &str,
        role: StaffRole,
        user_handle: &str,
        enrolment_hash: &str,
        expires_at: i64,
        log: OpLog<'_>,
    ) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        tx.institution = institution;
        let id: i64 = sqlx::query_scalar!(
            "INSERT INTO staff_members (name, role, user_handle, created_at, institution_id)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            name,
            role as _,
            user_handle,
            log.at,
            institution,
        )
        .fetch_one(tx.cx())
        .await?;
        Storage::insert_enrolment(&mut tx, id, enrolment_hash, log.at, expires_at).await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl Tenant {
    pub async fn list_staff(&self) -> sqlx::Result<Vec<StaffListRow>> {
        sqlx::query_as!(
            StaffListRow,
            "SELECT m.name, m.role, m.created_at, m.disabled_at,
                    (SELECT COUNT(*) FROM staff_passkeys p WHERE p.staff_id = m.id) AS \"passkeys!: i64\"
             FROM staff_members m WHERE m.institution_id = $1
             ORDER BY m.disabled_at IS NOT NULL, m.name",
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }
}

/// A staff member's sign-in, passkeys and sessions are the platform's (one
/// console, one name per person); their log lines are the union's the
/// member works for.
impl Storage {
    /// A transaction whose log lines are staff member `staff_id`'s union's.
    async fn begin_for_staff(&self, staff_id: i64) -> sqlx::Result<Tx> {
        let mut tx = self.begin().await?;
        tx.institution = sqlx::query_scalar!(
            "SELECT institution_id FROM staff_members WHERE id = $1",
            staff_id,
        )
        .fetch_optional(tx.cx())
        .await?
        .flatten();
        Ok(tx)
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
        let mut tx = self.begin_for_staff(staff_id).await?;
        // A newer link replaces the member's unused ones: two links made at
        // once take turns, so only the later stays open.
        tx.serialize_on("staff", &staff_id.to_string()).await?;
        Self::revoke_open_enrolments(&mut tx, staff_id, log.at).await?;
        Self::insert_enrolment(&mut tx, staff_id, enrolment_hash, log.at, expires_at).await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    /// Revokes every unused link of a member, logged; how many there were.
    pub async fn revoke_enrolments(&self, staff_id: i64, log: OpLog<'_>) -> sqlx::Result<u64> {
        let mut tx = self.begin_for_staff(staff_id).await?;
        let n = Self::revoke_open_enrolments(&mut tx, staff_id, log.at).await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn revoke_open_enrolments(tx: &mut Tx, staff_id: i64, now: i64) -> sqlx::Result<u64> {
        sqlx::query!(
            "UPDATE staff_enrolments SET revoked_at = $1
             WHERE staff_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
            now,
            staff_id,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())
    }

    async fn insert_enrolment(
        tx: &mut Tx,
        staff_id: i64,
        hash: &str,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query!(
            "INSERT INTO staff_enrolments (token_hash, staff_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
            hash,
            staff_id,
            now,
            expires_at,
        )
        .execute(tx.cx())
        .await?;
        Ok(())
    }

    pub async fn staff_by_name(&self, name: &str) -> sqlx::Result<Option<StaffRow>> {
        sqlx::query_as!(
            StaffRow,
            "SELECT id, name, role, user_handle, disabled_at, institution_id FROM staff_members WHERE name = $1",
            name,
        )
        .fetch_optional(self.read())
        .await
    }

    pub async fn staff_by_id(&self, id: i64) -> sqlx::Result<Option<StaffRow>> {
        sqlx::query_as!(
            StaffRow,
            "SELECT id, name, role, user_handle, disabled_at, institution_id FROM staff_members WHERE id = $1",
            id,
        )
        .fetch_optional(self.read())
        .await
    }

    /// The staff member an unused, unexpired enrolment link is for (never
    /// a disabled one).
    pub async fn enrolment_staff(&self, hash: &str, now: i64) -> sqlx::Result<Option<StaffRow>> {
        sqlx::query_as!(
            StaffRow,
            "SELECT m.id, m.name, m.role, m.user_handle, m.disabled_at, m.institution_id
             FROM staff_enrolments e JOIN staff_members m ON m.id = e.staff_id
             WHERE e.token_hash = $1 AND e.used_at IS NULL AND e.revoked_at IS NULL
               AND e.expires_at > $2 AND m.disabled_at IS NULL",
            hash,
            now,
        )
        .fetch_optional(self.read())
        .await
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
        sqlx::query!("DELETE FROM staff_ceremonies WHERE expires_at <= $1", now,)
            .execute(self.write())
            .await?;
        sqlx::query!(
            "INSERT INTO staff_ceremonies (id_hash, kind, staff_id, enrolment, state, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            id_hash,
            kind,
            staff_id,
            enrolment,
            state,
            expires_at,
        )
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Takes a ceremony back, once: a replayed answer finds nothing.
    pub async fn take_ceremony(
        &self,
        id_hash: &str,
        kind: &str,
        now: i64,
    ) -> sqlx::Result<Option<CeremonyRow>> {
        sqlx::query_as!(
            CeremonyRow,
            "DELETE FROM staff_ceremonies WHERE id_hash = $1 AND kind = $2 AND expires_at > $3
             RETURNING staff_id, enrolment, state",
            id_hash,
            kind,
            now,
        )
        .fetch_optional(self.write())
        .await
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
        let mut tx = self.begin_for_staff(staff_id).await?;
        let used = sqlx::query!(
            "UPDATE staff_enrolments SET used_at = $1
             WHERE token_hash = $2 AND staff_id = $3 AND used_at IS NULL AND revoked_at IS NULL
               AND expires_at > $1",
            log.at,
            enrolment_hash,
            staff_id,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        if used != 1 {
            return Ok(false);
        }
        sqlx::query!(
            "INSERT INTO staff_passkeys (staff_id, credential_id, passkey, created_at)
             VALUES ($1, $2, $3, $4)",
            staff_id,
            credential_id,
            passkey,
            log.at,
        )
        .execute(tx.cx())
        .await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn passkeys_of(&self, staff_id: i64) -> sqlx::Result<Vec<PasskeyRow>> {
        sqlx::query_as!(
            PasskeyRow,
            "SELECT credential_id, passkey FROM staff_passkeys WHERE staff_id = $1 ORDER BY id",
            staff_id,
        )
        .fetch_all(self.read())
        .await
    }

    /// A member's passkeys as the admin sees them (no key material).
    pub async fn passkey_list(&self, staff_id: i64) -> sqlx::Result<Vec<PasskeyListRow>> {
        sqlx::query_as!(
            PasskeyListRow,
            "SELECT id, created_at, last_used_at FROM staff_passkeys
             WHERE staff_id = $1 ORDER BY id",
            staff_id,
        )
        .fetch_all(self.read())
        .await
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
        let mut tx = self.begin_for_staff(staff_id).await?;
        let removed = sqlx::query!(
            "DELETE FROM staff_passkeys WHERE id = $1 AND staff_id = $2",
            passkey_id,
            staff_id,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        if removed != 1 {
            return Ok(false);
        }
        Self::end_sessions_of(&mut tx, staff_id).await?;
        Storage::insert_log(&mut tx, &log).await?;
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
        let mut tx = self.begin_for_staff(staff_id).await?;
        if let Some((credential_id, json)) = passkey {
            sqlx::query!(
            "UPDATE staff_passkeys SET passkey = $1, last_used_at = $2 WHERE credential_id = $3",
            json,
            log.at,
            credential_id,
        )
            .execute(tx.cx())
            .await?;
        }
        sqlx::query!(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $4)",
            session_hash,
            staff_id,
            csrf_token,
            log.at,
        )
        .execute(tx.cx())
        .await?;
        Storage::insert_log(&mut tx, &log).await?;
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
        let Some(s) = sqlx::query!(
            "SELECT s.staff_id, m.name, m.role AS \"role!: StaffRole\", s.csrf_token,
                    m.institution_id AS \"institution_id?: i64\", s.last_seen_at
             FROM staff_sessions s JOIN staff_members m ON m.id = s.staff_id
             WHERE s.token_hash = $1 AND s.last_seen_at > $2 AND s.created_at > $3
               AND m.disabled_at IS NULL",
            hash,
            now - limits.idle_secs,
            now - limits.absolute_secs,
        )
        .fetch_optional(self.read())
        .await?
        else {
            return Ok(None);
        };
        // Seen again: written at most once a minute, so a console page's
        // requests are reads, not a durable commit each.
        if s.last_seen_at <= now - SEEN_EVERY_SECS {
            sqlx::query!(
                "UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2",
                now,
                hash,
            )
            .execute(self.write())
            .await?;
        }
        Ok(Some(StaffSessionRow {
            staff_id: s.staff_id,
            name: s.name,
            role: s.role,
            csrf_token: s.csrf_token,
            institution_id: s.institution_id,
        }))
    }

    pub async fn end_staff_session(&self, hash: &str) -> sqlx::Result<()> {
        sqlx::query!("DELETE FROM staff_sessions WHERE token_hash = $1", hash,)
            .execute(self.write())
            .await?;
        Ok(())
    }

    /// Disables a staff member and ends every session of theirs at once.
    pub async fn disable_staff(&self, staff_id: i64, log: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin_for_staff(staff_id).await?;
        sqlx::query!(
            "UPDATE staff_members SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL",
            log.at,
            staff_id,
        )
        .execute(tx.cx())
        .await?;
        Self::end_sessions_of(&mut tx, staff_id).await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    /// Ends every session of a member at once (disabled, or a passkey of
    /// theirs removed).
    async fn end_sessions_of(tx: &mut Tx, staff_id: i64) -> sqlx::Result<()> {
        sqlx::query!("DELETE FROM staff_sessions WHERE staff_id = $1", staff_id,)
            .execute(tx.cx())
            .await?;
        Ok(())
    }
}

/// What the console reads about one of the union's accounts.
impl Tenant {
    /// Today's counted failures of an account.
    pub async fn failures_on(&self, account_id: i64, jst_day: &str) -> sqlx::Result<i64> {
        Ok(sqlx::query_scalar!(
            "SELECT failures FROM auth_failures
             WHERE account_id = $1 AND jst_day = $2 AND institution_id = $3",
            account_id,
            jst_day,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await?
        .unwrap_or(0))
    }

    pub async fn account_consents(&self, account_id: i64) -> sqlx::Result<Vec<AccountConsentRow>> {
        sqlx::query_as!(
            AccountConsentRow,
            "SELECT k.id, c.display_name AS app, k.granted_at, k.expires_at, k.revoked_at,
                    k.revoked_by
             FROM consents k JOIN clients c ON c.client_id = k.client_id
             WHERE k.account_id = $1 AND k.institution_id = $2 ORDER BY k.id DESC",
            account_id,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    /// The account's most recent flows, from the operation log (flows
    /// themselves are forgotten an hour after they end).
    pub async fn account_flows(
        &self,
        account_id: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<AccountFlowRow>> {
        sqlx::query_as!(
            AccountFlowRow,
            "WITH lines AS (
                 SELECT l.id, l.flow_id, l.at, l.step, l.outcome, l.client_id
                 FROM operation_log l
                 WHERE l.institution_id = $3
                   AND l.flow_id IN (SELECT flow_id FROM operation_log
                                     WHERE account_id = $1 AND flow_id IS NOT NULL
                                       AND institution_id = $3)
             ),
             last AS (
                 SELECT flow_id, MIN(at) AS started_at, MAX(id) AS last_id
                 FROM lines GROUP BY flow_id
             )
             SELECT last.flow_id AS \"flow_id!\", COALESCE(c.display_name, '') AS \"app!: String\",
                    last.started_at AS \"started_at!: i64\",
                    l.at AS last_at, l.step AS \"last_step: _\",
                    l.outcome AS \"last_outcome: _\"
             FROM last JOIN lines l ON l.id = last.last_id
                  LEFT JOIN clients c ON c.client_id = l.client_id
             ORDER BY l.at DESC, l.id DESC LIMIT $2",
            account_id,
            limit,
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }
}

/// How often a staff session's `last_seen_at` is written: an idle session
/// may end this much sooner after its last request than its limit says
/// (never later).
const SEEN_EVERY_SECS: i64 = 60;
