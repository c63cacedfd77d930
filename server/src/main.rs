//! `renkei-server`: serve (the default) or run a staff subcommand.

use clap::{Parser, Subcommand};
use renkei_server::config::Config;
use renkei_server::startup::{Application, clock_for};
use renkei_server::storage::Storage;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "renkei-server", version, about = "Renkei API連携認証 service")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Manage registered fintech apps (OAuth clients).
    Client {
        #[command(subcommand)]
        action: ClientAction,
    },
    /// The daily API-linkage lockout.
    Lock {
        #[command(subcommand)]
        action: LockAction,
    },
    /// Send a signed inbound-call webhook to a running server, as the carrier would.
    SimulateCall {
        /// Calling number (09011113333, +819011113333, or anonymous for 非通知).
        #[arg(long)]
        from: String,
        /// Called number; defaults to RENKEI_CALLBACK_NUMBER.
        #[arg(long)]
        to: Option<String>,
        /// The server's base URL; defaults to RENKEI_PUBLIC_URL.
        #[arg(long)]
        url: Option<String>,
    },
    /// API linkages (consents) of an account.
    Consent {
        #[command(subcommand)]
        action: ConsentAction,
    },
    /// The bank's account records.
    Account {
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Load a running demo server: N whole linkages at concurrency C, then API reads.
    Bench {
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        url: String,
        #[arg(long, default_value_t = 30)]
        flows: usize,
        #[arg(long, default_value_t = 3)]
        concurrency: usize,
        /// Account + transactions reads per linked token.
        #[arg(long, default_value_t = 20)]
        reads: usize,
    },
    /// Maintenance windows (the service is closed during them).
    Maintenance {
        #[command(subcommand)]
        action: MaintenanceAction,
    },
}

#[derive(Subcommand)]
enum LockAction {
    /// Lift today's lock on an account before 0:00 JST (written to the operation log).
    Lift {
        #[arg(long)]
        branch: String,
        /// ordinary (普通預金) or savings (貯蓄預金)
        #[arg(long)]
        kind: String,
        #[arg(long)]
        number: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum ConsentAction {
    /// End every API linkage of an account at once (all its tokens stop working).
    Revoke {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        number: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum AccountAction {
    /// 口座移管: mark an account moved to another; grants on the old one stop working.
    Move {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        from_branch: String,
        #[arg(long)]
        from_number: String,
        #[arg(long)]
        to_branch: String,
        #[arg(long)]
        to_number: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum MaintenanceAction {
    /// Close the service from --from to --to (RFC 3339, e.g. 2026-12-01T01:00:00+09:00).
    Add {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum ClientAction {
    /// Register an app; prints its client id and secret once.
    Add {
        /// Display name shown to customers on the consent screen.
        #[arg(long)]
        name: String,
        /// Exact redirect URI; repeat for several.
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// The app's public keys (JWK Set file): it authenticates with
        /// private_key_jwt (ES256, PS256 or EdDSA) instead of a secret.
        #[arg(long = "jwks-file")]
        jwks_file: Option<std::path::PathBuf>,
        /// The app must use pushed authorization requests.
        #[arg(long)]
        require_par: bool,
        /// The app must bind its tokens with DPoP.
        #[arg(long)]
        require_dpop: bool,
    },
    /// Stop an app: its customers get service_unavailable.
    Disable {
        #[arg(long = "client-id")]
        client_id: String,
    },
    /// Allow a disabled app again.
    Enable {
        #[arg(long = "client-id")]
        client_id: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("RENKEI_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let clock = clock_for(&config);
            let demo = config.demo;
            let app = Application::build(config, clock).await?;
            let addr = app.local_addr()?;
            let public = app.state().config.issuer();
            tracing::info!(%addr, "listening");
            println!("Renkei is listening on http://{addr}");
            if demo {
                println!("Demo app: {public}/demo");
            }
            app.run().await?;
        }
        Command::Client {
            action:
                ClientAction::Add {
                    name,
                    redirect_uris,
                    jwks_file,
                    require_par,
                    require_dpop,
                },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now().as_second();
            let jwks = match jwks_file {
                Some(path) => Some(std::fs::read_to_string(&path)?),
                None => None,
            };
            let private_key_jwt = jwks.is_some();
            let options = renkei_server::cli::ClientOptions {
                jwks,
                require_par,
                require_dpop,
            };
            let (id, secret) =
                renkei_server::cli::add_client_with(&storage, &name, &redirect_uris, &options, now)
                    .await?;
            println!("client_id:     {id}");
            if private_key_jwt {
                println!("authentication: private_key_jwt (the registered keys)");
            } else {
                println!("client_secret: {secret}");
                println!("(the secret is shown only now; it is stored as an argon2id hash)");
            }
        }
        Command::Client {
            action: ClientAction::Disable { client_id },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now();
            renkei_server::cli::set_client_enabled(&storage, &client_id, false, now).await?;
            println!("client {client_id} disabled");
        }
        Command::Client {
            action: ClientAction::Enable { client_id },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now();
            renkei_server::cli::set_client_enabled(&storage, &client_id, true, now).await?;
            println!("client {client_id} enabled");
        }
        Command::Lock {
            action:
                LockAction::Lift {
                    branch,
                    kind,
                    number,
                    reason,
                },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now();
            let lifted =
                renkei_server::cli::lift_lock(&storage, &branch, &kind, &number, &reason, now)
                    .await?;
            println!(
                "{}",
                if lifted {
                    "lock lifted"
                } else {
                    "no lock or failures today; logged anyway"
                }
            );
        }
        Command::SimulateCall { from, to, url } => {
            let secret = config
                .telephony_secret
                .clone()
                .ok_or_else(|| anyhow::anyhow!("set RENKEI_TELEPHONY_SECRET (or RENKEI_DEMO=1)"))?;
            let to = to.unwrap_or_else(|| config.callback_number.clone());
            let url = url.unwrap_or_else(|| config.issuer());
            let now = clock_for(&config).now();
            let result =
                renkei_server::telephony::send_signed_call(&url, &secret, &from, &to, now).await?;
            println!("{result}");
        }
        Command::Consent {
            action:
                ConsentAction::Revoke {
                    branch,
                    kind,
                    number,
                    reason,
                },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now();
            let n = renkei_server::cli::revoke_consents(
                &storage, &branch, &kind, &number, &reason, now,
            )
            .await?;
            println!("{n} consent(s) revoked");
        }
        Command::Account {
            action:
                AccountAction::Move {
                    kind,
                    from_branch,
                    from_number,
                    to_branch,
                    to_number,
                    reason,
                },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now();
            renkei_server::cli::move_account(
                &storage,
                &kind,
                (&from_branch, &from_number),
                (&to_branch, &to_number),
                &reason,
                now,
            )
            .await?;
            println!("account moved");
        }
        Command::Bench {
            url,
            flows,
            concurrency,
            reads,
        } => {
            let telephony_secret = config
                .telephony_secret
                .clone()
                .ok_or_else(|| anyhow::anyhow!("set RENKEI_TELEPHONY_SECRET (or RENKEI_DEMO=1)"))?;
            let report = renkei_server::bench::run(renkei_server::bench::BenchConfig {
                url,
                flows,
                concurrency,
                reads_per_flow: reads,
                telephony_secret,
                callback_number: config.callback_number.clone(),
            })
            .await?;
            print!("{report}");
        }
        Command::Maintenance {
            action: MaintenanceAction::Add { from, to, reason },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now();
            let id =
                renkei_server::cli::add_maintenance(&storage, &from, &to, &reason, now).await?;
            println!("maintenance window {id} added");
        }
    }
    Ok(())
}
