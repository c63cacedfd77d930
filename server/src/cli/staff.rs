//! `renkei-server staff add | link | revoke-links | disable`: the console's
//! staff members (passkeys only: each gets a one-time enrolment link).

use clap::Subcommand;
use renkei_server::admin::Context;

#[derive(Subcommand)]
pub enum StaffAction {
    /// Add a staff member; prints their one-time enrolment link (valid 24 h).
    Add {
        #[arg(long)]
        name: String,
        /// operator, supervisor or admin
        #[arg(long)]
        role: String,
        /// The credit union (金融機関コード) they work for; they see and
        /// change only its data. Default: the root alias's (RENKEI_ROOT_INSTITUTION).
        #[arg(long, conflicts_with = "platform")]
        institution: Option<String>,
        /// Platform staff instead (operator or admin of the platform): they
        /// act for whichever union a request names.
        #[arg(long)]
        platform: bool,
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
impl StaffAction {
    /// `staff_url`: the console's public address, for the enrolment link.
    pub async fn run(self, staff: &Context, staff_url: &str) -> anyhow::Result<()> {
        let token = match self {
            StaffAction::Add {
                name,
                role,
                institution,
                platform,
            } => {
                let of = match (platform, institution) {
                    (true, _) => None,
                    (false, Some(code)) => Some(
                        renkei_server::admin::institutions::tenant_of(&staff.storage, &code)
                            .await?
                            .institution(),
                    ),
                    (false, None) => Some(staff.tenant.institution()),
                };
                staff.add_staff_of(of, &name, &role).await?
            }
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
        Ok(())
    }
}
