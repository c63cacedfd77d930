//! `renkei-server maintenance add`: a window the service is closed in.

use clap::Subcommand;
use renkei_server::admin::Context;

#[derive(Subcommand)]
pub enum MaintenanceAction {
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
impl MaintenanceAction {
    pub async fn run(self, staff: &Context) -> anyhow::Result<()> {
        let MaintenanceAction::Add { from, to, reason } = self;
        let id = staff.add_maintenance(&from, &to, &reason).await?;
        println!("maintenance window {id} added");
        Ok(())
    }
}
