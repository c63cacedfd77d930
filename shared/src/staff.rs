//! The staff console's wire types (`/staff/api/*`): what the console (the
//! `renkei-staff` bundle) and the server agree on. Errors use the one wire
//! format (`ErrorBody`) with the `staff_*` codes.

use crate::api::Step;
use crate::domain::AccountKind;
use crate::oplog::{LogStep, Outcome};
use serde::{Deserialize, Serialize};

/// The header that carries a staff session's CSRF token on every change.
pub const STAFF_CSRF_HEADER: &str = "x-renkei-staff-csrf";

/// The staff API's paths, each once (axum's `{name}` syntax): the server
/// routes them, the console fills them with [`path`].
pub mod paths {
    /// `POST` [`super::EnrolStart`] → [`super::Ceremony`].
    pub const ENROL_START: &str = "/staff/api/enrol/start";
    /// `POST` [`super::CeremonyDone`] → [`super::Me`].
    pub const ENROL_FINISH: &str = "/staff/api/enrol/finish";
    /// `POST` [`super::SignInStart`] → [`super::Ceremony`].
    pub const SIGN_IN_START: &str = "/staff/api/sign-in/start";
    /// `POST` [`super::CeremonyDone`] → [`super::Me`].
    pub const SIGN_IN_FINISH: &str = "/staff/api/sign-in/finish";
    /// `POST`: ends the session.
    pub const SIGN_OUT: &str = "/staff/api/sign-out";
    /// `GET` → [`super::Me`].
    pub const ME: &str = "/staff/api/me";
    /// `GET` → [`super::AccountView`].
    pub const ACCOUNT: &str = "/staff/api/accounts/{branch}/{kind}/{number}";
    /// `POST` [`super::Reason`] → [`super::AccountView`].
    pub const LIFT_LOCK: &str = "/staff/api/accounts/{branch}/{kind}/{number}/lift-lock";
    /// `POST` [`super::EndLinkages`] → [`super::AccountView`].
    pub const END_LINKAGES: &str = "/staff/api/accounts/{branch}/{kind}/{number}/end-linkages";
    /// `GET ?step&outcome&branch&number&app&from&to&before` → [`super::AuditPage`].
    pub const AUDIT: &str = "/staff/api/audit";
    /// `GET`, the same query: the matching lines as CSV.
    pub const AUDIT_CSV: &str = "/staff/api/audit.csv";
    /// `GET ?from&to&app` → [`super::Funnel`].
    pub const FUNNEL: &str = "/staff/api/funnel";
    /// `GET` → [`super::Maintenance`]; `POST` [`super::NewMaintenance`].
    pub const MAINTENANCE: &str = "/staff/api/maintenance";
    /// `POST` [`super::Reason`] → [`super::Done`].
    pub const MAINTENANCE_CANCEL: &str = "/staff/api/maintenance/{id}/cancel";
    /// `GET` → [`super::AppView`]s: the platform's apps as this union has them.
    pub const APPS: &str = "/staff/api/apps";
    /// `POST` [`super::AppEnabled`] → [`super::Done`].
    pub const APP_ENABLED: &str = "/staff/api/apps/{client_id}/enabled";
    /// `GET` → [`super::StaffMember`]s; `POST` [`super::NewStaff`] → [`super::EnrolmentLink`].
    pub const STAFF: &str = "/staff/api/staff";
    /// `POST` → [`super::EnrolmentLink`].
    pub const STAFF_LINK: &str = "/staff/api/staff/{name}/link";
    /// `POST` [`super::Reason`] → [`super::Done`].
    pub const STAFF_LINKS_REVOKE: &str = "/staff/api/staff/{name}/links/revoke";
    /// `POST` [`super::Reason`] → [`super::Done`].
    pub const STAFF_DISABLE: &str = "/staff/api/staff/{name}/disable";
    /// `GET` → [`super::StaffPasskey`]s.
    pub const STAFF_PASSKEYS: &str = "/staff/api/staff/{name}/passkeys";
    /// `POST` [`super::Reason`] → [`super::Done`].
    pub const STAFF_PASSKEY_REMOVE: &str = "/staff/api/staff/{name}/passkeys/{id}/remove";
    /// `GET` ?search&after → [`super::InstitutionsPage`] (platform staff).
    pub const INSTITUTIONS: &str = "/staff/api/institutions";
    /// `POST` [`super::InstitutionStateChange`] → [`super::Done`] (platform admin).
    pub const INSTITUTION_STATE: &str = "/staff/api/institutions/{code}/state";
    /// `POST` [`super::NewApp`] → [`super::AppRegistered`] (platform admin):
    /// an app for the whole platform, off at every union until switched on.
    pub const PLATFORM_APPS: &str = "/staff/api/platform/apps";
}

