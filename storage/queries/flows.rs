//! Linkages in progress, and [`Storage::transition`]: the only statement
//! that moves a flow from one step to another.

use crate::queries::challenges::void_flow_challenges;
use crate::queries::outbox::enqueue_mail;
use crate::*;

use renkei_shared::api::Step;

impl Tenant {
    pub async fn create_flow(&self, f: NewFlow<'_>, log: OpLog<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "INSERT INTO flows (id, client_id, redirect_uri, state, scope, code_challenge,
                                dpop_jkt, csrf_token, step, created_at, expires_at, updated_at,
                                institution_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $12)",
            f.id,
            f.client_id,
            f.redirect_uri,
            f.state,
            f.scope,
            f.code_challenge,
            f.dpop_jkt,
            f.csrf_token,
            Step::Account as _,
            f.now,
            f.expires_at,
            self.institution,
        )
        .execute(tx.cx())
        .await?;
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await
    }

    /// The flow `id` as of `now` (see [`FlowRead`]).
    pub async fn find_flow(&self, id: &str, now: i64) -> sqlx::Result<Option<FlowRead>> {
        let r = sqlx::query!(
            "SELECT f.id AS \"id!\", f.client_id, f.redirect_uri, f.state, f.scope, f.csrf_token, f.step,
                    f.account_id, f.created_at, f.expires_at,
                    c.display_name AS client_name,
                    (c.enabled AND EXISTS (SELECT 1 FROM institution_apps s
                         WHERE s.institution_id = f.institution_id
                           AND s.client_id = f.client_id AND s.enabled))
                        AS \"client_enabled!: bool\",
                    EXISTS (SELECT 1 FROM maintenance_windows
                            WHERE starts_at <= $1 AND ends_at > $1 AND cancelled_at IS NULL
                              AND institution_id = $3)
                        AS \"in_maintenance!: bool\",
                    a.id AS \"a_id?\", a.public_id AS \"a_public_id?\",
                    a.branch AS \"a_branch?\", a.kind AS \"a_kind?\", a.number AS \"a_number?\"
             FROM flows f JOIN clients c ON c.client_id = f.client_id
                  LEFT JOIN accounts a ON a.id = f.account_id
             WHERE f.id = $2 AND f.institution_id = $3",
            now,
            id,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await?;
        Ok(r.map(|r| FlowRead {
            account: match (r.a_id, r.a_public_id, r.a_branch, r.a_kind, r.a_number) {
                (Some(id), Some(public_id), Some(branch), Some(kind), Some(number)) => {
                    Some(AccountRow {
                        id,
                        public_id,
                        branch,
                        kind,
                        number,
                    })
                }
                _ => None,
            },
            row: FlowRow {
                id: r.id,
                client_id: r.client_id,
                redirect_uri: r.redirect_uri,
                state: r.state,
                scope: r.scope,
                csrf_token: r.csrf_token,
                step: r.step,
                account_id: r.account_id,
                created_at: r.created_at,
                expires_at: r.expires_at,
            },
            client_name: r.client_name,
            client_enabled: r.client_enabled,
            in_maintenance: r.in_maintenance,
        }))
    }
}

impl Storage {
    /// Forgets what expired flows kept, at every union: the e-mail at once, the whole flow
    /// (and its phone challenges) an hour after it expired. Returns how
    /// many flows were removed.
    pub async fn purge_expired_flows(&self, now: i64) -> sqlx::Result<u64> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "UPDATE flows SET email = NULL WHERE expires_at <= $1 AND email IS NOT NULL",
            now,
        )
        .execute(tx.cx())
        .await?;
        let cutoff = now - 3600;
        sqlx::query!(
            "DELETE FROM phone_challenges
             WHERE flow_id IN (SELECT id FROM flows WHERE expires_at <= $1)",
            cutoff,
        )
        .execute(tx.cx())
        .await?;
        let gone = sqlx::query!("DELETE FROM flows WHERE expires_at <= $1", cutoff,)
            .execute(tx.cx())
            .await
            .map(|r| r.rows_affected())?;
        sqlx::query!("DELETE FROM par_requests WHERE expires_at <= $1", cutoff,)
            .execute(tx.cx())
            .await?;
        Storage::purge_bindings(&mut tx, now).await?;
        tx.commit().await?;
        Ok(gone)
    }
}

