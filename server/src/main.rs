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
                },
        } => {
            let storage = Storage::connect(&config.database_url).await?;
            let now = clock_for(&config).now().as_second();
            let (id, secret) =
                renkei_server::cli::add_client(&storage, &name, &redirect_uris, now).await?;
            println!("client_id:     {id}");
            println!("client_secret: {secret}");
            println!("(the secret is shown only now; it is stored as an argon2id hash)");
        }
    }
    Ok(())
}
