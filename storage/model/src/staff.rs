//! Staff members, their enrolment links, passkeys, WebAuthn ceremonies in
//! progress and sessions; and what the console reads about an account.

use crate::{LogStep, Outcome, RevokedBy};
use renkei_shared::staff::StaffRole;

#[derive(Debug, Clone)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub role: StaffRole,
    pub user_handle: String,
    pub disabled_at: Option<i64>,
    /// The union the member works for (`None`: the platform's staff).
    pub institution_id: Option<i64>,
}

/// A staff member as the admin's list shows them.
#[derive(Debug, Clone)]
pub struct StaffListRow {
    pub name: String,
    pub role: StaffRole,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub passkeys: i64,
}

/// A live session with its staff member (never a disabled one).
#[derive(Debug, Clone)]
pub struct StaffSessionRow {
    pub staff_id: i64,
    pub name: String,
    pub role: StaffRole,
    pub csrf_token: String,
    /// The member's union (`None`: platform staff).
    pub institution_id: Option<i64>,
}

/// A WebAuthn ceremony taken back (once) by the request that finishes it.
#[derive(Debug, Clone)]
pub struct CeremonyRow {
    /// `None` for a sign-in started with an unknown name: it finishes for
    /// no one.
    pub staff_id: Option<i64>,
    pub enrolment: Option<String>,
    pub state: String,
}

#[derive(Debug, Clone)]
pub struct PasskeyListRow {
    pub id: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct PasskeyRow {
    pub credential_id: String,
    pub passkey: String,
}

/// A consent of an account, with its app's name.
#[derive(Debug, Clone)]
pub struct AccountConsentRow {
    pub id: i64,
    pub app: String,
    pub granted_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<RevokedBy>,
}

/// A flow of an account, as its log lines tell it.
#[derive(Debug, Clone)]
pub struct AccountFlowRow {
    pub flow_id: String,
    pub app: String,
    pub started_at: i64,
    pub last_at: i64,
    pub last_step: LogStep,
    pub last_outcome: Outcome,
}

/// How long a staff session lives: idle and absolute, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}