impl Tenant {
    /// The e-mail kept on the flow (for the completion mail).
    pub async fn flow_email(&self, flow_id: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar!(
            "SELECT email FROM flows WHERE id = $1 AND institution_id = $2",
            flow_id,
            self.institution,
        )
        .fetch_one(&mut *self.read().await?)
        .await
    }

    /// Takes one move in one transaction: the step (in one conditional
    /// statement), what it causes (open phone challenges voided when the
    /// flow restarts or ends; the consent and code on 許可する; the mail),
    /// and its operation-log row. `false`, with nothing written, when the
    /// flow no longer stood at `from`, had expired, or the account got
    /// locked meanwhile. A move the state machine does not list is refused
    /// the same way: no request can make one.
    pub async fn transition(&self, m: Move<'_>) -> sqlx::Result<bool> {
        if !m.from.may_follow().contains(&m.to) {
            return Ok(false);
        }
        // (whether to write the column, its new value)
        let (set_account, account_id) = match m.account {
            AccountChange::Keep => (false, None),
            AccountChange::Set(id) => (true, Some(id)),
            AccountChange::Clear => (true, None),
        };
        let (set_email, email) = match m.email {
            EmailChange::Keep => (false, None),
            EmailChange::Set(e) => (true, Some(e)),
            EmailChange::Erase => (true, None),
        };
        let (lock_account, lock_day, threshold) = match &m.unless_locked {
            Some((key, threshold)) => (Some(key.account_id), Some(key.jst_day), *threshold),
            None => (None, None, 0),
        };
        let mut tx = self.begin().await?;
        // The lock is re-checked inside the same statement, so a correct
        // attempt racing the attempt that locks the account cannot pass.
        let moved = sqlx::query!(
            "UPDATE flows SET step = $1,
                 account_id = CASE WHEN $2 THEN $3 ELSE account_id END,
                 email = CASE WHEN $4 THEN $5 ELSE email END,
                 updated_at = $6
             WHERE id = $7 AND step = $8 AND expires_at > $6 AND institution_id = $13
               AND (NOT $9 OR (SELECT COALESCE(MAX(failures), 0) FROM auth_failures
                               WHERE account_id = $10 AND jst_day = $11
                                 AND institution_id = $13) < $12)",
            m.to as _,
            set_account,
            account_id,
            set_email,
            email,
            m.now,
            m.flow_id,
            m.from as _,
            m.unless_locked.is_some(),
            lock_account,
            lock_day,
            threshold,
            self.institution,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?
            == 1;
        if !moved {
            return Ok(false);
        }
        if m.to == Step::Account || !m.to.is_open() {
            void_flow_challenges(&mut tx, m.flow_id).await?;
        }
        if let Some(g) = &m.grant {
            let consent_id: i64 = sqlx::query_scalar!(
                "INSERT INTO consents (client_id, account_id, scope, terms_version, granted_at,
                                       expires_at, client_ip, user_agent, institution_id)
                 SELECT client_id, $1, scope, $2, $3, $4, $5, $6, institution_id FROM flows
                 WHERE id = $7 AND institution_id = $8
                 RETURNING id AS \"id!\"",
                g.account_id,
                g.terms_version,
                m.now,
                g.expires_at,
                g.client_ip,
                g.user_agent,
                m.flow_id,
                self.institution,
            )
            .fetch_one(tx.cx())
            .await?;
            sqlx::query!(
                "INSERT INTO auth_codes (code_hash, consent_id, client_id, redirect_uri,
                                         code_challenge, dpop_jkt, expires_at, institution_id)
                 SELECT $1, $2, client_id, redirect_uri, code_challenge, dpop_jkt, $3,
                        institution_id
                 FROM flows WHERE id = $4 AND institution_id = $5",
                g.code_hash,
                consent_id,
                g.code_expires_at,
                m.flow_id,
                self.institution,
            )
            .execute(tx.cx())
            .await?;
        }
        if let Some(mail) = m.mail {
            enqueue_mail(&mut tx, mail, m.now).await?;
        }
        Storage::insert_log(&mut tx, &m.log).await?;
        tx.commit().await?;
        Ok(true)
    }
}
