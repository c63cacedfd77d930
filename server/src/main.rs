//! `renkei-server`: serve (the default) or run a staff subcommand. This file
//! only parses the command line; the work is in `startup` and `admin`.

use clap::{Parser, Subcommand};
use renkei_server::admin::clients::{ClientKeys, ClientOptions};
use renkei_server::admin::{AccountRef, Context};
use renkei_server::config::Config;
use renkei_server::startup::{Application, clock_for};
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
    /// Print the OpenAPI 3.1 document (what `/openapi.json` serves).
    Openapi,
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
    /// Maintenance windows (the service is closed during them).
    Maintenance {
        #[command(subcommand)]
        action: MaintenanceAction,
    },
    /// Staff accounts of the console (passkeys only: each gets a one-time enrolment link).
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// The bank's records, from its core banking system's exports.
    Records {
        #[command(subcommand)]
        action: RecordsAction,
    },
}

#[derive(Subcommand)]
enum StaffAction {
    /// Add a staff member; prints their one-time enrolment link (valid 24 h).
    Add {
        #[arg(long)]
        name: String,
        /// operator, supervisor or admin
        #[arg(long)]
        role: String,
    },
    /// Another enrolment link for a staff member (a passkey on another
    /// device); their earlier unused links stop working.
    Link {
        #[arg(long)]
        name: String,
    },
    /// Revoke every unused enrolment link of a staff member.
    RevokeLinks {
        #[arg(long)]
        name: String,
        #[arg(long)]
        reason: String,
    },
    /// Disable a staff member: their sessions end at once.
    Disable {
        #[arg(long)]
        name: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum RecordsAction {
    /// Load CSV exports (UTF-8, header row): all files or nothing; every bad line is named.
    Import {
        /// branch,kind,number,holder_kana,birth_date,phone,cash_card,status,moved_to_branch,moved_to_number,balance,available_balance,pin_hash
        #[arg(long)]
        accounts: Option<std::path::PathBuf>,
        /// branch,kind,number,txn_id,booked_on,description,amount_in,amount_out,balance_after
        #[arg(long)]
        transactions: Option<std::path::PathBuf>,
        /// branch,kind,number,deposit_id,principal,rate_bp,start_on,maturity_on
        #[arg(long)]
        time_deposits: Option<std::path::PathBuf>,
        /// full: the files are the whole truth (unlisted accounts are closed); delta: upserts only.
        #[arg(long, value_parser = ["full", "delta"])]
        mode: String,
        /// Check the files only; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Read branch,kind,number,pin lines on stdin; write branch,kind,number,pin_hash lines.
    HashPin,
    /// What is loaded: accounts per kind and status, the newest import, the oldest transaction.
    Status,
}

/// An account as staff name it, and why they act on it.
#[derive(clap::Args)]
struct AccountAndReason {
    /// 店番 (3 digits)
    #[arg(long)]
    branch: String,
    /// ordinary (普通預金) or savings (貯蓄預金)
    #[arg(long)]
    kind: String,
    /// 口座番号
    #[arg(long)]
    number: String,
    /// Written to the operation log.
    #[arg(long)]
    reason: String,
}

impl AccountAndReason {
    fn account(&self) -> anyhow::Result<AccountRef> {
        AccountRef::parse(&self.branch, &self.kind, &self.number)
    }
}

#[derive(Subcommand)]
enum LockAction {
    /// Lift today's lock on an account before 0:00 JST (written to the operation log).
    Lift(AccountAndReason),
}

#[derive(Subcommand)]
enum ConsentAction {
    /// End every API linkage of an account at once (all its tokens stop working).
    Revoke(AccountAndReason),
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
    let filter =
        EnvFilter::try_from_env("RENKEI_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // RENKEI_LOG_FORMAT=json: one JSON object per line, the request's span
    // (its request_id) in each.
    match std::env::var("RENKEI_LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
        // Values are escaped: no supplied text can forge a line.
        Ok("text") | Err(_) => tracing_subscriber::fmt()
            .fmt_fields(renkei_server::telemetry::escaped_fields())
            .with_env_filter(filter)
            .init(),
        Ok(other) => anyhow::bail!("RENKEI_LOG_FORMAT: text or json, not {other}"),
    }
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        // Needs no settings: the contract is the build's.
        println!("{}", renkei_server::startup::openapi_json());
        return Ok(());
    }
    let config = Config::from_env()?;
    let clock = clock_for(&config);
    let command = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let demo = config.demo;
            let app = Application::build(config, clock).await?;
            let addr = app.local_addr()?;
            let public = app.state().config.issuer();
            tracing::info!(%addr, "listening");
            println!("Renkei is listening on http://{addr}");
            if demo && cfg!(feature = "demo") {
                println!("Demo app: {public}/demo");
            }
            return Ok(app.run().await?);
        }
        Command::Records { action } => return records(action, &config, clock.now()).await,
        staff => staff,
    };
    let staff = Context::open(&config, &clock).await?;
    let staff_url = config.staff_url.as_str().trim_end_matches('/').to_owned();
    match command {
        Command::Serve | Command::Openapi | Command::Records { .. } => {
            unreachable!("handled above")
        }
        Command::Client {
            action:
                ClientAction::Add {
                    name,
                    redirect_uris,
                    jwks_file,
                    jwks_uri,
                    require_par,
                    require_dpop,
                },
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
                    println!("(the secret is shown only now; it is stored only as its SHA-256)");
                }
                None => println!("authentication: private_key_jwt (the registered keys)"),
            }
        }
        Command::Client {
            action: ClientAction::Disable { client_id },
        } => {
            staff.set_client_enabled(&client_id, false, None).await?;
            println!("client {client_id} disabled");
        }
        Command::Client {
            action: ClientAction::Enable { client_id },
        } => {
            staff.set_client_enabled(&client_id, true, None).await?;
            println!("client {client_id} enabled");
        }
        Command::Lock {
            action: LockAction::Lift(a),
        } => {
            let lifted = staff.lift_lock(&a.account()?, &a.reason).await?;
            println!(
                "{}",
                if lifted {
                    "lock lifted"
                } else {
                    "no lock or failures today; logged anyway"
                }
            );
        }
        Command::Consent {
            action: ConsentAction::Revoke(a),
        } => {
            let n = staff.revoke_consents(&a.account()?, &a.reason).await?;
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
            let from = AccountRef::parse(&from_branch, &kind, &from_number)?;
            let to = AccountRef::parse(&to_branch, &kind, &to_number)?;
            staff.move_account(&from, &to, &reason).await?;
            println!("account moved");
        }
        Command::Maintenance {
            action: MaintenanceAction::Add { from, to, reason },
        } => {
            let id = staff.add_maintenance(&from, &to, &reason).await?;
            println!("maintenance window {id} added");
        }
        Command::Staff { action } => {
            let token = match action {
                StaffAction::Add { name, role } => staff.add_staff(&name, &role).await?,
                StaffAction::Link { name } => staff.staff_link(&name).await?,
                StaffAction::Disable { name, reason } => {
                    staff.disable_staff(&name, &reason).await?;
                    println!("{name} disabled; their sessions have ended");
                    return Ok(());
                }
                StaffAction::RevokeLinks { name, reason } => {
                    let n = staff.revoke_links(&name, &reason).await?;
                    println!("{n} enrolment link(s) of {name} revoked");
                    return Ok(());
                }
            };
            // The fragment never reaches a server's access log.
            let valid = match staff.enrolment_secs {
                s if s % 3600 == 0 => format!("{} h", s / 3600),
                s => format!("{} min", s / 60),
            };
            println!("enrolment link (valid {valid}, once): {staff_url}/staff/enrol#{token}");
        }
    }
    Ok(())
}