/// `template` with each `{…}` replaced by the next of `values`,
/// percent-encoded (RFC 3986 unreserved characters stay as they are).
pub fn path(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        for b in values.next().copied().unwrap_or_default().bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// What a change answers: how many things it changed (locks lifted,
/// linkages ended, links revoked; 1 for one passkey, window, app or member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    pub changed: u64,
}

/// What a staff member may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(strum::EnumString, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
pub enum StaffRole {
    /// Counter and call centre: look up, lift a lock, end a linkage.
    Operator,
    /// Also maintenance windows, apps on/off, the audit log and the funnel.
    Supervisor,
    /// Also apps and staff accounts.
    Admin,
}

impl StaffRole {
    pub fn parse(s: &str) -> Option<StaffRole> {
        match s {
            "operator" => Some(StaffRole::Operator),
            "supervisor" => Some(StaffRole::Supervisor),
            "admin" => Some(StaffRole::Admin),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Operator => "operator",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StaffRole::Operator => "オペレーター",
            StaffRole::Supervisor => "スーパーバイザー",
            StaffRole::Admin => "管理者",
        }
    }
}

/// The signed-in staff member (`GET /staff/api/me`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: StaffRole,
    /// Sent back in [`STAFF_CSRF_HEADER`] with every change.
    pub csrf_token: String,
    /// The credit union the console acts for (its name).
    #[serde(default)]
    pub institution: String,
    /// Platform staff: they may open any union's data and the list of
    /// unions.
    #[serde(default)]
    pub platform: bool,
}

/// `GET` [`paths::INSTITUTIONS`]: a page of the platform's unions in code
/// order, those after `after` whose code starts with, or whose name
/// contains, `search`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InstitutionsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One union as platform staff see it, with its last 30 days side by side
/// with the others': linkages started and granted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionView {
    pub code: String,
    pub name: String,
    pub suspended: bool,
    pub state_reason: Option<String>,
    pub started: i64,
    pub granted: i64,
}

/// A page of [`InstitutionView`]s; `next`: the `after` of the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionsPage {
    pub institutions: Vec<InstitutionView>,
    pub next: Option<String>,
}

/// `POST` [`paths::INSTITUTION_STATE`]: suspend or resume, with a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstitutionStateChange {
    pub suspended: bool,
    pub reason: String,
}

/// `POST /staff/api/enrol/start`: the token from the enrolment link.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolStart {
    pub token: String,
}

/// `POST /staff/api/sign-in/start`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInStart {
    pub name: String,
}

/// A WebAuthn ceremony begun: its id (to send back with the result) and
/// the options for `navigator.credentials.create/get`, in WebAuthn's JSON
/// form (`{"publicKey": …}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ceremony {
    pub ceremony: String,
    pub options: serde_json::Value,
}

/// The browser's answer to a ceremony (`PublicKeyCredential.toJSON()`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CeremonyDone {
    pub ceremony: String,
    pub credential: serde_json::Value,
}

/// Every change needs its reason, for the operation log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
}

/// End one linkage (`consent_id`) or all of an account's (`None`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndLinkages {
    pub consent_id: Option<i64>,
    pub reason: String,
}

/// One account as the console shows it (`GET /staff/api/accounts/{branch}/{kind}/{number}`).
/// Never the PIN, the full phone number or an e-mail address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub branch: String,
    pub kind: AccountKind,
    pub number: String,
    /// `active`, `closed`, `moved`, or `unknown` when the records no longer hold it.
    pub status: String,
    pub cash_card: bool,
    pub can_link: bool,
    /// e.g. `*******7777`.
    pub masked_phone: Option<String>,
    pub failures_today: i64,
    pub lockout_threshold: i64,
    pub locked: bool,
    pub consents: Vec<ConsentView>,
    pub recent_flows: Vec<FlowSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentView {
    pub id: i64,
    pub app: String,
    /// RFC 3339 instants.
    pub granted_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    /// `app`, `staff`, `code_reuse`, `refresh_reuse`.
    pub revoked_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowSummary {
    /// The first characters of the flow's id (enough to find it in the log).
    pub flow: String,
    pub app: String,
    pub started_at: String,
    pub last_at: String,
    pub last_step: LogStep,
    pub last_outcome: Outcome,
}

/// One line of the operation log as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub flow: Option<String>,
    pub app: Option<String>,
    pub step: LogStep,
    pub outcome: Outcome,
    pub staff: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    /// The `before` of the next (older) page.
    pub next_before: Option<i64>,
}

