//! `renkei-server lock lift`, `consent revoke`, `account move`: a staff
//! member's actions on one account, each with its reason for the log.

use clap::Subcommand;
use renkei_server::admin::{AccountRef, Context};

/// An account as staff name it, and why they act on it.
#[derive(clap::Args)]
pub struct AccountAndReason {
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
pub enum LockAction {
    /// Lift today's lock on an account before 0:00 JST (written to the operation log).
    Lift(AccountAndReason),
}
impl LockAction {
    pub async fn run(self, staff: &Context) -> anyhow::Result<()> {
        let LockAction::Lift(a) = self;
        let lifted = staff.lift_lock(&a.account()?, &a.reason).await?;
        println!(
            "{}",
            if lifted {
                "lock lifted"
            } else {
                "no lock or failures today; logged anyway"
            }
        );
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ConsentAction {
    /// End every API linkage of an account at once (all its tokens stop working).
    Revoke(AccountAndReason),
}
impl ConsentAction {
    pub async fn run(self, staff: &Context) -> anyhow::Result<()> {
        let ConsentAction::Revoke(a) = self;
        let n = staff.revoke_consents(&a.account()?, &a.reason).await?;
        println!("{n} consent(s) revoked");
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum AccountAction {
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
impl AccountAction {
    pub async fn run(self, staff: &Context) -> anyhow::Result<()> {
        let AccountAction::Move {
            kind,
            from_branch,
            from_number,
            to_branch,
            to_number,
            reason,
        } = self;
        let from = AccountRef::parse(&from_branch, &kind, &from_number)?;
        let to = AccountRef::parse(&to_branch, &kind, &to_number)?;
        staff.move_account(&from, &to, &reason).await?;
        println!("account moved");
        Ok(())
    }
}
