//! Staff accounts: `staff add` (a one-time enrolment link, valid 24 h by
//! default, to register a passkey), `staff link` (another link, for another
//! device; it revokes the member's earlier unused links), `staff
//! revoke-links`, `staff disable` (every session of theirs ends at once).

use super::{Context, reason};
use crate::crypto::{random_token, sha256_hex};
use crate::db::Outcome;
use renkei_shared::staff::StaffRole;

/// How long an enrolment link can be used, unless
/// `RENKEI_STAFF_ENROLMENT_SECS` says otherwise.
pub const ENROLMENT_SECS: i64 = 24 * 60 * 60;

impl Context {
    /// Adds a staff member; returns the enrolment token for the link
    /// (`<public URL>/staff/enrol#<token>`: the fragment never reaches a
    /// server log). Only its hash is stored.
    pub async fn add_staff(&self, name: &str, role: &str) -> anyhow::Result<String> {
        self.add_staff_of(Some(self.tenant.institution()), name, role)
            .await
    }

    /// The same for union `institution`, or for the platform (`None`:
    /// platform staff, who may act for any union).
    pub async fn add_staff_of(
        &self,
        institution: Option<i64>,
        name: &str,
        role: &str,
    ) -> anyhow::Result<String> {
        let name = name.trim();
        anyhow::ensure!(
            (1..=64).contains(&name.chars().count()),
            "--name: 1 to 64 characters"
        );
        let role = StaffRole::parse(role)
            .ok_or_else(|| anyhow::anyhow!("--role: operator, supervisor or admin"))?;
        anyhow::ensure!(
            self.storage.staff_by_name(name).await?.is_none(),
            "a staff member named {name} exists already (staff link gives them another link)"
        );
        let token = random_token();
        let detail = format!("staff member {name} added as {}", role.code());
        let handle = webauthn_rs::prelude::Uuid::new_v4().to_string();
        self.storage
            .add_staff(
                institution,
                name,
                role,
                &handle,
                &sha256_hex(&token),
                self.now.as_second() + self.enrolment_secs,
                self.log(Outcome::StaffAdded, &detail),
            )
            .await?;
        Ok(token)
    }

    /// Another enrolment link for an existing, enabled staff member.
    pub async fn staff_link(&self, name: &str) -> anyhow::Result<String> {
        let member = self
            .storage
            .staff_by_name(name.trim())
            .await?
            .filter(|m| m.disabled_at.is_none())
            .ok_or_else(|| anyhow::anyhow!("no enabled staff member named {name}"))?;
        let token = random_token();
        let detail = format!("enrolment link for {}", member.name);
        self.storage
            .add_enrolment(
                member.id,
                &sha256_hex(&token),
                self.now.as_second() + self.enrolment_secs,
                self.log(Outcome::StaffLink, &detail),
            )
            .await?;
        Ok(token)
    }

    /// Revokes every unused enrolment link of a staff member (a link sent
    /// to the wrong address, a device that will not be enrolled); returns
    /// how many.
    pub async fn revoke_links(&self, name: &str, why: &str) -> anyhow::Result<u64> {
        let why = reason(why)?;
        let member = self
            .storage
            .staff_by_name(name.trim())
            .await?
            .ok_or_else(|| anyhow::anyhow!("no staff member named {name}"))?;
        let detail = format!("enrolment links of {} revoked; reason: {why}", member.name);
        Ok(self
            .storage
            .revoke_enrolments(member.id, self.log(Outcome::StaffLinksRevoked, &detail))
            .await?)
    }

    /// Disables a staff member: their sessions end at once, their passkeys
    /// and links stop working.
    pub async fn disable_staff(&self, name: &str, why: &str) -> anyhow::Result<()> {
        let why = reason(why)?;
        let member = self
            .storage
            .staff_by_name(name.trim())
            .await?
            .ok_or_else(|| anyhow::anyhow!("no staff member named {name}"))?;
        let detail = format!("staff member {} disabled; reason: {why}", member.name);
        self.storage
            .disable_staff(member.id, self.log(Outcome::StaffDisabled, &detail))
            .await?;
        Ok(())
    }

    /// Removes one passkey of a member (a lost device) and ends their
    /// sessions, with the reason; false when they hold no such passkey.
    pub async fn remove_passkey(
        &self,
        staff_id: i64,
        name: &str,
        id: i64,
        why: &str,
    ) -> anyhow::Result<bool> {
        let why = reason(why)?;
        let detail = format!("passkey {id} of {name} removed; reason: {why}");
        Ok(self
            .storage
            .remove_passkey(staff_id, id, self.log(Outcome::PasskeyRemoved, &detail))
            .await?)
    }
}
