//! Staff subcommands of `renkei-server` that work on the database directly.

use crate::security::{hash_secret, random_token};
use crate::storage::{NewClient, Storage};
use url::Url;

/// How a registered app authenticates and what it must do (FAPI 2.0).
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// The app's public keys (a JWK Set): it then authenticates with
    /// `private_key_jwt` instead of its secret.
    pub jwks: Option<String>,
    pub require_par: bool,
    pub require_dpop: bool,
}

/// Registers a fintech app and returns (client_id, secret). The secret is
/// printed once by the caller and stored only as an argon2id hash.
pub async fn add_client(
    storage: &Storage,
    name: &str,
    redirect_uris: &[String],
    now: i64,
) -> anyhow::Result<(String, String)> {
    add_client_with(storage, name, redirect_uris, &ClientOptions::default(), now).await
}

/// [`add_client`] with the authentication method and requirements.
pub async fn add_client_with(
    storage: &Storage,
    name: &str,
    redirect_uris: &[String],
    options: &ClientOptions,
    now: i64,
) -> anyhow::Result<(String, String)> {
    if let Some(jwks) = &options.jwks {
        let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(jwks)
            .map_err(|e| anyhow::anyhow!("--jwks-file: not a JWK Set: {e}"))?;
        anyhow::ensure!(!set.keys.is_empty(), "--jwks-file: no keys");
        anyhow::ensure!(
            !jwks.contains("\"d\""),
            "--jwks-file: private key material; register public keys only"
        );
    }
    anyhow::ensure!(!name.trim().is_empty(), "--name must not be empty");
    anyhow::ensure!(
        !redirect_uris.is_empty(),
        "at least one --redirect-uri is required"
    );
    for uri in redirect_uris {
        let u = Url::parse(uri).map_err(|e| anyhow::anyhow!("--redirect-uri {uri}: {e}"))?;
        // RFC 9700: exact, absolute redirect URIs without fragments; https
        // except for loopback during development.
        anyhow::ensure!(
            u.fragment().is_none(),
            "--redirect-uri {uri}: no fragment allowed"
        );
        let loopback = matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        anyhow::ensure!(
            u.scheme() == "https" || (u.scheme() == "http" && loopback),
            "--redirect-uri {uri}: must be https (http only for loopback)"
        );
    }
    let client_id = format!("c-{}", &random_token()[..22]);
    let secret = random_token();
    let secret_hash = hash_secret(secret.clone()).await?;
    storage
        .insert_client(NewClient {
            client_id: &client_id,
            display_name: name.trim(),
            redirect_uris,
            secret_hash: &secret_hash,
            now,
        })
        .await?;
    let method = if options.jwks.is_some() {
        "private_key_jwt"
    } else {
        "client_secret_basic"
    };
    storage
        .set_client_auth(
            &client_id,
            method,
            options.jwks.as_deref(),
            options.require_par,
            options.require_dpop,
        )
        .await?;
    Ok((client_id, secret))
}

