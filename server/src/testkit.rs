//! Test-only helpers (the `testkit` feature, enabled only by the
//! black-box tests' dev-dependency): what a test needs to see or break
//! that no API, CLI or log shows. Never in a build that ships.

use crate::db::{LogStep, Outcome, Storage};

/// What the outbox holds, oldest first: (address, sent_at, attempts).
pub async fn outbox(storage: &Storage) -> sqlx::Result<Vec<(String, Option<i64>, i64)>> {
    crate::db::backend!(storage, (s, b) => b::testkit::outbox(s).await)
}

/// Every stored token hash (to prove tokens are stored only hashed).
pub async fn stored_token_hashes(storage: &Storage) -> sqlx::Result<Vec<String>> {
    crate::db::backend!(storage, (s, b) => b::testkit::stored_token_hashes(s).await)
}

/// Breaks the lockout's table under a running server, to see a database
/// failure answered as `system_error`.
pub async fn break_lockout_table(storage: &Storage) -> sqlx::Result<()> {
    crate::db::backend!(storage, (s, b) => b::testkit::break_lockout_table(s).await)
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
    // The root alias's union (the tests' default: the union added first).
    let root = storage.oldest_institution().await?.map(|r| r.id);
    staff_session_of(storage, root, name, role, now).await
}

/// The same for a member of union `institution` (`None`: platform staff).
pub async fn staff_session_of(
    storage: &Storage,
    institution: Option<i64>,
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
                    institution,
                    name,
                    role,
                    &random_token(),
                    &sha256_hex(&random_token()),
                    now + 86_400,
                    OpLog::new(now, LogStep::Staff, Outcome::StaffAdded),
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
                staff: Some(name),
                ..OpLog::new(now, LogStep::Staff, Outcome::SignedIn)
            },
        )
        .await?;
    Ok((token, csrf))
}

/// Authorization codes and tokens whose consent row is missing (the
/// crash test: none may exist).
pub async fn orphan_codes_and_tokens(storage: &Storage) -> sqlx::Result<(i64, i64)> {
    crate::db::backend!(storage, (s, b) => b::testkit::orphan_codes_and_tokens(s).await)
}

/// The consent an authorization code (as the app got it) belongs to.
pub async fn consent_of_code(storage: &Storage, code: &str) -> sqlx::Result<Option<i64>> {
    let hash = crate::crypto::sha256_hex(code);
    crate::db::backend!(storage, (s, b) => b::testkit::consent_of_code(s, &hash).await)
}

/// How many consents were ever given.
pub async fn consent_count(storage: &Storage) -> sqlx::Result<i64> {
    crate::db::backend!(storage, (s, b) => b::testkit::consent_count(s).await)
}

/// The distinct client addresses the operation log recorded.
pub async fn logged_client_ips(storage: &Storage) -> sqlx::Result<Vec<String>> {
    crate::db::backend!(storage, (s, b) => b::testkit::logged_client_ips(s).await)
}

/// How many WebAuthn ceremonies wait in the database.
pub async fn ceremony_count(storage: &Storage) -> sqlx::Result<i64> {
    crate::db::backend!(storage, (s, b) => b::testkit::ceremony_count(s).await)
}

/// See the storage crates' `testkit::forgetful_statements`.
pub async fn forgetful_statements(
    storage: &Storage,
    institution: i64,
    other: i64,
) -> sqlx::Result<(i64, i64, bool)> {
    crate::db::backend!(storage, (s, b) => b::testkit::forgetful_statements(s, institution, other).await)
}

/// A union's statements sent through the platform's pool by mistake: the
/// accounts they see, and whether they could write one of union `union`.
pub async fn union_statements_on_the_platform_pool(
    storage: &Storage,
    union: i64,
) -> sqlx::Result<(i64, bool)> {
    crate::db::backend!(storage, (s, b) => b::testkit::union_statements_on_the_platform_pool(s, union).await)
}
