//! What the black-box tests read or break that no API, CLI or log shows
//! (the `testkit` feature; never in a build that ships).

use crate::Storage;

/// What the outbox holds, oldest first: (address, sent_at, attempts).
pub async fn outbox(s: &Storage) -> sqlx::Result<Vec<(String, Option<i64>, i64)>> {
    let rows = sqlx::query!("SELECT to_addr, sent_at, attempts FROM mail_outbox ORDER BY id")
        .fetch_all(s.read())
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.to_addr, r.sent_at, r.attempts))
        .collect())
}

/// Every union's id: the readers below ask each union's own connection
/// (on PostgreSQL the platform's sees none of a union's records, grants or
/// locks: its row-level security fails closed).
async fn unions(s: &Storage) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!("SELECT id AS \"id!\" FROM institutions ORDER BY id")
        .fetch_all(s.read())
        .await
}

/// Every stored token hash, every union's.
pub async fn stored_token_hashes(s: &Storage) -> sqlx::Result<Vec<String>> {
    let mut all = Vec::new();
    for union in unions(s).await? {
        let mut c = s.union_conn(union, false, None).await?;
        all.extend(
            sqlx::query_scalar!(
                "SELECT token_hash AS \"token_hash!\" FROM tokens WHERE institution_id = $1",
                union,
            )
            .fetch_all(&mut *c)
            .await?,
        );
    }
    Ok(all)
}

/// Drops the lockout's table under a running server.
pub async fn break_lockout_table(s: &Storage) -> sqlx::Result<()> {
    sqlx::query!("DROP TABLE auth_failures",)
        .execute(s.write())
        .await?;
    Ok(())
}

/// Authorization codes and tokens whose consent row is missing, every
/// union's.
pub async fn orphan_codes_and_tokens(s: &Storage) -> sqlx::Result<(i64, i64)> {
    let (mut codes, mut tokens) = (0, 0);
    for union in unions(s).await? {
        let mut c = s.union_conn(union, false, None).await?;
        codes += sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM auth_codes
             WHERE institution_id = $1 AND consent_id NOT IN (SELECT id FROM consents)",
            union,
        )
        .fetch_one(&mut *c)
        .await?;
        tokens += sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM tokens
             WHERE institution_id = $1 AND consent_id NOT IN (SELECT id FROM consents)",
            union,
        )
        .fetch_one(&mut *c)
        .await?;
    }
    Ok((codes, tokens))
}

/// The consent the authorization code of hash `code_hash` belongs to, at
/// whichever union issued it.
pub async fn consent_of_code(s: &Storage, code_hash: &str) -> sqlx::Result<Option<i64>> {
    for union in unions(s).await? {
        let mut c = s.union_conn(union, false, None).await?;
        let found = sqlx::query_scalar!(
            "SELECT c.id FROM auth_codes a JOIN consents c ON c.id = a.consent_id
             WHERE a.code_hash = $1 AND a.institution_id = $2",
            code_hash,
            union,
        )
        .fetch_optional(&mut *c)
        .await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// How many consents were ever given, at every union.
pub async fn consent_count(s: &Storage) -> sqlx::Result<i64> {
    let mut n = 0;
    for union in unions(s).await? {
        let mut c = s.union_conn(union, false, None).await?;
        n += sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM consents WHERE institution_id = $1",
            union,
        )
        .fetch_one(&mut *c)
        .await?;
    }
    Ok(n)
}

/// The distinct client addresses the operation log recorded.
pub async fn logged_client_ips(s: &Storage) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
            "SELECT DISTINCT client_ip AS \"client_ip!\" FROM operation_log WHERE client_ip IS NOT NULL ORDER BY 1",
        )
    .fetch_all(s.read())
    .await
}

/// How many WebAuthn ceremonies wait in the database.
pub async fn ceremony_count(s: &Storage) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT COUNT(*) AS \"n!\" FROM staff_ceremonies",)
        .fetch_one(s.read())
        .await
}

/// Statements that forget the union filter, run on union `institution`'s
/// connection (issue #22): how many accounts a bare `SELECT` sees there,
/// how many a union's transaction sees, and whether it could insert an
/// account of union `other`. On PostgreSQL its row-level security answers;
/// SQLite has none.
pub async fn forgetful_statements(
    s: &Storage,
    institution: i64,
    other: i64,
) -> sqlx::Result<(i64, i64, bool)> {
    let mut c = s.union_conn(institution, true, None).await?;
    let seen = sqlx::query_scalar!("SELECT COUNT(*) AS \"n!\" FROM accounts")
        .fetch_one(&mut *c)
        .await?;
    let inserted = sqlx::query!(
        "INSERT INTO accounts (institution_id, public_id, branch, kind, number, source)
         VALUES ($1, 'acc_forgetful', '999', 'ordinary', '9999999', 'gateway')",
        other,
    )
    .execute(&mut *c)
    .await
    .is_ok();
    drop(c);
    let mut tx = s.union_begin(institution, None).await?;
    let in_tx = sqlx::query_scalar!("SELECT COUNT(*) AS \"n!\" FROM accounts")
        .fetch_one(tx.cx())
        .await?;
    tx.commit().await?;
    Ok((seen, in_tx, inserted))
}

/// A union's statements sent through the platform's own connection by
/// mistake (issue #31): how many accounts a bare `SELECT` sees there, and
/// whether it could insert an account of union `union`. On PostgreSQL the
/// row-level security fails closed: none, and no; SQLite has none.
pub async fn union_statements_on_the_platform_pool(
    s: &Storage,
    union: i64,
) -> sqlx::Result<(i64, bool)> {
    let seen = sqlx::query_scalar!("SELECT COUNT(*) AS \"n!\" FROM accounts")
        .fetch_one(s.read())
        .await?;
    let inserted = sqlx::query!(
        "INSERT INTO accounts (institution_id, public_id, branch, kind, number, source)
         VALUES ($1, 'acc_misrouted', '998', 'ordinary', '9999998', 'gateway')",
        union,
    )
    .execute(s.write())
    .await
    .is_ok();
    Ok((seen, inserted))
}
