//! `renkei-server client add | disable | enable`: registered fintech apps.

use clap::Subcommand;
use renkei_server::admin::Context;
use renkei_server::admin::clients::{ClientKeys, ClientOptions};

#[derive(Subcommand)]
pub enum ClientAction {
    /// Register an app for the platform; prints its client id and secret
    /// once. It is off at every union until switched on there
    /// (`--enable-at`, or `client enable --institution`).
    Add {
        /// Display name shown to customers on the consent screen.
        #[arg(long)]
        name: String,
        /// Exact redirect URI; repeat for several.
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// The app's public keys (JWK Set file): it authenticates with
        /// private_key_jwt (ES256, PS256 or EdDSA) instead of a secret.
        #[arg(long = "jwks-file", conflicts_with = "jwks_uri")]
        jwks_file: Option<std::path::PathBuf>,
        /// The URL where the app publishes its public keys (JWK Set, https):
        /// fetched now, and again when the copy is 5 minutes old or an
        /// assertion names a key it lacks.
        #[arg(long = "jwks-uri")]
        jwks_uri: Option<String>,
        /// The app must use pushed authorization requests.
        #[arg(long)]
        require_par: bool,
        /// The app must bind its tokens with DPoP.
        #[arg(long)]
        require_dpop: bool,
        /// Switch it on at this credit union (金融機関コード) at once;
        /// repeat for several. Needs --reason.
        #[arg(long = "enable-at", requires = "reason")]
        enable_at: Vec<String>,
        /// Why it is switched on there (recorded with the date).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Stop an app: its customers get service_unavailable (at every union,
    /// or with --institution at that union only).
    Disable {
        #[arg(long = "client-id")]
        client_id: String,
        #[command(flatten)]
        at: AtUnion,
    },
    /// Allow a disabled app again (everywhere, or at --institution).
    Enable {
        #[arg(long = "client-id")]
        client_id: String,
        #[command(flatten)]
        at: AtUnion,
    },
}

/// `--institution CODE --reason TEXT`: one union's switch of the app.
#[derive(clap::Args)]
pub struct AtUnion {
    /// The credit union (金融機関コード) whose customers alone it concerns.
    #[arg(long, requires = "reason")]
    institution: Option<String>,
    /// Why (recorded with the date; required with --institution).
    #[arg(long)]
    reason: Option<String>,
}

impl AtUnion {
    /// The switch at one union, when one was named; false otherwise.
    async fn switch(self, staff: &Context, client_id: &str, enabled: bool) -> anyhow::Result<bool> {
        let Some(code) = self.institution else {
            return Ok(false);
        };
        let why = self.reason.as_deref().unwrap_or("");
        staff.switch_app_at(&code, client_id, enabled, why).await?;
        let verb = if enabled { "enabled" } else { "disabled" };
        println!("client {client_id} {verb} at institution {code}");
        Ok(true)
    }
}
impl ClientAction {
    pub async fn run(self, staff: &Context) -> anyhow::Result<()> {
        match self {
            ClientAction::Add {
                name,
                redirect_uris,
                jwks_file,
                jwks_uri,
                require_par,
                require_dpop,
                enable_at,
                reason,
            } => {
                let keys = match (jwks_file, jwks_uri) {
                    (Some(path), _) => Some(ClientKeys::Uploaded(std::fs::read_to_string(&path)?)),
                    (None, Some(uri)) => Some(ClientKeys::Url(uri)),
                    (None, None) => None,
                };
                let options = ClientOptions {
                    keys,
                    require_par,
                    require_dpop,
                };
                let added = staff.add_client(&name, &redirect_uris, &options).await?;
                println!("client_id:     {}", added.client_id);
                match added.secret {
                    Some(secret) => {
                        println!("client_secret: {secret}");
                        println!(
                            "(the secret is shown only now; it is stored only as its SHA-256)"
                        );
                    }
                    None => println!("authentication: private_key_jwt (the registered keys)"),
                }
                for code in &enable_at {
                    let why = reason.as_deref().unwrap_or("");
                    staff
                        .switch_app_at(code, &added.client_id, true, why)
                        .await?;
                    println!("enabled at institution {code}");
                }
                if enable_at.is_empty() {
                    println!(
                        "(off at every credit union until switched on there: client enable --institution)"
                    );
                }
            }
            ClientAction::Disable { client_id, at } => {
                if !at.switch(staff, &client_id, false).await? {
                    staff.set_client_enabled(&client_id, false, None).await?;
                    println!("client {client_id} disabled");
                }
            }
            ClientAction::Enable { client_id, at } => {
                if !at.switch(staff, &client_id, true).await? {
                    staff.set_client_enabled(&client_id, true, None).await?;
                    println!("client {client_id} enabled");
                }
            }
        }
        Ok(())
    }
}
