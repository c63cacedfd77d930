//! Maintenance windows: the service is closed during them.

use super::{Context, reason};
use crate::db::Outcome;

impl Context {
    /// Adds a maintenance window [from, to), RFC 3339 instants with an
    /// offset (e.g. 2026-12-01T01:00:00+09:00).
    pub async fn add_maintenance(&self, from: &str, to: &str, why: &str) -> anyhow::Result<i64> {
        let parse = |s: &str, flag: &str| {
            s.parse::<jiff::Timestamp>().map_err(|e| {
                anyhow::anyhow!(
                    "{flag}: RFC 3339 with offset, e.g. 2026-12-01T01:00:00+09:00 ({e})"
                )
            })
        };
        let (from, to) = (parse(from, "--from")?, parse(to, "--to")?);
        anyhow::ensure!(to > from, "--to must be after --from");
        let why = reason(why)?;
        let detail = format!("{from} .. {to}: {why}");
        Ok(self
            .tenant
            .add_maintenance(
                (from.as_second(), to.as_second()),
                why,
                self.log(Outcome::MaintenanceAdded, &detail),
            )
            .await?)
    }

    /// Cancels a window that has not ended (it stays, marked, for the
    /// record).
    pub async fn cancel_maintenance(&self, id: i64, why: &str) -> anyhow::Result<bool> {
        let why = reason(why)?;
        let detail = format!("window {id}; reason: {why}");
        Ok(self
            .tenant
            .cancel_maintenance(id, self.log(Outcome::MaintenanceCancelled, &detail))
            .await?)
    }
}
