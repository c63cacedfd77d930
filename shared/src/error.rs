//! The one table of error codes. The SPA branches on `code`, never on
//! `message`; the messages are the seed's wording, word for word.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use strum::{IntoStaticStr, VariantArray};

/// Every failure a screen can show. `code()` is stable snake_case and is
/// what goes over the wire; serde and strum derive the same name from the
/// variant, and a test checks they agree and each is unique.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, VariantArray, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ErrorCode {
    /// A required field was left empty (the seed's dialog on SOA201/SOA202).
    RequiredMissing,
    /// A field was filled in but is malformed; `fields` says which and why.
    InvalidInput,
    AccountNotEligible,
    IdentityMismatch,
    Locked,
    LockedB84,
    OutOfServiceHours,
    Busy,
    SystemError,
    ServiceUnavailable,
    /// No linkage in progress in this browser (no or unknown flow cookie).
    FlowNotFound,
    FlowExpired,
    FlowOutOfOrder,
    /// A state-changing request without the flow's anti-CSRF token.
    CsrfRejected,
    NotFound,
    /// 確定する before the call has been received.
    CallbackPending,
    /// The 120 seconds ran out: start again from SOA201.
    CallbackExpired,
    /// 許可する without agreeing to the API terms.
    ConsentRequired,
    /// Account API: no, unknown, expired or revoked access token.
    InvalidToken,
    /// Account API: the customer's 30-day consent has ended.
    ConsentExpired,
    /// Account API: the account moved (口座移管); link the new one.
    AccountMoved,
    /// Account API: the token does not cover this account or scope.
    InsufficientScope,
    /// Account API: a DPoP-bound token without a valid proof.
    InvalidDpopProof,
    /// Account API: `from` is before the ~3 months the bank keeps.
    OutOfRetention,
    // The staff console's codes exist only in builds with the `staff`
    // feature (the server, the console): the customer's SPA never gets
    // them, so its bundle carries none of their text.
    /// Staff console: no (or an expired) staff session.
    #[cfg(feature = "staff")]
    StaffSignInRequired,
    /// Staff console: the staff member's role does not allow this.
    #[cfg(feature = "staff")]
    StaffForbidden,
    /// Staff console: a state change without this session's CSRF token.
    #[cfg(feature = "staff")]
    StaffCsrfRejected,
    /// Staff console: the enrolment link is unknown, used or expired.
    #[cfg(feature = "staff")]
    StaffEnrolmentInvalid,
    /// Staff console: the passkey sign-in did not succeed.
    #[cfg(feature = "staff")]
    StaffSignInFailed,
    /// Staff console: a change without its reason.
    #[cfg(feature = "staff")]
    StaffReasonRequired,
    /// Staff console: no such account, linkage or record.
    #[cfg(feature = "staff")]
    StaffNotFound,
}

impl ErrorCode {
    /// Every code, in declaration order (derived, never kept by hand).
    pub const ALL: &'static [ErrorCode] = <ErrorCode as VariantArray>::VARIANTS;

