//! Test-only helpers (the `testkit` feature, enabled only by the
//! black-box tests' dev-dependency): what a test needs to see or break
//! that no API, CLI or log shows. Never in a build that ships.

use crate::db::{Storage, on_pool};

/// What the outbox holds, oldest first: (address, sent_at, attempts).
pub async fn outbox(storage: &Storage) -> sqlx::Result<Vec<(String, Option<i64>, i64)>> {
    on_pool!(storage.read(), cx => sqlx::query_as("SELECT to_addr, sent_at, attempts FROM mail_outbox ORDER BY id")
        .fetch_all(cx)
        .await)
}

/// Every stored token hash (to prove tokens are stored only hashed).
pub async fn stored_token_hashes(storage: &Storage) -> sqlx::Result<Vec<String>> {
    on_pool!(storage.read(), cx => sqlx::query_scalar("SELECT token_hash FROM tokens")
        .fetch_all(cx)
        .await)
}

/// Breaks the lockout's table under a running server, to see a database
/// failure answered as `system_error`.
pub async fn break_lockout_table(storage: &Storage) -> sqlx::Result<()> {
    on_pool!(storage.write(), cx => sqlx::query("DROP TABLE auth_failures")
        .execute(cx)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A signed-in staff session for `name` (added with `role` if new), made
/// the way a passkey sign-in ends (`Storage::sign_in`), for the black-box
/// tests of the staff API; the passkey ceremonies themselves are tested in
/// Chromium with a virtual authenticator. Returns (cookie value, CSRF).
pub async fn staff_session(
    storage: &Storage,
    name: &str,
    role: renkei_shared::staff::StaffRole,
    now: i64,
) -> sqlx::Result<(String, String)> {
    use crate::crypto::{random_token, sha256_hex};
    use crate::db::OpLog;
    let id = match storage.staff_by_name(name).await? {
        Some(m) => m.id,
        None => {
            storage
                .add_staff(
                    name,
                    role,
                    &random_token(),
                    &sha256_hex(&random_token()),
                    now + 86_400,
                    OpLog {
                        at: now,
                        step: "staff",
                        outcome: "staff_added",
                        ..Default::default()
                    },
                )
                .await?
        }
    };
    let (token, csrf) = (random_token(), random_token());
    storage
        .sign_in(
            id,
            None,
            &sha256_hex(&token),
            &csrf,
            OpLog {
                at: now,
                step: "staff",
                outcome: "signed_in",
                staff: Some(name),
                ..Default::default()
            },
        )
        .await?;
    Ok((token, csrf))
}

/// Authorization codes and tokens whose consent row is missing (the
/// crash test: none may exist).
pub async fn orphan_codes_and_tokens(storage: &Storage) -> sqlx::Result<(i64, i64)> {
    let codes = on_pool!(storage.read(), cx => sqlx::query_scalar(
        "SELECT COUNT(*) FROM auth_codes WHERE consent_id NOT IN (SELECT id FROM consents)",
    )
    .fetch_one(cx)
    .await)?;
    let tokens = on_pool!(storage.read(), cx => sqlx::query_scalar(
        "SELECT COUNT(*) FROM tokens WHERE consent_id NOT IN (SELECT id FROM consents)",
    )
    .fetch_one(cx)
    .await)?;
    Ok((codes, tokens))
}

/// The consent an authorization code (as the app got it) belongs to.
pub async fn consent_of_code(storage: &Storage, code: &str) -> sqlx::Result<Option<i64>> {
    on_pool!(storage.read(), cx => sqlx::query_scalar(
        "SELECT c.id FROM auth_codes a JOIN consents c ON c.id = a.consent_id
         WHERE a.code_hash = $1",
    )
    .bind(crate::crypto::sha256_hex(code))
    .fetch_optional(cx)
    .await)
}

/// How many consents were ever given.
pub async fn consent_count(storage: &Storage) -> sqlx::Result<i64> {
    on_pool!(storage.read(), cx => sqlx::query_scalar("SELECT COUNT(*) FROM consents")
        .fetch_one(cx)
        .await)
}

/// The distinct client addresses the operation log recorded.
pub async fn logged_client_ips(storage: &Storage) -> sqlx::Result<Vec<String>> {
    on_pool!(storage.read(), cx => sqlx::query_scalar(
        "SELECT DISTINCT client_ip FROM operation_log WHERE client_ip IS NOT NULL ORDER BY 1",
    )
    .fetch_all(cx)
    .await)
}

/// How many WebAuthn ceremonies wait in the database.
pub async fn ceremony_count(storage: &Storage) -> sqlx::Result<i64> {
    on_pool!(storage.read(), cx => sqlx::query_scalar("SELECT COUNT(*) FROM staff_ceremonies")
        .fetch_one(cx)
        .await)
}
