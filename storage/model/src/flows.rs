//! Linkages in progress, and [`Storage::transition`]: the only statement
//! that moves a flow from one step to another.

use crate::*;

use renkei_shared::api::Step;

/// One linkage in progress.
#[derive(Debug, Clone)]
pub struct FlowRow {
    pub id: String,
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub state: String,
    pub scope: String,
    pub csrf_token: String,
    pub step: Step,
    pub account_id: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A flow as a request finds it: the row, its app's name and standing,
/// whether a staff maintenance window is open, and its account's reference — one
/// statement, so a step reads none of them again.
#[derive(Debug, Clone)]
pub struct FlowRead {
    pub row: FlowRow,
    pub client_name: String,
    pub client_enabled: bool,
    pub in_maintenance: bool,
    /// The account chosen on SOA201, once there is one.
    pub account: Option<AccountRow>,
}

pub struct NewFlow<'a> {
    pub id: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub scope: &'a str,
    pub code_challenge: &'a str,
    pub dpop_jkt: Option<&'a str>,
    pub csrf_token: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// What a move does to the account chosen on SOA201.
#[derive(Debug, Clone, Copy, Default)]
pub enum AccountChange {
    #[default]
    Keep,
    Set(i64),
    /// Forgotten (the phone window lapsed: start again at SOA201).
    Clear,
}

/// What a move does to the e-mail kept for the completion mail.
#[derive(Debug, Clone, Copy, Default)]
pub enum EmailChange<'a> {
    #[default]
    Keep,
    Set(&'a str),
    Erase,
}

/// What 許可する writes besides the move: the consent and the code.
pub struct NewGrant<'a> {
    pub account_id: i64,
    pub terms_version: &'a str,
    pub expires_at: i64,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub code_hash: &'a str,
    pub code_expires_at: i64,
}

/// One move of a flow with everything it causes. `from` is the step the
/// caller saw; the move happens only if the flow still stands there (and,
/// with `unless_locked`, only while the account is not locked), so a double
/// submit, a second tab or a racing lockout changes nothing.
pub struct Move<'a> {
    pub flow_id: &'a str,
    pub from: Step,
    pub to: Step,
    pub now: i64,
    pub account: AccountChange,
    pub email: EmailChange<'a>,
    /// (whose failures today, the threshold): refuse once it is reached.
    pub unless_locked: Option<(LockKey<'a>, i64)>,
    pub grant: Option<NewGrant<'a>>,
    pub mail: Option<MailToSend<'a>>,
    /// The operation-log row, written in the same transaction.
    pub log: OpLog<'a>,
}
