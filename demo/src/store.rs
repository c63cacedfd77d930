//! The demo app's own storage: its key pairs and its sessions with the
//! tokens it holds, in a SQLite file of its own (never the bank's schema).

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{FromRow, SqlitePool};
use std::str::FromStr;

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// One linked session: the tokens the app received.
#[derive(Debug, Clone, FromRow)]
pub struct Session {
    /// The union's issuer that granted them (where they are used).
    pub issuer: String,
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_at: i64,
    pub consent_expires_at: i64,
}

impl Store {
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        if let Some(path) = url.strip_prefix("sqlite://")
            && let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    /// The app's key pairs, made by `make` on first use.
    pub async fn keys(
        &self,
        make: impl FnOnce() -> (String, String),
    ) -> sqlx::Result<(String, String)> {
        let select = "SELECT auth_pkcs8, dpop_pkcs8 FROM client_keys WHERE id = 1";
        if let Some(keys) = sqlx::query_as(select).fetch_optional(&self.pool).await? {
            return Ok(keys);
        }
        let (auth, dpop) = make();
        sqlx::query(
            "INSERT INTO client_keys (id, auth_pkcs8, dpop_pkcs8) VALUES (1, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(&auth)
        .bind(&dpop)
        .execute(&self.pool)
        .await?;
        sqlx::query_as(select).fetch_one(&self.pool).await
    }

    pub async fn save_session(&self, id: &str, s: &Session, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, access_token, refresh_token, access_expires_at,
                                   consent_expires_at, created_at, issuer)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token,
                 refresh_token = excluded.refresh_token,
                 access_expires_at = excluded.access_expires_at,
                 consent_expires_at = excluded.consent_expires_at",
        )
        .bind(id)
        .bind(&s.access_token)
        .bind(&s.refresh_token)
        .bind(s.access_expires_at)
        .bind(s.consent_expires_at)
        .bind(now)
        .bind(&s.issuer)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, id: &str) -> sqlx::Result<Option<Session>> {
        sqlx::query_as(
            "SELECT issuer, access_token, refresh_token, access_expires_at, consent_expires_at
             FROM sessions WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn delete_session(&self, id: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