async fn records(
    action: RecordsAction,
    config: &Config,
    now: jiff::Timestamp,
) -> anyhow::Result<()> {
    use renkei_server::db::{ImportMode, Storage};
    use renkei_server::records;
    match action {
        RecordsAction::Import {
            accounts,
            transactions,
            time_deposits,
            mode,
            dry_run,
        } => {
            anyhow::ensure!(
                accounts.is_some() || transactions.is_some() || time_deposits.is_some(),
                "give at least one of --accounts, --transactions, --time-deposits"
            );
            let req = records::ImportRequest {
                accounts,
                transactions,
                time_deposits,
                mode: if mode == "full" {
                    ImportMode::Full
                } else {
                    ImportMode::Delta
                },
                dry_run,
                retention_days: config.retention_days,
            };
            let rule = records::rows::PinHashRule {
                pepper_ids: config
                    .hashing
                    .peppers
                    .iter()
                    .map(|p| p.id.clone())
                    .collect(),
                strict: !config.demo,
                floor: renkei_server::config::ARGON2_FLOOR,
            };
            let storage = Storage::connect(&config.database_url).await?;
            match records::import(&storage, now, &req, &rule).await {
                Ok(c) => {
                    let verb = if dry_run { "would import" } else { "imported" };
                    println!("{verb}: {c}");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1);
                }
            }
        }
        RecordsAction::HashPin => {
            let hasher = renkei_server::hashing::Hasher::start(config.hashing.clone())?;
            let stdin = std::io::stdin().lock();
            let bad =
                records::hash_pins(&hasher, stdin, std::io::stdout(), std::io::stderr()).await?;
            if bad > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        RecordsAction::Status => {
            let storage = Storage::connect(&config.database_url).await?;
            let s = storage.records_status().await?;
            println!("accounts:");
            for (kind, status, n) in &s.accounts {
                println!(
                    "  {:<9} {:<7} {n}",
                    kind.code(),
                    format!("{status:?}").to_lowercase()
                );
            }
            println!("transactions: {}", s.transactions);
            println!("time deposits: {}", s.time_deposits);
            match &s.oldest_transaction {
                Some(d) => println!("oldest retained transaction: {d}"),
                None => println!("oldest retained transaction: none"),
            }
            match &s.newest_import {
                Some((at, mode, c)) => println!(
                    "newest import: {} ({mode:?}): {c}",
                    jiff::Timestamp::from_second(*at)?
                ),
                None => println!("newest import: none"),
            }
            Ok(())
        }
    }
}
