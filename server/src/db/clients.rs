//! Registered fintech apps and their exact redirect URIs.

use super::types::Flag;
use super::{AuthMethod, Storage};
use sqlx::FromRow;

/// A registered fintech app.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub client_id: String,
    pub display_name: String,
    pub redirect_uris: Vec<String>,
    pub enabled: bool,
    pub auth_method: AuthMethod,
    /// The secret's digest (`client_secret_basic`; `crypto::client_secret_digest`).
    pub secret_hash: Option<String>,
    /// The public JWK Set (`private_key_jwt`): as uploaded, or the copy
    /// fetched last from `jwks_uri`.
    pub jwks: Option<String>,
    /// Where the app publishes its JWK Set, if it registered a URL.
    pub jwks_uri: Option<String>,
    /// When `jwks_uri` was last asked.
    pub jwks_checked_at: Option<i64>,
    pub require_par: bool,
    pub require_dpop: bool,
}

/// An app as the console lists it.
#[derive(Debug, Clone, FromRow)]
pub struct ClientSummary {
    pub client_id: String,
    pub display_name: String,
    #[sqlx(try_from = "Flag")]
    pub enabled: bool,
    pub auth_method: AuthMethod,
    #[sqlx(try_from = "Flag")]
    pub require_par: bool,
    #[sqlx(try_from = "Flag")]
    pub require_dpop: bool,
    /// Space-separated.
    pub redirect_uris: Option<String>,
    pub jwks_uri: Option<String>,
}

/// One row of a client joined with its redirect URIs (one per URI).
#[derive(FromRow)]
struct ClientWithUri {
    #[sqlx(flatten)]
    client: ClientColumns,
    uri: Option<String>,
}

#[derive(FromRow)]
struct ClientColumns {
    client_id: String,
    display_name: String,
    #[sqlx(try_from = "Flag")]
    enabled: bool,
    auth_method: AuthMethod,
    secret_hash: Option<String>,
    jwks: Option<String>,
    jwks_uri: Option<String>,
    jwks_checked_at: Option<i64>,
    #[sqlx(try_from = "Flag")]
    require_par: bool,
    #[sqlx(try_from = "Flag")]
    require_dpop: bool,
}

/// A registration.
pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub display_name: &'a str,
    pub redirect_uris: &'a [String],
    pub auth_method: AuthMethod,
    pub secret_hash: Option<&'a str>,
    pub jwks: Option<&'a str>,
    /// With `jwks` as fetched from it just now.
    pub jwks_uri: Option<&'a str>,
    pub require_par: bool,
    pub require_dpop: bool,
    pub now: i64,
}

impl Storage {
    /// Registers an app, or replaces the registration with the same id
    /// (the demo's own registrations are set again at every start).
    pub async fn upsert_client(&self, c: NewClient<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, cx => sqlx::query(
            "INSERT INTO clients (client_id, display_name, auth_method, secret_hash, jwks,
                                  jwks_uri, jwks_checked_at, require_par, require_dpop,
                                  created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (client_id) DO UPDATE SET display_name = excluded.display_name,
                 auth_method = excluded.auth_method, secret_hash = excluded.secret_hash,
                 jwks = excluded.jwks, jwks_uri = excluded.jwks_uri,
                 jwks_checked_at = excluded.jwks_checked_at,
                 require_par = excluded.require_par, require_dpop = excluded.require_dpop",
        )
        .bind(c.client_id)
        .bind(c.display_name)
        .bind(c.auth_method)
        .bind(c.secret_hash)
        .bind(c.jwks)
        .bind(c.jwks_uri)
        .bind(c.jwks_uri.map(|_| c.now))
        .bind(i64::from(c.require_par))
        .bind(i64::from(c.require_dpop))
        .bind(c.now)
        .execute(&mut **cx)
        .await.map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, cx => sqlx::query("DELETE FROM client_redirect_uris WHERE client_id = $1")
            .bind(c.client_id)
            .execute(&mut **cx)
            .await.map(|r| r.rows_affected()))?;
        for uri in c.redirect_uris {
            on_tx!(&mut tx, cx => sqlx::query("INSERT INTO client_redirect_uris (client_id, uri) VALUES ($1, $2)")
                .bind(c.client_id)
                .bind(uri)
                .execute(&mut **cx)
                .await.map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    /// The app and its redirect URIs, in one statement.
    pub async fn find_client(&self, client_id: &str) -> sqlx::Result<Option<ClientRow>> {
        let rows = on_pool!(self.read(), cx => sqlx::query_as::<_, ClientWithUri>(
            "SELECT c.client_id, c.display_name, c.enabled, c.auth_method, c.secret_hash, c.jwks,
                    c.jwks_uri, c.jwks_checked_at, c.require_par, c.require_dpop, u.uri
             FROM clients c LEFT JOIN client_redirect_uris u ON u.client_id = c.client_id
             WHERE c.client_id = $1 ORDER BY u.uri",
        )
        .bind(client_id)
        .fetch_all(cx)
        .await)?;
        let mut redirect_uris = Vec::with_capacity(rows.len());
        let mut client = None;
        for row in rows {
            redirect_uris.extend(row.uri);
            client.get_or_insert(row.client);
        }
        Ok(client.map(|c| ClientRow {
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
        on_pool!(self.read(), cx => sqlx::query_as(
            "SELECT c.client_id, c.display_name, c.enabled, c.auth_method, c.require_par,
                    c.require_dpop, c.jwks_uri,
                    (SELECT string_agg(uri, ' ' ORDER BY uri) FROM client_redirect_uris u
                     WHERE u.client_id = c.client_id) AS redirect_uris
             FROM clients c ORDER BY c.display_name, c.client_id",
        )
        .fetch_all(cx)
        .await)
    }

    pub async fn set_client_enabled(&self, client_id: &str, enabled: bool) -> sqlx::Result<bool> {
        let done = on_pool!(self.write(), cx => sqlx::query("UPDATE clients SET enabled = $1 WHERE client_id = $2")
            .bind(i64::from(enabled))
            .bind(client_id)
            .execute(cx)
            .await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Takes the right to ask an app's `jwks_uri` now: true for at most one
    /// caller per `min_interval` seconds, across instances (one statement).
    pub async fn claim_jwks_check(
        &self,
        client_id: &str,
        now: i64,
        min_interval: i64,
    ) -> sqlx::Result<bool> {
        let done = on_pool!(self.write(), cx => sqlx::query(
            "UPDATE clients SET jwks_checked_at = $1
             WHERE client_id = $2 AND jwks_uri IS NOT NULL
               AND (jwks_checked_at IS NULL OR jwks_checked_at <= $3)",
        )
        .bind(now)
        .bind(client_id)
        .bind(now - min_interval)
        .execute(cx)
        .await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Keeps the JWK Set just fetched from the app's `jwks_uri`.
    pub async fn store_fetched_jwks(&self, client_id: &str, jwks: &str) -> sqlx::Result<()> {
        on_pool!(self.write(), cx => sqlx::query("UPDATE clients SET jwks = $1 WHERE client_id = $2 AND jwks_uri IS NOT NULL")
            .bind(jwks)
            .bind(client_id)
            .execute(cx)
            .await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