/// Lifts today's API-linkage lock on an account before 0:00 JST, writing
/// who asked why into the operation log. Returns whether a lock (or any
/// counted failure) was there to lift.
pub async fn lift_lock(
    storage: &Storage,
    branch: &str,
    kind: &str,
    number: &str,
    reason: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<bool> {
    use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
    anyhow::ensure!(!reason.trim().is_empty(), "--reason must not be empty");
    let branch =
        BranchNumber::parse(branch).map_err(|e| anyhow::anyhow!("--branch: {}", e.message()))?;
    let kind = AccountKind::parse(kind).map_err(|e| anyhow::anyhow!("--kind: {}", e.message()))?;
    let number =
        AccountNumber::parse(number).map_err(|e| anyhow::anyhow!("--number: {}", e.message()))?;
    let account = storage
        .find_account(&branch, kind, &number)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no such account"))?;
    let day = crate::clock::jst_date(now).to_string();
    let lifted = storage
        .lift_lock(crate::storage::LockKey {
            account_id: account.id,
            jst_day: &day,
        })
        .await?;
    let detail = format!(
        "account {}-{}-{}; reason: {}",
        branch.as_str(),
        kind.code(),
        number.as_str(),
        reason.trim()
    );
    storage
        .log_operation(crate::storage::OpLog {
            at: now.as_second(),
            step: "staff",
            outcome: if lifted {
                "lock_lifted"
            } else {
                "lock_lift_nothing"
            },
            detail: Some(&detail),
            ..Default::default()
        })
        .await?;
    Ok(lifted)
}

/// Adds a maintenance window [from, to) during which the service is closed.
pub async fn add_maintenance(
    storage: &Storage,
    from: &str,
    to: &str,
    reason: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<i64> {
    let parse = |s: &str, flag: &str| {
        s.parse::<jiff::Timestamp>().map_err(|e| {
            anyhow::anyhow!("{flag}: RFC 3339 with offset, e.g. 2026-12-01T01:00:00+09:00 ({e})")
        })
    };
    let (from, to) = (parse(from, "--from")?, parse(to, "--to")?);
    anyhow::ensure!(to > from, "--to must be after --from");
    anyhow::ensure!(!reason.trim().is_empty(), "--reason must not be empty");
    let id = storage
        .add_maintenance(
            from.as_second(),
            to.as_second(),
            reason.trim(),
            now.as_second(),
        )
        .await?;
    storage
        .log_operation(crate::storage::OpLog {
            at: now.as_second(),
            step: "staff",
            outcome: "maintenance_added",
            detail: Some(&format!("{from} .. {to}: {}", reason.trim())),
            ..Default::default()
        })
        .await?;
    Ok(id)
}

/// Enables or disables a registered app (disabled: `service_unavailable`).
pub async fn set_client_enabled(
    storage: &Storage,
    client_id: &str,
    enabled: bool,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        storage.set_client_enabled(client_id, enabled).await?,
        "no client {client_id}"
    );
    storage
        .log_operation(crate::storage::OpLog {
            at: now.as_second(),
            client_id: Some(client_id),
            step: "staff",
            outcome: if enabled {
                "client_enabled"
            } else {
                "client_disabled"
            },
            ..Default::default()
        })
        .await?;
    Ok(())
}

fn account_ref(
    branch: &str,
    kind: &str,
    number: &str,
) -> anyhow::Result<(
    renkei_shared::domain::BranchNumber,
    renkei_shared::domain::AccountKind,
    renkei_shared::domain::AccountNumber,
)> {
    use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber};
    Ok((
        BranchNumber::parse(branch).map_err(|e| anyhow::anyhow!("branch: {}", e.message()))?,
        AccountKind::parse(kind).map_err(|e| anyhow::anyhow!("kind: {}", e.message()))?,
        AccountNumber::parse(number).map_err(|e| anyhow::anyhow!("number: {}", e.message()))?,
    ))
}

/// Staff revoke every API linkage of an account at once (written to the
/// operation log); returns how many consents ended.
pub async fn revoke_consents(
    storage: &Storage,
    branch: &str,
    kind: &str,
    number: &str,
    reason: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<u64> {
    anyhow::ensure!(!reason.trim().is_empty(), "--reason must not be empty");
    let (b, k, n) = account_ref(branch, kind, number)?;
    let account = storage
        .find_account(&b, k, &n)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no such account"))?;
    let count = storage
        .revoke_account_consents(account.id, now.as_second())
        .await?;
    let detail = format!(
        "account {}-{}-{}: {count} consent(s); reason: {}",
        b.as_str(),
        k.code(),
        n.as_str(),
        reason.trim()
    );
    storage
        .log_operation(crate::storage::OpLog {
            at: now.as_second(),
            step: "staff",
            outcome: "consents_revoked",
            detail: Some(&detail),
            ..Default::default()
        })
        .await?;
    Ok(count)
}

/// 口座移管: the old account is marked moved to the new one; every grant on
/// the old account stops working at once (the API answers account_moved).
pub async fn move_account(
    storage: &Storage,
    kind: &str,
    from: (&str, &str),
    to: (&str, &str),
    reason: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    anyhow::ensure!(!reason.trim().is_empty(), "--reason must not be empty");
    let (fb, k, fnum) = account_ref(from.0, kind, from.1)?;
    let (tb, _, tnum) = account_ref(to.0, kind, to.1)?;
    let old = storage
        .find_account(&fb, k, &fnum)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {}-{}", fb.as_str(), fnum.as_str()))?;
    let new = storage
        .find_account(&tb, k, &tnum)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {}-{}", tb.as_str(), tnum.as_str()))?;
    anyhow::ensure!(old.id != new.id, "the accounts are the same");
    storage.mark_moved(old.id, new.id).await?;
    let detail = format!(
        "{}-{} -> {}-{}; reason: {}",
        fb.as_str(),
        fnum.as_str(),
        tb.as_str(),
        tnum.as_str(),
        reason.trim()
    );
    storage
        .log_operation(crate::storage::OpLog {
            at: now.as_second(),
            step: "staff",
            outcome: "account_moved",
            detail: Some(&detail),
            ..Default::default()
        })
        .await?;
    Ok(())
}