    pub fn code(self) -> &'static str {
        self.into()
    }

    /// The short Japanese name a clerk reads in the console and its CSV
    /// (the customer reads [`ErrorCode::message`]). Not in the customer's
    /// bundle.
    #[cfg(feature = "staff")]
    pub fn label(self) -> &'static str {
        match self {
            ErrorCode::RequiredMissing => "未入力",
            ErrorCode::InvalidInput => "入力誤り",
            ErrorCode::AccountNotEligible => "対象外の口座",
            ErrorCode::IdentityMismatch => "本人認証情報の誤り",
            ErrorCode::Locked => "ロック（回数超過）",
            ErrorCode::LockedB84 => "ロック中（B84）",
            ErrorCode::OutOfServiceHours => "サービス時間外",
            ErrorCode::Busy => "混雑",
            ErrorCode::SystemError => "システムエラー",
            ErrorCode::ServiceUnavailable => "サービス停止中",
            ErrorCode::FlowNotFound => "連携認証なし",
            ErrorCode::FlowExpired => "有効期限切れ",
            ErrorCode::FlowOutOfOrder => "操作順序の誤り",
            ErrorCode::CsrfRejected => "不正な操作の疑い",
            ErrorCode::NotFound => "ページなし",
            ErrorCode::CallbackPending => "着信前の確定",
            ErrorCode::CallbackExpired => "120秒経過",
            ErrorCode::ConsentRequired => "同意なし",
            ErrorCode::InvalidToken => "無効なアクセストークン",
            ErrorCode::ConsentExpired => "連携の期限切れ",
            ErrorCode::AccountMoved => "口座移管",
            ErrorCode::InsufficientScope => "権限外の情報",
            ErrorCode::InvalidDpopProof => "無効なDPoP証明",
            ErrorCode::OutOfRetention => "保存期間外",
            ErrorCode::StaffSignInRequired => "サインインなし",
            ErrorCode::StaffForbidden => "権限なし",
            ErrorCode::StaffCsrfRejected => "職員の不正な操作の疑い",
            ErrorCode::StaffEnrolmentInvalid => "無効な登録用リンク",
            ErrorCode::StaffSignInFailed => "サインイン失敗",
            ErrorCode::StaffReasonRequired => "理由なし",
            ErrorCode::StaffNotFound => "該当なし",
        }
    }

    /// The customer-facing message. Where the seed has one it is quoted
    /// exactly (including its mix of 下さい / ください).
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::RequiredMissing => "入力されていない項目があります。",
            ErrorCode::InvalidInput => "入力内容に誤りがあります。各項目をご確認下さい。",
            ErrorCode::AccountNotEligible => "ご指定の口座は、本サービスではお取り扱いできません。",
            ErrorCode::IdentityMismatch => {
                "本人認証情報が誤っています。本人認証項目をご確認のうえ、再度入力して下さい。"
            }
            ErrorCode::Locked => {
                "お取扱いができなくなりました。詳しくは本サービスのお問合せ窓口へご照会下さい。"
            }
            ErrorCode::LockedB84 => {
                "ただ今お取扱いできません。詳しくは本サービスのお問合せ窓口へご照会下さい。理由コードはB84です。"
            }
            ErrorCode::OutOfServiceHours => {
                "ただ今の時間はサービスを行っておりません。ご了承下さい。"
            }
            ErrorCode::Busy => "ただ今受付が混雑しておりますので、しばらくしてからご利用下さい。",
            ErrorCode::SystemError => {
                "調整のため連絡ができなくなりました。なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。"
            }
            ErrorCode::ServiceUnavailable => {
                "ご指定のサービスはただ今お取扱できません。なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。"
            }
            ErrorCode::FlowNotFound | ErrorCode::FlowExpired => {
                "API連携認証の有効期限が切れました。お手数ですが、アプリから最初に操作をやり直して下さい。"
            }
            ErrorCode::FlowOutOfOrder => {
                "画面の操作順序が正しくありません。表示中の画面から操作を続けて下さい。"
            }
            ErrorCode::CsrfRejected => {
                "不正な操作の可能性があるため、お取扱いできません。アプリから最初に操作をやり直して下さい。"
            }
            ErrorCode::NotFound => "ご指定のページは見つかりません。",
            ErrorCode::CallbackPending => "認証中（認証着信待ち）",
            ErrorCode::CallbackExpired => {
                "120秒経過後の「確定する」ボタン選択は無効となります。API連携認証の最初に戻って操作してください。"
            }
            ErrorCode::ConsentRequired => {
                "当信用組合のAPI利用規定を確認し、同意のチェックを付けて下さい。"
            }
            ErrorCode::InvalidToken => "アクセストークンが無効です。",
            ErrorCode::ConsentExpired => {
                "API連携の有効期限が切れました。アプリから再度API連携認証を行って下さい。"
            }
            ErrorCode::AccountMoved => {
                "口座が移管されたため、この連携はご利用いただけません。新しい口座でAPI連携認証を行って下さい。"
            }
            ErrorCode::InsufficientScope => "この連携では、ご指定の情報にアクセスできません。",
            ErrorCode::InvalidDpopProof => "DPoP証明が無効です。",
            ErrorCode::OutOfRetention => {
                "ご指定の期間は照会できません。取引明細は約3か月分を保有しています。"
            }
            #[cfg(feature = "staff")]
            ErrorCode::StaffSignInRequired => {
                "サインインが必要です。パスキーでサインインし直して下さい。"
            }
            #[cfg(feature = "staff")]
            ErrorCode::StaffForbidden => "この操作を行う権限がありません。",
            #[cfg(feature = "staff")]
            ErrorCode::StaffCsrfRejected => {
                "不正な操作の可能性があるため、処理しませんでした。画面を読み込み直して下さい。"
            }
            #[cfg(feature = "staff")]
            ErrorCode::StaffEnrolmentInvalid => {
                "登録用リンクが無効です（使用済みまたは有効期限切れ）。管理者に新しいリンクを依頼して下さい。"
            }
            #[cfg(feature = "staff")]
            ErrorCode::StaffSignInFailed => "サインインできませんでした。",
            #[cfg(feature = "staff")]
            ErrorCode::StaffReasonRequired => "理由を入力して下さい。",
            #[cfg(feature = "staff")]
            ErrorCode::StaffNotFound => "ご指定の情報は見つかりません。",
        }
    }

    pub fn from_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// Why one field was refused. Same rules as [`ErrorCode`]: stable code,
