//! `renkei-server records import | hash-pin | status`: the bank's records,
//! from its core banking system's exports.

use clap::Subcommand;
use renkei_server::config::Config;
use renkei_server::startup::clock_for;

#[derive(Subcommand)]
pub enum RecordsAction {
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
        /// The credit union whose records these are (金融機関コード); only
        /// its records change. Default: the root alias's (RENKEI_ROOT_INSTITUTION).
        #[arg(long)]
        institution: Option<String>,
    },
    /// Read branch,kind,number,pin lines on stdin; write branch,kind,number,pin_hash lines.
    HashPin,
    /// What is loaded: accounts per kind and status, the newest import, the oldest transaction.
    Status {
        /// The credit union (金融機関コード). Default: the root alias's (RENKEI_ROOT_INSTITUTION).
        #[arg(long)]
        institution: Option<String>,
    },
}
/// The union `--institution` names, or the root alias's
/// (`RENKEI_ROOT_INSTITUTION`).
async fn tenant(
    storage: &renkei_server::db::Storage,
    config: &Config,
    code: Option<&str>,
) -> anyhow::Result<renkei_server::db::Tenant> {
    let code = code.or(config.root_institution.as_deref());
    match code {
        Some(code) => renkei_server::admin::institutions::tenant_of(storage, code).await,
        None => {
            let root = renkei_server::state::RootAlias::resolve(storage, None).await?;
            Ok(storage.tenant(root.id))
        }
    }
}

impl RecordsAction {
    pub async fn run(self, config: &Config) -> anyhow::Result<()> {
        let now = clock_for(config).now();
        let action = self;
        use renkei_server::db::{ImportMode, Storage};
        use renkei_server::records;
        match action {
            RecordsAction::Import {
                accounts,
                transactions,
                time_deposits,
                mode,
                dry_run,
                institution,
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
                let tenant = tenant(&storage, config, institution.as_deref()).await?;
                match records::import(&tenant, now, &req, &rule).await {
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
                let bad = records::hash_pins(&hasher, stdin, std::io::stdout(), std::io::stderr())
                    .await?;
                if bad > 0 {
                    std::process::exit(1);
                }
                Ok(())
            }
            RecordsAction::Status { institution } => {
                let storage = Storage::connect(&config.database_url).await?;
                let s = tenant(&storage, config, institution.as_deref())
                    .await?
                    .records_status()
                    .await?;
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
}
