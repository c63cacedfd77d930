//! The operation log's vocabulary: where a line was written ([`LogStep`])
//! and what happened there ([`Outcome`]). Both are stored by their
//! snake_case name in `operation_log.step` and `.outcome`, read back as
//! these types (an unknown name is an error, never a guess), and travel to
//! the staff console under the same names, so nothing compares a stored
//! value as text.

use crate::api::Step;
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray};

/// Where a log line was written: a flow's step, or one of the bank's own
/// actors (the OAuth front door, the carrier, the mail worker, staff, a
/// records import).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    VariantArray,
    IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LogStep {
    Account,
    Customer,
    PhoneConfirm,
    PhoneCall,
    Pin,
    Consent,
    Completed,
    Cancelled,
    /// The app's authorization request opened a flow.
    Authorize,
    /// The carrier reported a call.
    Telephony,
    /// The mail worker (a mail given up on).
    Mail,
    /// A staff member's action, in the console or at the command line.
    Staff,
    /// A run of `records import`.
    RecordsImport,
}

impl LogStep {
    pub const ALL: &'static [LogStep] = <LogStep as VariantArray>::VARIANTS;

    pub fn code(self) -> &'static str {
        self.into()
    }

    /// The Japanese name a clerk reads (console, CSV).
    pub fn label(self) -> &'static str {
        match self {
            LogStep::Account => "SOA201 口座情報入力",
            LogStep::Customer => "お客様情報入力",
            LogStep::PhoneConfirm => "SOA208 電話番号の確認",
            LogStep::PhoneCall => "SOA209 電話認証",
            LogStep::Pin => "SOA211 暗証番号認証",
            LogStep::Consent => "SOA206 情報連携認可",
            LogStep::Completed => "完了",
            LogStep::Cancelled => "中止",
            LogStep::Authorize => "連携の開始（アプリ）",
            LogStep::Telephony => "着信（通信事業者）",
            LogStep::Mail => "完了メール",
            LogStep::Staff => "職員の操作",
            LogStep::RecordsImport => "勘定系データの取込",
        }
    }

    /// The flow step this line was written at, if it was a flow's.
    pub fn flow_step(self) -> Option<Step> {
        Step::ALL.into_iter().find(|s| LogStep::from(*s) == self)
    }

    /// Who acted: the customer at a flow's steps, otherwise the step's own
    /// actor.
    pub fn actor(self) -> Actor {
        match self {
            LogStep::Authorize => Actor::App,
            LogStep::Telephony => Actor::Carrier,
            LogStep::Mail | LogStep::RecordsImport => Actor::Bank,
            LogStep::Staff => Actor::Staff,
            _ => Actor::Customer,
        }
    }
}

impl From<Step> for LogStep {
    fn from(s: Step) -> Self {
        match s {
            Step::Account => LogStep::Account,
            Step::Customer => LogStep::Customer,
            Step::PhoneConfirm => LogStep::PhoneConfirm,
            Step::PhoneCall => LogStep::PhoneCall,
            Step::Pin => LogStep::Pin,
            Step::Consent => LogStep::Consent,
            Step::Completed => LogStep::Completed,
            Step::Cancelled => LogStep::Cancelled,
        }
    }
}

/// Who a log line's action was taken by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Actor {
    Customer,
    App,
    Carrier,
    /// The bank's own processes (mail worker, records import).
    Bank,
    Staff,
}

impl Actor {
    pub fn label(self) -> &'static str {
        match self {
            Actor::Customer => "お客様",
            Actor::App => "アプリ",
            Actor::Carrier => "通信事業者",
            Actor::Bank => "システム",
            Actor::Staff => "職員",
        }
    }
}

/// What an inbound call did (also `inbound_calls.outcome`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    VariantArray,
    IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CallOutcome {
    Verified,
    NoMatchingChallenge,
    /// 非通知: never verifies.
    Withheld,
    /// The pair's flow was verified already (a redial): nothing else is.
    AlreadyVerified,
    /// The pair's flow's window had ended (a late call, or a call to a
    /// number in its quiet period): nothing is verified.
    TooLate,
}

impl CallOutcome {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            CallOutcome::Verified => "認証済み",
            CallOutcome::NoMatchingChallenge => "該当する認証なし",
            CallOutcome::Withheld => "非通知",
            CallOutcome::AlreadyVerified => "再着信（認証済み）",
            CallOutcome::TooLate => "受付時間外の着信",
        }
    }
}

