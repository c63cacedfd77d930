//! What the app receives and holds: consents, authorization codes and
//! tokens (codes and tokens stored only as SHA-256).

use crate::*;

impl Tenant {
    pub async fn find_code(&self, code_hash: &str) -> sqlx::Result<Option<CodeRow>> {
        sqlx::query_as!(
            CodeRow,
            "SELECT c.consent_id, c.client_id, c.redirect_uri, c.code_challenge, c.expires_at,
                    c.used_at, c.dpop_jkt, k.scope, k.expires_at AS consent_expires_at,
                    k.revoked_at AS consent_revoked_at
             FROM auth_codes c JOIN consents k ON k.id = c.consent_id
             WHERE c.code_hash = $1 AND c.institution_id = $2",
            code_hash,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }

    /// Marks a code used; `false` if it already was (a replay).
    pub async fn use_code(&self, code_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query!(
            "UPDATE auth_codes SET used_at = $1
             WHERE code_hash = $2 AND used_at IS NULL AND institution_id = $3",
            now,
            code_hash,
            self.institution,
        )
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected())?;
        Ok(done == 1)
    }

    /// Revokes the consent and every token issued under it, at once.
    pub async fn revoke_grant(&self, consent_id: i64, by: RevokedBy, now: i64) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        revoke_in(&mut tx, consent_id, by, now).await?;
        tx.commit().await
    }

    /// Staff end every live consent on an account (or only the one named),
    /// with the operation-log row, in one transaction; returns how many
    /// ended.
    pub async fn revoke_account_consents(
        &self,
        account_id: i64,
        only: Option<i64>,
        log: OpLog<'_>,
        detail: impl FnOnce(u64) -> String,
    ) -> sqlx::Result<u64> {
        let now = log.at;
        let mut tx = self.begin().await?;
        let ids: Vec<i64> = sqlx::query_scalar!(
            "SELECT id FROM consents WHERE account_id = $1 AND revoked_at IS NULL
               AND (id = $2 OR $2 IS NULL) AND institution_id = $3",
            account_id,
            only,
            self.institution,
        )
        .fetch_all(tx.cx())
        .await?;
        for id in &ids {
            revoke_in(&mut tx, *id, RevokedBy::Staff, now).await?;
        }
        let count = ids.len() as u64;
        let detail = detail(count);
        let log = OpLog {
            detail: Some(&detail),
            ..log
        };
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Issues tokens, all or none.
    pub async fn insert_tokens(&self, tokens: &[NewToken<'_>]) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        for t in tokens {
            sqlx::query!(
                "INSERT INTO tokens (token_hash, kind, consent_id, client_id, scope, issued_at,
                                     expires_at, dpop_jkt, institution_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                t.token_hash,
                t.kind as _,
                t.consent_id,
                t.client_id,
                t.scope,
                t.issued_at,
                t.expires_at,
                t.dpop_jkt,
                self.institution,
            )
            .execute(tx.cx())
            .await?;
        }
        tx.commit().await
    }

    pub async fn find_token(&self, token_hash: &str) -> sqlx::Result<Option<TokenRow>> {
        sqlx::query_as!(
            TokenRow,
            "SELECT t.kind, t.consent_id, t.client_id, t.scope, t.issued_at, t.expires_at,
                    t.revoked_at, t.rotated_at, t.dpop_jkt, k.expires_at AS consent_expires_at,
                    k.revoked_at AS consent_revoked_at
             FROM tokens t JOIN consents k ON k.id = t.consent_id
             WHERE t.token_hash = $1 AND t.institution_id = $2",
            token_hash,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }

    /// Replaces a refresh token (rotation); `false` if it was already
    /// rotated or revoked, which the caller treats as reuse.
    pub async fn rotate_refresh(&self, token_hash: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query!(
            "UPDATE tokens SET rotated_at = $1, revoked_at = $1
             WHERE token_hash = $2 AND kind = $3 AND rotated_at IS NULL AND revoked_at IS NULL
               AND institution_id = $4",
            now,
            token_hash,
            TokenKind::Refresh as _,
            self.institution,
        )
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected())?;
        Ok(done == 1)
    }

    /// The access token's grant and account, for the resource server.
    pub async fn access_grant(&self, token_hash: &str) -> sqlx::Result<Option<AccessGrant>> {
        sqlx::query_as!(
            AccessGrant,
            "SELECT t.kind, t.scope, t.expires_at, t.revoked_at, t.dpop_jkt, k.id AS consent_id,
                    k.expires_at AS consent_expires_at, k.revoked_at AS consent_revoked_at,
                    a.id AS account_id, a.public_id, a.branch, a.kind AS account_kind, a.number,
                    (c.enabled AND EXISTS (SELECT 1 FROM institution_apps s
                         WHERE s.institution_id = t.institution_id
                           AND s.client_id = t.client_id AND s.enabled))
                        AS \"client_enabled!: bool\"
             FROM tokens t
             JOIN consents k ON k.id = t.consent_id
             JOIN accounts a ON a.id = k.account_id
             JOIN clients c ON c.client_id = t.client_id
             WHERE t.token_hash = $1 AND t.institution_id = $2",
            token_hash,
            self.institution,
        )
        .fetch_optional(&mut *self.read().await?)
        .await
    }
}

/// Ends a consent and every token issued under it, inside `tx` (whose
/// institution's rows only).
pub(crate) async fn revoke_in(
    tx: &mut Tx,
    consent_id: i64,
    by: RevokedBy,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE consents SET revoked_at = $1, revoked_by = $2
         WHERE id = $3 AND revoked_at IS NULL AND institution_id = $4",
        now,
        by as _,
        consent_id,
        tx.institution,
    )
    .execute(tx.cx())
    .await?;
    sqlx::query!(
        "UPDATE tokens SET revoked_at = $1
         WHERE consent_id = $2 AND revoked_at IS NULL AND institution_id = $3",
        now,
        consent_id,
        tx.institution,
    )
    .execute(tx.cx())
    .await?;
    Ok(())
}