/// One screen of the funnel: how many flows reached it, and of those that
/// went no further, how many were cancelled, locked, or just left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// `None` for 完了 (completed).
    pub step: Option<Step>,
    pub label: String,
    pub reached: i64,
    pub cancelled: i64,
    pub locked: i64,
    pub left: i64,
}

/// A count under a label (a chart's bar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// `GET /staff/api/funnel?from=YYYY-MM-DD&to=YYYY-MM-DD&app=…` (JST days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub from: String,
    pub to: String,
    pub steps: Vec<FunnelStep>,
    pub errors_by_code: Vec<Count>,
    /// By JST hour of day, 0–23.
    pub errors_by_hour: Vec<Count>,
    pub locks_by_day: Vec<Count>,
    pub calls: Vec<Count>,
    pub consents_granted: i64,
    pub consents_ended: i64,
}

/// A maintenance window staff set (`GET /staff/api/maintenance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub id: i64,
    /// RFC 3339, JST.
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
    pub cancelled: bool,
}

/// A closure of the seed's fixed calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedClosure {
    pub starts_at: String,
    pub ends_at: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Maintenance {
    /// Windows not yet ended, cancelled ones marked.
    pub windows: Vec<MaintenanceWindow>,
    /// The fixed calendar's closures over the coming 14 days.
    pub calendar: Vec<FixedClosure>,
}

/// `POST /staff/api/maintenance`: [from, to), RFC 3339 with offset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewMaintenance {
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// A registered fintech app (`GET /staff/api/apps`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppView {
    pub client_id: String,
    pub name: String,
    /// Whether the staff member's union's customers can use it: registered
    /// on the platform, and not switched off at this union.
    pub enabled: bool,
    /// When this union last switched it off or on (unix seconds), and why.
    #[serde(default)]
    pub switched_at: Option<i64>,
    #[serde(default)]
    pub switch_reason: Option<String>,
    /// `client_secret_basic` or `private_key_jwt`.
    pub auth_method: String,
    pub require_par: bool,
    pub require_dpop: bool,
    pub redirect_uris: Vec<String>,
    /// Where its public keys are fetched from, if it registered a URL.
    #[serde(default)]
    pub jwks_uri: Option<String>,
}

/// `POST /staff/api/apps` (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewApp {
    pub name: String,
    pub redirect_uris: Vec<String>,
    /// The app's public JWK Set (JSON), for `private_key_jwt`; with
    /// neither this nor `jwks_uri` a client secret is made.
    pub jwks: Option<String>,
    /// Or the https URL the app publishes its JWK Set at (not both).
    #[serde(default)]
    pub jwks_uri: Option<String>,
    pub require_par: bool,
    pub require_dpop: bool,
}

/// The new app's id, and its secret shown this once (none with a JWKS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRegistered {
    pub client_id: String,
    pub secret: Option<String>,
}

/// `POST /staff/api/apps/{id}/enabled` (supervisor and up).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppEnabled {
    pub enabled: bool,
    pub reason: String,
}

/// A staff member as the admin sees them (`GET /staff/api/staff`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffMember {
    pub name: String,
    pub role: StaffRole,
    pub created_at: String,
    pub disabled: bool,
    pub passkeys: i64,
}

/// One passkey of a staff member (`GET /staff/api/staff/{name}/passkeys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPasskey {
    pub id: i64,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// `POST /staff/api/staff` (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewStaff {
    pub name: String,
    pub role: StaffRole,
}

/// A one-time enrolment link (valid 24 h), shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentLink {
    pub link: String,
}

/// The proleptic Gregorian date of a day counted from 1970-01-01
/// (Howard Hinnant's `civil_from_days`). The console does its own calendar
/// arithmetic: jiff's parser and error texts would add some 50 KB to its
/// bundle for what JST — a fixed +09:00, no daylight saving — needs.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (`days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An instant as a Japanese clerk reads it, in JST: `2026年11月30日 9:31`
/// (with `seconds`, `2026年11月30日 9:31:05`, for the audit log).
pub fn clerk_time(unix_secs: i64, seconds: bool) -> String {
    let jst = unix_secs + 9 * 3600;
    let (year, month, day) = civil_from_days(jst.div_euclid(86_400));
    let secs = jst.rem_euclid(86_400);
    let clock = format!("{}:{:02}", secs / 3600, secs % 3600 / 60);
    if seconds {
        format!("{year}年{month}月{day}日 {clock}:{:02}", secs % 60)
    } else {
        format!("{year}年{month}月{day}日 {clock}")
    }
}