/// What happened at a log line's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    // A flow's.
    /// A step taken.
    Ok,
    /// The app's request opened a flow.
    Started,
    /// 中止する.
    Cancelled,
    /// SOA206: consent given / 拒否する.
    Granted,
    Denied,
    /// SOA209 opened its phone challenge.
    ChallengeOpened,
    /// The step was refused with this code (a wrong PIN, a lock, …).
    Refused(ErrorCode),
    /// The carrier's report of a call.
    Call(CallOutcome),
    /// The mail worker gave up on a mail.
    MailDropped,
    // Staff's.
    SignedIn,
    PasskeyEnrolled,
    PasskeyRemoved,
    StaffAdded,
    StaffLink,
    StaffLinksRevoked,
    StaffDisabled,
    MaintenanceAdded,
    MaintenanceCancelled,
    ConsentsRevoked,
    /// 口座移管 recorded by staff (a flow refused for a moved account logs
    /// `Refused(ErrorCode::AccountMoved)`, whose name is the same: see
    /// [`Outcome::from_code`]).
    AccountMoved,
    LockLifted,
    /// A lift asked for an account that was not locked.
    LockLiftNothing,
    ClientEnabled,
    ClientDisabled,
    /// An app registered, or its keys, redirect URIs or FAPI settings
    /// changed: the platform's action (issue #31).
    ClientRegistered,
    // The platform's (issue #22).
    InstitutionAdded,
    InstitutionSuspended,
    InstitutionResumed,
    // A records import's.
    ImportedFull,
    ImportedDelta,
    /// A linkage ended because the import closed or moved its account.
    LinkageEnded,
}

impl Outcome {
    /// Every outcome without a payload, in declaration order.
    pub const PLAIN: &'static [Outcome] = &[
        Outcome::Ok,
        Outcome::Started,
        Outcome::Cancelled,
        Outcome::Granted,
        Outcome::Denied,
        Outcome::ChallengeOpened,
        Outcome::MailDropped,
        Outcome::SignedIn,
        Outcome::PasskeyEnrolled,
        Outcome::PasskeyRemoved,
        Outcome::StaffAdded,
        Outcome::StaffLink,
        Outcome::StaffLinksRevoked,
        Outcome::StaffDisabled,
        Outcome::MaintenanceAdded,
        Outcome::MaintenanceCancelled,
        Outcome::ConsentsRevoked,
        Outcome::AccountMoved,
        Outcome::LockLifted,
        Outcome::LockLiftNothing,
        Outcome::ClientEnabled,
        Outcome::ClientDisabled,
        Outcome::ClientRegistered,
        Outcome::InstitutionAdded,
        Outcome::InstitutionSuspended,
        Outcome::InstitutionResumed,
        Outcome::ImportedFull,
        Outcome::ImportedDelta,
        Outcome::LinkageEnded,
    ];

    /// The stored and wire name: a refusal by its error code, a call by
    /// its result.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Started => "started",
            Outcome::Cancelled => "cancelled",
            Outcome::Granted => "granted",
            Outcome::Denied => "denied",
            Outcome::ChallengeOpened => "challenge_opened",
            Outcome::Refused(code) => code.code(),
            Outcome::Call(call) => call.code(),
            Outcome::MailDropped => "mail_dropped",
            Outcome::SignedIn => "signed_in",
            Outcome::PasskeyEnrolled => "passkey_enrolled",
            Outcome::PasskeyRemoved => "passkey_removed",
            Outcome::StaffAdded => "staff_added",
            Outcome::StaffLink => "staff_link",
            Outcome::StaffLinksRevoked => "staff_links_revoked",
            Outcome::StaffDisabled => "staff_disabled",
            Outcome::MaintenanceAdded => "maintenance_added",
            Outcome::MaintenanceCancelled => "maintenance_cancelled",
            Outcome::ConsentsRevoked => "consents_revoked",
            Outcome::AccountMoved => "account_moved",
            Outcome::LockLifted => "lock_lifted",
            Outcome::LockLiftNothing => "lock_lift_nothing",
            Outcome::ClientEnabled => "client_enabled",
            Outcome::ClientDisabled => "client_disabled",
            Outcome::ClientRegistered => "client_registered",
            Outcome::InstitutionAdded => "institution_added",
            Outcome::InstitutionSuspended => "institution_suspended",
            Outcome::InstitutionResumed => "institution_resumed",
            Outcome::ImportedFull => "imported_full",
            Outcome::ImportedDelta => "imported_delta",
            Outcome::LinkageEnded => "linkage_ended",
        }
    }

    /// The Japanese name a clerk reads (console, CSV): a refusal by its
    /// error code's short name, a call by its result's.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "次の画面へ",
            Outcome::Started => "開始",
            Outcome::Cancelled => "中止",
            Outcome::Granted => "同意",
            Outcome::Denied => "拒否",
            Outcome::ChallengeOpened => "着信待ちの開始",
            Outcome::Refused(code) => code.label(),
            Outcome::Call(call) => call.label(),
            Outcome::MailDropped => "メール送信の断念",
            Outcome::SignedIn => "サインイン",
            Outcome::PasskeyEnrolled => "パスキーの登録",
            Outcome::PasskeyRemoved => "パスキーの削除",
            Outcome::StaffAdded => "職員の追加",
            Outcome::StaffLink => "登録用リンクの発行",
            Outcome::StaffLinksRevoked => "登録用リンクの取消",
            Outcome::StaffDisabled => "職員の無効化",
            Outcome::MaintenanceAdded => "保守時間帯の登録",
            Outcome::MaintenanceCancelled => "保守時間帯の取消",
            Outcome::ConsentsRevoked => "連携の終了",
            Outcome::AccountMoved => "口座移管",
            Outcome::LockLifted => "ロック解除",
            Outcome::LockLiftNothing => "ロック解除（ロックなし）",
            Outcome::ClientEnabled => "アプリの有効化",
            Outcome::ClientDisabled => "アプリの無効化",
            Outcome::ClientRegistered => "アプリの登録・変更",
            Outcome::InstitutionAdded => "信用組合の追加",
            Outcome::InstitutionSuspended => "信用組合の利用停止",
            Outcome::InstitutionResumed => "信用組合の利用再開",
            Outcome::ImportedFull => "全件取込",
            Outcome::ImportedDelta => "差分取込",
            Outcome::LinkageEnded => "連携の終了（解約・移管）",
        }
    }

    /// Every outcome a line can have, each name once (the console's
    /// filter lists them).
    pub fn all() -> impl Iterator<Item = Outcome> {
        Outcome::PLAIN
            .iter()
            .copied()
            .chain(ErrorCode::ALL.iter().map(|c| Outcome::Refused(*c)))
            .chain(CallOutcome::VARIANTS.iter().map(|c| Outcome::Call(*c)))
            .filter(|o| Outcome::from_code(o.code()) == Some(*o))
    }

    /// The outcome a stored name stands for. Names are unique but one:
    /// `account_moved` is both staff's 口座移管 and the error code of the
    /// account API, which no flow step logs; it reads as the former.
    pub fn from_code(s: &str) -> Option<Outcome> {
        Outcome::PLAIN
            .iter()
            .copied()
            .find(|o| o.code() == s)
            .or_else(|| ErrorCode::from_code(s).map(Outcome::Refused))
            .or_else(|| s.parse().ok().map(Outcome::Call))
    }

    /// The error code of a refusal.
    pub fn refused(self) -> Option<ErrorCode> {
        match self {
            Outcome::Refused(code) => Some(code),
            _ => None,
        }
    }
}

