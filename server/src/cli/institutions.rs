//! `renkei-server institution add | list | suspend | resume | check`: the
//! credit unions this platform serves.

use clap::Subcommand;
use renkei_server::admin::Context;
use renkei_server::db::InstitutionState;

#[derive(Subcommand)]
pub enum InstitutionAction {
    /// Add a credit union: its issuer is {RENKEI_PUBLIC_URL}/institutions/{code}.
    Add {
        /// 金融機関コード (4 digits).
        #[arg(long)]
        code: String,
        /// Its profile (TOML, the keys of RENKEI_INSTITUTION_FILE; `name` required).
        #[arg(long)]
        profile: std::path::PathBuf,
    },
    /// The institutions in code order, a page at a time.
    List {
        /// Codes starting with, or names containing, this text.
        #[arg(long)]
        search: Option<String>,
        /// Start after this code (the last of the previous page).
        #[arg(long)]
        after: Option<String>,
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=1000))]
        limit: i64,
    },
    /// Stop a union's service: its customers get service_unavailable, its tokens stop.
    Suspend {
        #[arg(long)]
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// Serve a suspended union again.
    Resume {
        #[arg(long)]
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// List the unions whose stored profile no longer parses (they answer
    /// service_unavailable until it is fixed); exit 1 if there is one.
    Check,
}

impl InstitutionAction {
    /// `demo`: demo mode (a union's gateway may then be plain http).
    pub async fn run(self, staff: &Context, demo: bool) -> anyhow::Result<()> {
        let (code, state, reason) = match self {
            InstitutionAction::Add { code, profile } => {
                let text = std::fs::read_to_string(&profile)
                    .map_err(|e| anyhow::anyhow!("--profile: {}: {e}", profile.display()))?;
                staff.add_institution(&code, &text, demo).await?;
                println!("institution {code} added");
                return Ok(());
            }
            InstitutionAction::List {
                search,
                after,
                limit,
            } => {
                let rows = staff
                    .list_institutions(search.as_deref(), after.as_deref(), limit)
                    .await?;
                for r in &rows {
                    let state: &str = r.state.into();
                    println!("{}\t{}\t{state}", r.code, r.name);
                }
                return Ok(());
            }
            InstitutionAction::Check => {
                let broken =
                    renkei_server::admin::institutions::unparsable_profiles(&staff.storage).await?;
                for (code, why) in &broken {
                    println!("{code}\t{why}");
                }
                anyhow::ensure!(
                    broken.is_empty(),
                    "{} credit union(s) whose profile does not parse",
                    broken.len()
                );
                println!("every credit union's profile parses");
                return Ok(());
            }
            InstitutionAction::Suspend { code, reason } => {
                (code, InstitutionState::Suspended, reason)
            }
            InstitutionAction::Resume { code, reason } => (code, InstitutionState::Active, reason),
        };
        let verb = match state {
            InstitutionState::Suspended => "suspended",
            InstitutionState::Active => "active",
        };
        if staff.set_institution_state(&code, state, &reason).await? {
            println!("institution {code} {verb}");
        } else {
            println!("institution {code} was {verb} already");
        }
        Ok(())
    }
}