/// Unix seconds of an RFC 3339 instant as the server writes them
/// (`2026-12-01T01:00:00+09:00`, `…Z`, optional fraction), or `None`.
fn unix_of_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // An optional fraction, then Z or ±HH:MM.
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(s.len() - 5, 2)?, num(s.len() - 2, 2)?);
            let o = h * 3600 + m * 60;
            if *sign == b'-' { -o } else { o }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// An RFC 3339 instant of the wire (the maintenance windows') as a clerk
/// reads it; the text itself when it is not one.
pub fn clerk_time_of(rfc3339: &str) -> String {
    unix_of_rfc3339(rfc3339).map_or_else(|| rfc3339.to_owned(), |t| clerk_time(t, false))
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, clerk_time, clerk_time_of, days_from_civil, unix_of_rfc3339};

    #[test]
    fn the_calendar_agrees_with_jiff_over_four_centuries() {
        // Every day from 1900 to 2300, against jiff's own arithmetic.
        let mut date = jiff::civil::date(1900, 1, 1);
        let end = jiff::civil::date(2300, 1, 1);
        let epoch = jiff::civil::date(1970, 1, 1);
        while date < end {
            let days = i64::from((date - epoch).get_days());
            let expected = (
                i64::from(date.year()),
                date.month() as u32,
                date.day() as u32,
            );
            assert_eq!(civil_from_days(days), expected, "{date}");
            assert_eq!(days_from_civil(expected.0, expected.1, expected.2), days);
            date = date.tomorrow().unwrap();
        }
    }

    #[test]
    fn wire_instants_parse_as_jiff_parses_them() {
        for s in [
            "2026-12-01T01:00:00+09:00",
            "2026-11-30T00:31:30Z",
            "2026-11-30T00:31:30.123456Z",
            "2024-02-29T23:59:59-05:30",
            "1969-12-31T23:59:59Z",
        ] {
            let t: jiff::Timestamp = s.parse().unwrap();
            assert_eq!(unix_of_rfc3339(s), Some(t.as_second()), "{s}");
        }
        for s in [
            "",
            "2026-12-01",
            "2026-12-01T01:00:00",
            "2026-13-01T01:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T01:00:00+0900",
            "2026-12-01T01:00:00.Z",
            "２０２６-12-01T01:00:00Z",
        ] {
            assert_eq!(unix_of_rfc3339(s), None, "{s}");
        }
    }

    #[test]
    fn a_wire_instant_reads_in_jst() {
        assert_eq!(
            clerk_time_of("2026-11-27T00:01:00+09:00"),
            "2026年11月27日 0:01"
        );
        assert_eq!(clerk_time_of("not a time"), "not a time");
    }

    #[test]
    fn clerk_time_is_jst_without_leading_zero_hours() {
        // 2026-11-30T00:31:30Z is 9:31 in Tokyo.
        let t: jiff::Timestamp = "2026-11-30T00:31:30Z".parse().unwrap();
        assert_eq!(clerk_time(t.as_second(), false), "2026年11月30日 9:31");
        assert_eq!(clerk_time(t.as_second(), true), "2026年11月30日 9:31:30");
        // 15:00Z is midnight of the next JST day.
        let t: jiff::Timestamp = "2026-12-31T15:00:00Z".parse().unwrap();
        assert_eq!(clerk_time(t.as_second(), false), "2027年1月1日 0:00");
    }
}

#[cfg(test)]
mod path_tests {
    use super::{path, paths};

    #[test]
    fn a_path_is_filled_in_order_and_encoded() {
        assert_eq!(
            path(paths::ACCOUNT, &["115", "ordinary", "1100026"]),
            "/staff/api/accounts/115/ordinary/1100026"
        );
        assert_eq!(
            path(paths::STAFF_PASSKEY_REMOVE, &["山田 花子/x", "7"]),
            "/staff/api/staff/%E5%B1%B1%E7%94%B0%20%E8%8A%B1%E5%AD%90%2Fx/passkeys/7/remove"
        );
        assert_eq!(path(paths::ME, &[]), paths::ME);
    }
}
