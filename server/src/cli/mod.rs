//! The command line: `serve` (the default), `openapi`, and the staff's
//! subcommands, one module per area, each running its own action. The work
//! itself is in the library (`startup`, `admin`, `records`).

mod accounts;
mod clients;
mod institutions;
mod maintenance;
mod records;
mod staff;

use clap::{Parser, Subcommand};
use renkei_server::admin::Context;
use renkei_server::config::Config;
use renkei_server::startup::{Application, clock_for};

#[derive(Parser)]
#[command(name = "renkei-server", version, about = "Renkei API連携認証 service")]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Print the OpenAPI 3.1 document (what `/openapi.json` serves).
    Openapi,
    /// Manage registered fintech apps (OAuth clients).
    Client {
        #[command(subcommand)]
        action: clients::ClientAction,
    },
    /// The daily API-linkage lockout.
    Lock {
        #[command(subcommand)]
        action: accounts::LockAction,
    },
    /// API linkages (consents) of an account.
    Consent {
        #[command(subcommand)]
        action: accounts::ConsentAction,
    },
    /// The bank's account records.
    Account {
        #[command(subcommand)]
        action: accounts::AccountAction,
    },
    /// Maintenance windows (the service is closed during them).
    Maintenance {
        #[command(subcommand)]
        action: maintenance::MaintenanceAction,
    },
    /// Staff accounts of the console (passkeys only: each gets a one-time enrolment link).
    Staff {
        #[command(subcommand)]
        action: staff::StaffAction,
    },
    /// The credit unions this platform serves.
    Institution {
        #[command(subcommand)]
        action: institutions::InstitutionAction,
    },
    /// The bank's records, from its core banking system's exports.
    Records {
        #[command(subcommand)]
        action: records::RecordsAction,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        match self.command.unwrap_or(Command::Serve) {
            // Needs no settings: the contract is the build's.
            Command::Openapi => {
                println!("{}", renkei_server::startup::openapi_json());
                Ok(())
            }
            Command::Serve => serve(Config::from_env()?).await,
            Command::Records { action } => action.run(&Config::from_env()?).await,
            Command::Client { action } => action.run(&staff_context().await?).await,
            Command::Lock { action } => action.run(&staff_context().await?).await,
            Command::Consent { action } => action.run(&staff_context().await?).await,
            Command::Account { action } => action.run(&staff_context().await?).await,
            Command::Maintenance { action } => action.run(&staff_context().await?).await,
            Command::Institution { action } => {
                let config = Config::from_env()?;
                let context = Context::open(&config, &clock_for(&config)).await?;
                action.run(&context, config.demo).await
            }
            Command::Staff { action } => {
                let config = Config::from_env()?;
                let staff_url = config.staff.url.as_str().trim_end_matches('/').to_owned();
                let context = Context::open(&config, &clock_for(&config)).await?;
                action.run(&context, &staff_url).await
            }
        }
    }
}

/// The staff's tools' context: the storage, now, and the audit row.
async fn staff_context() -> anyhow::Result<Context> {
    let config = Config::from_env()?;
    Context::open(&config, &clock_for(&config)).await
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let demo = config.demo;
    let clock = clock_for(&config);
    let app = Application::build(config, clock).await?;
    let addr = app.local_addr()?;
    let public = app.state().config.issuer();
    tracing::info!(%addr, "listening");
    println!("Renkei is listening on http://{addr}");
    if demo && cfg!(feature = "demo") {
        println!("Demo app: {public}/demo");
    }
    Ok(app.run().await?)
}
