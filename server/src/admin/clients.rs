//! Registered fintech apps. Registering one, changing its keys, redirect
//! URIs or FAPI settings, and switching it for every union are the
//! platform's actions (logged in the platform's log, and in the log of
//! each union the change reaches); a new app is off at every union until
//! that union switches it on (`switch_app`, a union's action).

use super::{Context, reason};
use crate::crypto::{client_secret_digest, random_token};
use crate::db::{AuthMethod, NewClient, OpLog, Outcome};
use crate::oauth::jwks;
use url::Url;

/// How a registered app authenticates and what it must do (FAPI 2.0).
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// The app's public keys: it then authenticates with `private_key_jwt`
    /// instead of a secret.
    pub keys: Option<ClientKeys>,
    pub require_par: bool,
    pub require_dpop: bool,
}

/// Where a `private_key_jwt` app's public keys come from.
#[derive(Debug, Clone)]
pub enum ClientKeys {
    /// A JWK Set handed over at registration.
    Uploaded(String),
    /// The URL the app publishes its JWK Set at (`jwks_uri`): fetched now,
    /// and again as `oauth::jwks` says.
    Url(String),
}

/// A registration as it is made.
pub struct Registered {
    pub client_id: String,
    /// Shown once; stored only as its SHA-256 (`crypto`). `None` for
    /// `private_key_jwt` apps, which have no secret.
    pub secret: Option<String>,
}

impl Context {
    /// Registers a fintech app under a new id.
    pub async fn add_client(
        &self,
        name: &str,
        redirect_uris: &[String],
        options: &ClientOptions,
    ) -> anyhow::Result<Registered> {
        let client_id = format!("c-{}", &random_token()[..22]);
        let secret = self
            .register(&client_id, name, redirect_uris, options, None)
            .await?;
        Ok(Registered { client_id, secret })
    }

    /// Registers (or registers again) an app under a known id; with
    /// `secret`, that secret instead of a new random one. Returns the
    /// secret of a `client_secret_basic` app.
    pub async fn register(
        &self,
        client_id: &str,
        name: &str,
        redirect_uris: &[String],
        options: &ClientOptions,
        secret: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        anyhow::ensure!(!name.trim().is_empty(), "--name must not be empty");
        check_redirect_uris(redirect_uris)?;
        let (jwks, jwks_uri) = match &options.keys {
            None => (None, None),
            Some(ClientKeys::Uploaded(set)) => {
                jwks::check(set).map_err(|e| anyhow::anyhow!("--jwks-file: {e}"))?;
                (Some(set.clone()), None)
            }
            Some(ClientKeys::Url(uri)) => {
                let set = jwks::fetch(uri, self.jwks_allow_loopback)
                    .await
                    .map_err(|e| anyhow::anyhow!("--jwks-uri {uri}: {e}"))?;
                (Some(set), Some(uri.as_str()))
            }
        };
        let (auth_method, secret) = match &jwks {
            Some(_) => (AuthMethod::PrivateKeyJwt, None),
            None => (
                AuthMethod::ClientSecretBasic,
                Some(secret.map(str::to_owned).unwrap_or_else(random_token)),
            ),
        };
        let secret_hash = secret.as_deref().map(client_secret_digest);
        let detail = format!(
            "{} ({client_id}), redirect URIs: {}",
            name.trim(),
            redirect_uris.join(" ")
        );
        self.storage
            .upsert_client(NewClient {
                client_id,
                display_name: name.trim(),
                redirect_uris,
                auth_method,
                secret_hash: secret_hash.as_deref(),
                jwks: jwks.as_deref(),
                jwks_uri,
                require_par: options.require_par,
                require_dpop: options.require_dpop,
                now: self.now.as_second(),
            })
            .await?;
        let log = OpLog {
            client_id: Some(client_id),
            ..self.log(Outcome::ClientRegistered, &detail)
        };
        self.storage.log_platform(log).await?;
        Ok(secret)
    }

    /// Enables or disables a registered app at every union (disabled: its
    /// customers get `service_unavailable` everywhere), with the reason when
    /// staff gave one: the platform's switch, logged at the platform and at
    /// each union that has the app on.
    pub async fn set_client_enabled(
        &self,
        client_id: &str,
        enabled: bool,
        why: Option<&str>,
    ) -> anyhow::Result<()> {
        let why = why.map(reason).transpose()?;
        let detail = match why {
            Some(w) => format!("at every credit union; reason: {w}"),
            None => "at every credit union".to_owned(),
        };
        let log = OpLog {
            client_id: Some(client_id),
            ..self.log(
                if enabled {
                    Outcome::ClientEnabled
                } else {
                    Outcome::ClientDisabled
                },
                &detail,
            )
        };
        anyhow::ensure!(
            self.storage
                .set_client_enabled(client_id, enabled, log)
                .await?,
            "no client {client_id}"
        );
        Ok(())
    }
}

impl Context {
    /// `switch_app` at the union with 金融機関コード `code` (the command
    /// line's `--institution`, `--enable-at`), acting as this context.
    pub async fn switch_app_at(
        &self,
        code: &str,
        client_id: &str,
        enabled: bool,
        why: &str,
    ) -> anyhow::Result<()> {
        self.clone()
            .for_institution(code)
            .await?
            .switch_app(client_id, enabled, why)
            .await
    }

    /// Switches a registered app off or on for this context's union only
    /// (its customers there get `service_unavailable`; other unions'
    /// go on), with the date and the reason.
    pub async fn switch_app(
        &self,
        client_id: &str,
        enabled: bool,
        why: &str,
    ) -> anyhow::Result<()> {
        let why = reason(why)?;
        let detail = format!("at this credit union; reason: {why}");
        let log = OpLog {
            client_id: Some(client_id),
            ..self.log(
                if enabled {
                    Outcome::ClientEnabled
                } else {
                    Outcome::ClientDisabled
                },
                &detail,
            )
        };
        anyhow::ensure!(
            self.tenant.switch_app(client_id, enabled, why, log).await?,
            "no client {client_id}"
        );
        Ok(())
    }
}

/// RFC 9700: exact, absolute redirect URIs without fragments; https except
/// for loopback during development.
fn check_redirect_uris(uris: &[String]) -> anyhow::Result<()> {
    anyhow::ensure!(!uris.is_empty(), "at least one --redirect-uri is required");
    for uri in uris {
        let u = Url::parse(uri).map_err(|e| anyhow::anyhow!("--redirect-uri {uri}: {e}"))?;
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
    Ok(())
}
