//! The credit unions a deployment serves (issue #22).

/// Whether an institution serves its customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum InstitutionState {
    Active,
    /// Its customers get service_unavailable; its tokens stop working.
    Suspended,
}

renkei_shared::sqlx_text!(InstitutionState);

/// One institution as `institutions` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionRow {
    pub id: i64,
    /// 金融機関コード (4 digits).
    pub code: String,
    pub name: String,
    /// The profile file's text (TOML), as the server's reader accepted it.
    pub profile: String,
    pub state: InstitutionState,
    pub state_reason: Option<String>,
    pub state_changed_at: Option<i64>,
    pub created_at: i64,
}

/// A new institution, or a new profile for one.
#[derive(Debug, Clone, Copy)]
pub struct InstitutionProfile<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub profile: &'a str,
}
