//! Test-only helpers (the `testkit` feature, enabled only by the
//! black-box tests' dev-dependency): what a test needs to see or break
//! that no API, CLI or log shows. Never in a build that ships.

use crate::db::Storage;

/// What the outbox holds, oldest first: (address, sent_at, attempts).
pub async fn outbox(storage: &Storage) -> sqlx::Result<Vec<(String, Option<i64>, i64)>> {
    sqlx::query_as("SELECT to_addr, sent_at, attempts FROM mail_outbox ORDER BY id")
        .fetch_all(storage.pool())
        .await
}

/// Every stored token hash (to prove tokens are stored only hashed).
pub async fn stored_token_hashes(storage: &Storage) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT token_hash FROM tokens")
        .fetch_all(storage.pool())
        .await
}

/// Breaks the lockout's table under a running server, to see a database
/// failure answered as `system_error`.
pub async fn break_lockout_table(storage: &Storage) -> sqlx::Result<()> {
    sqlx::query("DROP TABLE auth_failures")
        .execute(storage.pool())
        .await?;
    Ok(())
}
