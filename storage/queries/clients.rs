//! Registered fintech apps and their exact redirect URIs.

use crate::*;

impl Storage {
    /// Registers an app, or replaces the registration with the same id
    /// (the demo's own registrations are set again at every start).
    pub async fn upsert_client(&self, c: NewClient<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "INSERT INTO clients (client_id, display_name, auth_method, secret_hash, jwks,
                                  jwks_uri, jwks_checked_at, require_par, require_dpop,
                                  created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (client_id) DO UPDATE SET display_name = excluded.display_name,
                 auth_method = excluded.auth_method, secret_hash = excluded.secret_hash,
                 jwks = excluded.jwks, jwks_uri = excluded.jwks_uri,
                 jwks_checked_at = excluded.jwks_checked_at,
                 require_par = excluded.require_par, require_dpop = excluded.require_dpop",
            c.client_id,
            c.display_name,
            c.auth_method as _,
            c.secret_hash,
            c.jwks,
            c.jwks_uri,
            c.jwks_uri.map(|_| c.now),
            c.require_par,
            c.require_dpop,
            c.now,
        )
        .execute(tx.cx())
        .await?;
        sqlx::query!(
            "DELETE FROM client_redirect_uris WHERE client_id = $1",
            c.client_id,
        )
        .execute(tx.cx())
        .await?;
        for uri in c.redirect_uris {
            sqlx::query!(
                "INSERT INTO client_redirect_uris (client_id, uri) VALUES ($1, $2)",
                c.client_id,
                uri,
            )
            .execute(tx.cx())
            .await?;
        }
        tx.commit().await
    }

    /// The app and its redirect URIs, in one statement.
    pub async fn find_client(&self, client_id: &str) -> sqlx::Result<Option<ClientRow>> {
        let rows = sqlx::query!(
            "SELECT c.client_id AS \"client_id!\", c.display_name, c.enabled, c.auth_method, c.secret_hash, c.jwks,
                    c.jwks_uri, c.jwks_checked_at, c.require_par, c.require_dpop, u.uri AS \"uri?\"
             FROM clients c LEFT JOIN client_redirect_uris u ON u.client_id = c.client_id
             WHERE c.client_id = $1 ORDER BY u.uri",
            client_id,
        )
        .fetch_all(self.read())
        .await?;
        let redirect_uris = rows.iter().filter_map(|r| r.uri.clone()).collect();
        Ok(rows.into_iter().next().map(|c| ClientRow {
            client_id: c.client_id,
            display_name: c.display_name,
            redirect_uris,
            enabled: c.enabled,
            auth_method: c.auth_method,
            secret_hash: c.secret_hash,
            jwks: c.jwks,
            jwks_uri: c.jwks_uri,
            jwks_checked_at: c.jwks_checked_at,
            require_par: c.require_par,
            require_dpop: c.require_dpop,
        }))
    }

    /// Every registered app, by name (the console's list).
    pub async fn list_clients(&self) -> sqlx::Result<Vec<ClientSummary>> {
        sqlx::query_as!(
            ClientSummary,
            "SELECT c.client_id AS \"client_id!\", c.display_name, c.enabled, c.auth_method, c.require_par,
                    c.require_dpop, c.jwks_uri,
                    (SELECT string_agg(uri, ' ' ORDER BY uri) FROM client_redirect_uris u
                     WHERE u.client_id = c.client_id) AS redirect_uris
             FROM clients c ORDER BY c.display_name, c.client_id",
        )
        .fetch_all(self.read())
        .await
    }

    /// The platform's switch of an app at every union, with its line in
    /// the platform's log and in the log of each union that has the app on.
    pub async fn set_client_enabled(
        &self,
        client_id: &str,
        enabled: bool,
        log: OpLog<'_>,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query!(
            "UPDATE clients SET enabled = $1 WHERE client_id = $2",
            enabled,
            client_id,
        )
        .execute(tx.cx())
        .await
        .map(|r| r.rows_affected())?;
        if done != 1 {
            return Ok(false);
        }
        let unions = sqlx::query_scalar!(
            "SELECT institution_id AS \"id!\" FROM institution_apps
             WHERE client_id = $1 AND enabled ORDER BY institution_id",
            client_id,
        )
        .fetch_all(tx.cx())
        .await?;
        Self::insert_log(&mut tx, &log).await?;
        for union in unions {
            tx.institution = Some(union);
            Self::insert_log(&mut tx, &log).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Takes the right to ask an app's `jwks_uri` now: true for at most one
    /// caller per `min_interval` seconds, across instances (one statement).
    pub async fn claim_jwks_check(
        &self,
        client_id: &str,
        now: i64,
        min_interval: i64,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query!(
            "UPDATE clients SET jwks_checked_at = $1
             WHERE client_id = $2 AND jwks_uri IS NOT NULL
               AND (jwks_checked_at IS NULL OR jwks_checked_at <= $3)",
            now,
            client_id,
            now - min_interval,
        )
        .execute(self.write())
        .await
        .map(|r| r.rows_affected())?;
        Ok(done == 1)
    }

    /// Keeps the JWK Set just fetched from the app's `jwks_uri`.
    pub async fn store_fetched_jwks(&self, client_id: &str, jwks: &str) -> sqlx::Result<()> {
        sqlx::query!(
            "UPDATE clients SET jwks = $1 WHERE client_id = $2 AND jwks_uri IS NOT NULL",
            jwks,
            client_id,
        )
        .execute(self.write())
        .await?;
        Ok(())
    }
}

/// Each union's switch of the platform's apps (issue #22).
impl Tenant {
    /// Whether this union switched the app on (a new app is off at every
    /// union until its staff, or platform staff for it, switch it on).
    pub async fn app_switched_on(&self, client_id: &str) -> sqlx::Result<bool> {
        let on = sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM institution_apps
             WHERE institution_id = $1 AND client_id = $2 AND enabled",
            self.institution,
            client_id,
        )
        .fetch_one(&mut *self.read().await?)
        .await?;
        Ok(on > 0)
    }

    /// This union's switches, in app order.
    pub async fn app_switches(&self) -> sqlx::Result<Vec<AppSwitchRow>> {
        sqlx::query_as!(
            AppSwitchRow,
            "SELECT client_id, enabled, changed_at, reason FROM institution_apps
             WHERE institution_id = $1 ORDER BY client_id",
            self.institution,
        )
        .fetch_all(&mut *self.read().await?)
        .await
    }

    /// Switches an app off or on for this union, with its log line; false
    /// when there is no such app.
    pub async fn switch_app(
        &self,
        client_id: &str,
        enabled: bool,
        reason: &str,
        log: OpLog<'_>,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query!(
            "INSERT INTO institution_apps (institution_id, client_id, enabled, changed_at, reason)
             SELECT $1, client_id, $3, $4, $5 FROM clients WHERE client_id = $2
             ON CONFLICT (institution_id, client_id) DO UPDATE
                SET enabled = excluded.enabled, changed_at = excluded.changed_at,
                    reason = excluded.reason",
            self.institution,
            client_id,
            enabled,
            log.at,
            reason,
        )
        .execute(tx.cx())
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        Storage::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(true)
    }
}
