//! Staff subcommands of `renkei-server` that work on the database directly.

use crate::security::{hash_secret, random_token};
use crate::storage::{NewClient, Storage};
use url::Url;

/// Registers a fintech app and returns (client_id, secret). The secret is
/// printed once by the caller and stored only as an argon2id hash.
pub async fn add_client(
    storage: &Storage,
    name: &str,
    redirect_uris: &[String],
    now: i64,
) -> anyhow::Result<(String, String)> {
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
    Ok((client_id, secret))
}