/// fixed message, the SPA shows the message under the field.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, VariantArray, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FieldCode {
    Required,
    BranchFormat,
    AccountKindUnknown,
    AccountNumberFormat,
    NameChars,
    NameTooLong,
    BirthYearFormat,
    BirthDateInvalid,
    BirthDateFuture,
    PhoneFormat,
    EmailFormat,
    EmailTooLong,
    EmailMismatch,
    PinFormat,
    /// Account API query: not a YYYY-MM-DD date, or from after to.
    DateInvalid,
    /// Account API query: limit outside 1–200.
    LimitRange,
    /// Account API query: a cursor we did not issue.
    CursorInvalid,
}

impl FieldCode {
    pub const ALL: &'static [FieldCode] = <FieldCode as VariantArray>::VARIANTS;

    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn message(self) -> &'static str {
        match self {
            FieldCode::Required => "必ず入力して下さい。",
            FieldCode::BranchFormat => "店番は半角数字3桁で入力して下さい。",
            FieldCode::AccountKindUnknown => "科目は普通預金または貯蓄預金を選択して下さい。",
            FieldCode::AccountNumberFormat => "口座番号は半角数字7桁以内で入力して下さい。",
            FieldCode::NameChars => {
                "お名前は半角カタカナ（ｱ～ﾝ、ﾞ、ﾟ、空白、（）－．／）で入力して下さい。"
            }
            FieldCode::NameTooLong => "お名前は48文字以内で入力して下さい。",
            FieldCode::BirthYearFormat => "西暦は半角数字4桁で入力して下さい。",
            FieldCode::BirthDateInvalid => "生年月日に存在しない日付が指定されています。",
            FieldCode::BirthDateFuture => "生年月日に未来の日付は指定できません。",
            FieldCode::PhoneFormat => {
                "電話番号は0から始まる半角数字10桁または11桁（ハイフン無し）で入力して下さい。"
            }
            FieldCode::EmailFormat => "メールアドレスの形式が正しくありません。",
            FieldCode::EmailTooLong => "メールアドレスは64文字以内で入力して下さい。",
            FieldCode::EmailMismatch => "確認用のメールアドレスが一致しません。",
            FieldCode::PinFormat => "暗証番号は半角数字4桁で入力して下さい。",
            FieldCode::DateInvalid => {
                "日付はYYYY-MM-DD形式で、開始日は終了日以前を指定して下さい。"
            }
            FieldCode::LimitRange => "件数は1～200で指定して下さい。",
            FieldCode::CursorInvalid => "カーソルが正しくありません。",
        }
    }
}

/// Field name → what is wrong with it. A BTreeMap so the wire order is
/// stable.
pub type FieldErrors = BTreeMap<String, Vec<FieldCode>>;

/// The one wire error format: `{ "code", "message", "fields" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Typed: an answer with a code this build does not know fails to parse
    /// (the SPA then shows `system_error`), it is never shown as text.
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: FieldErrors,
}

impl ErrorBody {
    pub fn new(code: ErrorCode) -> Self {
        ErrorBody {
            code,
            message: code.message().to_owned(),
            fields: FieldErrors::new(),
        }
    }