impl From<ErrorCode> for Outcome {
    fn from(code: ErrorCode) -> Self {
        Outcome::Refused(code)
    }
}

impl From<CallOutcome> for Outcome {
    fn from(call: CallOutcome) -> Self {
        Outcome::Call(call)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// An unknown outcome name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an outcome: {0:?}")]
pub struct UnknownOutcome(pub String);

impl std::str::FromStr for Outcome {
    type Err = UnknownOutcome;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::from_code(s).ok_or_else(|| UnknownOutcome(s.to_owned()))
    }
}

// `sqlx_text!` stores what `&'static str: From<&T>` names.
impl From<&Outcome> for &'static str {
    fn from(o: &Outcome) -> Self {
        o.code()
    }
}

impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Outcome::from_code(&s).ok_or_else(|| serde::de::Error::custom(UnknownOutcome(s.into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every outcome reads back as itself, but the one documented clash.
    #[test]
    fn every_outcome_round_trips_through_its_name() {
        let all = Outcome::PLAIN
            .iter()
            .copied()
            .chain(ErrorCode::ALL.iter().map(|c| Outcome::Refused(*c)))
            .chain(CallOutcome::VARIANTS.iter().map(|c| Outcome::Call(*c)));
        let mut clashes = Vec::new();
        for o in all {
            let back = Outcome::from_code(o.code());
            if back != Some(o) {
                clashes.push((o, back));
            }
        }
        assert_eq!(
            clashes,
            vec![(
                Outcome::Refused(ErrorCode::AccountMoved),
                Some(Outcome::AccountMoved)
            )]
        );
    }

    /// One table: every step, outcome and actor has a Japanese label, and
    /// no two outcomes a clerk can pick share one.
    #[test]
    fn every_label_is_japanese_and_outcome_labels_are_distinct() {
        let japanese = |s: &str| s.chars().any(|c| c > '\u{3000}');
        for s in LogStep::ALL {
            assert!(japanese(s.label()), "{s:?}");
        }
        let mut seen = std::collections::BTreeMap::new();
        for o in Outcome::all() {
            assert!(japanese(o.label()), "{o:?}");
            if let Some(other) = seen.insert(o.label(), o) {
                panic!("{o:?} and {other:?} share {:?}", o.label());
            }
        }
        assert_eq!(
            Outcome::all().count(),
            Outcome::PLAIN.len() + ErrorCode::ALL.len() + CallOutcome::VARIANTS.len() - 1
        );
    }

    #[test]
    fn steps_round_trip_and_flow_steps_map_back() {
        for s in LogStep::ALL {
            assert_eq!(s.code().parse::<LogStep>().ok(), Some(*s));
        }
        for s in Step::ALL {
            assert_eq!(LogStep::from(s).flow_step(), Some(s));
            assert_eq!(LogStep::from(s).code(), s.code());
        }
        assert_eq!(LogStep::Staff.flow_step(), None);
    }

    #[test]
    fn outcomes_serialize_as_their_names() {
        let o = Outcome::Refused(ErrorCode::LockedB84);
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(json, "\"locked_b84\"");
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), o);
        assert!(serde_json::from_str::<Outcome>("\"no_such\"").is_err());
    }
}
