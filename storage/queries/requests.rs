//! One-time things the OAuth endpoints remember: pushed authorization
//! requests and the `jti`s of assertions and DPoP proofs already seen.

use crate::*;

impl Tenant {
    pub async fn insert_par(
        &self,
        uri_hash: &str,
        client_id: &str,
        params: &str,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query!(
            "INSERT INTO par_requests (request_uri_hash, client_id, params, expires_at,
                                       institution_id)
             VALUES ($1, $2, $3, $4, $5)",
            uri_hash,
            client_id,
            params,
            expires_at,
            self.institution,
        )
        .execute(&mut *self.write().await?)
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
        sqlx::query_scalar!(
            "UPDATE par_requests SET used_at = $1
             WHERE request_uri_hash = $2 AND client_id = $3 AND used_at IS NULL AND expires_at > $1
               AND institution_id = $4
             RETURNING params",
            now,
            uri_hash,
            client_id,
            self.institution,
        )
        .fetch_optional(&mut *self.write().await?)
        .await
    }
}

impl Storage {
    /// Records a `jti`; `false` if it was seen before (a replay), at any
    /// union.
    pub async fn remember_jti(
        &self,
        jti_hash: &str,
        expires_at: i64,
        now: i64,
    ) -> sqlx::Result<bool> {
        sqlx::query!("DELETE FROM used_jtis WHERE expires_at < $1", now,)
            .execute(self.write())
            .await?;
        let done = sqlx::query!(
            "INSERT INTO used_jtis (jti_hash, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            jti_hash,
            expires_at,
        )
        .execute(self.write())
        .await
        .map(|r| r.rows_affected())?;
        Ok(done == 1)
    }
}