    /// A validation failure: `required_missing` when any field is empty (the
    /// seed shows that dialog first), `invalid_input` otherwise.
    pub fn from_fields(fields: FieldErrors) -> Self {
        let any_missing = fields.values().flatten().any(|c| *c == FieldCode::Required);
        let code = if any_missing {
            ErrorCode::RequiredMissing
        } else {
            ErrorCode::InvalidInput
        };
        ErrorBody {
            fields,
            ..ErrorBody::new(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn error_codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for &c in ErrorCode::ALL {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
            assert_eq!(ErrorCode::from_code(c.code()), Some(c));
            // serde's name and code() must agree: the SPA may use either.
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert!(!c.message().is_empty());
        }
    }

    #[test]
    fn field_codes_are_unique_and_match_serde() {
        let mut seen = HashSet::new();
        for &c in FieldCode::ALL {
            assert!(seen.insert(c.code()));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
        }
    }

    /// Every code's message, checked in one place: where the seed has the
    /// message (its error tables, SOA209, SOA206), the seed's text as it
    /// stands there, compared without the seed's line-break spaces; the
    /// rest are Renkei's own wording and only need to exist. The table must
    /// name every code, so a new code cannot ship without its row.
    #[test]
    fn every_message_is_the_seeds_wording() {
        use ErrorCode as E;
        let table: &[(ErrorCode, Option<&str>)] = &[
            (E::RequiredMissing, Some("入力されていない項目があります。")),
            (E::InvalidInput, None),
            (
                E::AccountNotEligible,
                Some("ご指定の口座は、本サービスではお取り扱いできません。"),
            ),
            (
                E::IdentityMismatch,
                Some(
                    "本人認証情報が誤っています。本人認証項目をご確認のうえ、再度入力して下さい。",
                ),
            ),
            (
                E::Locked,
                Some(
                    "お取扱いができなくなりました。詳しくは本サービスのお問合せ窓口へご照会下さい。",
                ),
            ),
            (
                E::LockedB84,
                Some(
                    "ただ今お取扱いできません。詳しくは本サービスのお問合せ窓口へご照会下さい。 理由コードはB84です。",
                ),
            ),
            (
                E::OutOfServiceHours,
                Some("ただ今の時間はサービスを行っておりません。 ご了承下さい。"),
            ),
            (
                E::Busy,
                Some("ただ今受付が混雑しておりますので、しばらくしてからご利用下さい。"),
            ),
            (
                E::SystemError,
                Some(
                    "調整のため連絡ができなくなりました。 なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。",
                ),
            ),
            (
                E::ServiceUnavailable,
                Some(
                    "ご指定のサービスはただ今お取扱できません。 なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。",
                ),
            ),
            (E::FlowNotFound, None),
            (E::FlowExpired, None),
            (E::FlowOutOfOrder, None),
            (E::CsrfRejected, None),
            (E::NotFound, None),
            (E::CallbackPending, Some("認証中（認証着信待ち）")),
            (E::CallbackExpired, None),
            (E::ConsentRequired, None),
            (E::InvalidToken, None),
            (E::ConsentExpired, None),
            (E::AccountMoved, None),
            (E::InsufficientScope, None),
            (E::InvalidDpopProof, None),
            (E::OutOfRetention, None),
            #[cfg(feature = "staff")]
            (E::StaffSignInRequired, None),
            #[cfg(feature = "staff")]
            (E::StaffForbidden, None),
            #[cfg(feature = "staff")]
            (E::StaffCsrfRejected, None),
            #[cfg(feature = "staff")]
            (E::StaffEnrolmentInvalid, None),
            #[cfg(feature = "staff")]
            (E::StaffSignInFailed, None),
            #[cfg(feature = "staff")]
            (E::StaffReasonRequired, None),
            #[cfg(feature = "staff")]
            (E::StaffNotFound, None),
        ];
        for &code in ErrorCode::ALL {
            let row = table.iter().find(|(c, _)| *c == code);
            let Some((_, seed)) = row else {
                panic!("{} has no row in the wording table", code.code());
            };
            assert!(!code.message().is_empty(), "{}", code.code());
            if let Some(seed) = seed {
                let seed: String = seed.split_whitespace().collect();
                assert_eq!(code.message(), seed, "{}", code.code());
            }
        }
        assert_eq!(table.len(), ErrorCode::ALL.len(), "one row per code");
        assert_eq!(FieldCode::Required.message(), "必ず入力して下さい。");
    }

    #[test]
    fn from_fields_prefers_required_missing() {
        let mut f = FieldErrors::new();
        f.insert("branch".into(), vec![FieldCode::BranchFormat]);
        assert_eq!(
            ErrorBody::from_fields(f.clone()).code,
            ErrorCode::InvalidInput
        );
        f.insert("number".into(), vec![FieldCode::Required]);
        assert_eq!(ErrorBody::from_fields(f).code, ErrorCode::RequiredMissing);
    }
}
