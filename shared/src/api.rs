//! Request and response bodies of the flow API (`/api/flow/...`). Each form
//! type holds the raw strings as typed and has one `parse` that yields the
//! domain types or every field's error at once, so the SPA and the server
//! reach the same verdict on the same input.

use crate::domain::{
    AccountKind, AccountNumber, BirthDate, BranchNumber, Email, KanaName, PhoneNumber,
};
use crate::error::{FieldCode, FieldErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Header the SPA echoes the flow's anti-CSRF token in.
pub const CSRF_HEADER: &str = "x-renkei-csrf";

// The flow API's paths, each once: the server routes and documents them
// from here, the SPA and the tests call them from here.
/// `GET`: where the flow stands ([`FlowView`]).
pub const FLOW_PATH: &str = "/api/flow";
/// `POST`: 中止する ([`Cancelled`]).
pub const CANCEL_PATH: &str = "/api/flow/cancel";
/// `POST` [`AccountForm`]: SOA201 ([`StepDone`]).
pub const ACCOUNT_PATH: &str = "/api/flow/account";
/// `POST` [`CustomerForm`]: お客様情報入力 ([`StepDone`]).
pub const CUSTOMER_PATH: &str = "/api/flow/customer";
/// `POST`: SOA208 電話番号の確認 ([`StepDone`]).
pub const PHONE_PATH: &str = "/api/flow/phone";
/// `POST` opens, `GET` polls SOA209's challenge ([`CallChallenge`]).
pub const CALL_PATH: &str = "/api/flow/call";
/// `POST`: SOA209 確定する ([`StepDone`]).
pub const CALL_CONFIRM_PATH: &str = "/api/flow/call/confirm";
/// `POST` [`PinForm`]: SOA211 ([`StepDone`]).
pub const PIN_PATH: &str = "/api/flow/pin";
/// `POST` [`ConsentForm`]: SOA206 許可する ([`Finished`]).
pub const CONSENT_PATH: &str = "/api/flow/consent";
/// `POST`: SOA206 拒否する ([`Finished`]).
pub const DENY_PATH: &str = "/api/flow/deny";
/// `GET`: the credit union's profile the screens show ([`Institution`]).
pub const INSTITUTION_PATH: &str = "/api/institution";

/// Where a credit union's own issuer, endpoints and screens live on the
/// shared platform: `/institutions/{金融機関コード}` before any path above
/// (issue #22). The root paths are the deployment's first union's.
pub const INSTITUTIONS_PREFIX: &str = "/institutions/";

/// `path` split into the institution its prefix names (its 4-digit code)
/// and the rest (`/` at least): `("2011", "/api/flow")` for
/// `/institutions/2011/api/flow`; `None` for a path without the prefix.
pub fn institution_of(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(INSTITUTIONS_PREFIX)?;
    let code = rest.get(..4)?;
    if !crate::domain::InstitutionCode::is_valid(code) {
        return None;
    }
    match &rest[4..] {
        "" => Some((code, "/")),
        tail if tail.starts_with('/') => Some((code, tail)),
        _ => None,
    }
}

#[cfg(test)]
mod institution_paths {
    use super::institution_of;

    #[test]
    fn a_path_names_its_institution_by_four_digits_then_a_slash_or_nothing() {
        assert_eq!(
            institution_of("/institutions/2011/api/flow"),
            Some(("2011", "/api/flow"))
        );
        assert_eq!(institution_of("/institutions/2011"), Some(("2011", "/")));
        assert_eq!(institution_of("/institutions/2011/"), Some(("2011", "/")));
        for not in [
            "/api/flow",
            "/institutions/",
            "/institutions/201",
            "/institutions/20110/api",
            "/institutions/201a/api",
            "/institutions/２０１１/api",
            "/x/institutions/2011/api",
        ] {
            assert_eq!(institution_of(not), None, "{not}");
        }
    }
}
/// `GET`: the process answers ([`Health`]).
pub const HEALTHZ_PATH: &str = "/healthz";
/// `GET`: ready to serve ([`Health`]; 503 when not).
pub const READYZ_PATH: &str = "/readyz";

/// The body of a decision that carries nothing else (SOA208, SOA209,
/// 確定する, 拒否する, 中止する): `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Empty {}

/// What `/healthz` and `/readyz` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`, `ready` or `not_ready`.
    pub status: String,
    /// Why not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The steps of one linkage, in order. The server owns which step a flow is
/// at; the SPA only shows the screen for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(strum::EnumString, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Step {
    /// SOA201 ご利用口座情報入力
    Account,
    /// SOA202 お客様情報入力
    Customer,
    /// SOA208 電話番号の確認
    PhoneConfirm,
    /// SOA209 電話番号認証
    PhoneCall,
    /// SOA211 キャッシュカード暗証番号認証
    Pin,
    /// SOA206 情報連携認可
    Consent,
    /// Consent given; the browser went back to the app.
    Completed,
    /// 中止する (or 拒否する): the flow is over.
    Cancelled,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Account,
        Step::Customer,
        Step::PhoneConfirm,
        Step::PhoneCall,
        Step::Pin,
        Step::Consent,
        Step::Completed,
        Step::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Account => "account",
            Step::Customer => "customer",
            Step::PhoneConfirm => "phone_confirm",
            Step::PhoneCall => "phone_call",
            Step::Pin => "pin",
            Step::Consent => "consent",
            Step::Completed => "completed",
            Step::Cancelled => "cancelled",
        }
    }

    pub fn from_code(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.code() == s)
    }

    /// The SPA route that shows this step.
    pub fn path(self) -> &'static str {
        match self {
            Step::Account => "/flow/account",
            Step::Customer => "/flow/customer",
            Step::PhoneConfirm => "/flow/phone",
            Step::PhoneCall => "/flow/call",
            Step::Pin => "/flow/pin",
            Step::Consent => "/flow/consent",
            Step::Completed => "/flow/completed",
            Step::Cancelled => "/flow/cancelled",
        }
    }

    /// The steps that may follow this one; the server refuses any other move.
    /// SOA209 may go back to SOA201 when the 120-second window lapses (seed
    /// section 7: start again from the beginning).
    pub fn may_follow(self) -> &'static [Step] {
        match self {
            Step::Account => &[Step::Customer, Step::Cancelled],
            Step::Customer => &[Step::PhoneConfirm, Step::Cancelled],
            Step::PhoneConfirm => &[Step::PhoneCall, Step::Cancelled],
            Step::PhoneCall => &[Step::Pin, Step::Account, Step::Cancelled],
            Step::Pin => &[Step::Consent, Step::Cancelled],
            Step::Consent => &[Step::Completed, Step::Cancelled],
            Step::Completed | Step::Cancelled => &[],
        }
    }

    /// Whether the customer may still cancel (中止する) at this step.
    pub fn is_open(self) -> bool {
        !matches!(self, Step::Completed | Step::Cancelled)
    }
}

/// `GET /api/institution`: the credit union whose screens these are (its
/// profile, `RENKEI_INSTITUTION_FILE`), for the header, the footer and the
/// consent screen's terms link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Institution {
    /// e.g. 「しんくみ信用組合」
    pub name: String,
    /// 金融機関コード, 4 digits.
    pub code: String,
    /// お問い合わせ先 as shown, e.g. `0120-000-000`.
    pub contact_phone: String,
    /// 受付時間, e.g. 「月曜日～金曜日 午前9時～午後5時」.
    pub contact_hours: String,
    /// API利用規定.
    pub terms_url: String,
    /// よくあるご質問.
    pub faq_url: String,
    /// The brand bar's colour, `#rrggbb`.
    pub brand_color: String,
}

impl Institution {
    /// `tel:` and the contact number's digits.
    pub fn tel_href(&self) -> String {
        let digits: String = self
            .contact_phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}

/// `GET /api/flow`: where this browser's linkage stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowView {
    pub step: Step,
    /// Echo in the [`CSRF_HEADER`] of every state-changing request.
    pub csrf_token: String,
    /// The app's registered display name (shown on the consent screen).
    pub client_name: String,
    /// The account chosen on SOA201, once it has been accepted.
    pub account: Option<AccountSummary>,
    /// Once the flow has ended without consent: where 連携元画面へ goes.
    #[serde(default)]
    pub return_to: Option<String>,
    /// On the phone steps: the registered phone as `*****` + last four.
    /// The whole number never leaves the server.
    #[serde(default)]
    pub masked_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    pub branch: String,
    pub kind: AccountKind,
    pub number: String,
}

/// SOA201 as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountForm {
    pub branch: String,
    /// `ordinary` (普通預金) or `savings` (貯蓄預金).
    pub kind: String,
    pub number: String,
}

/// SOA201 after the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInput {
    pub branch: BranchNumber,
    pub kind: AccountKind,
    pub number: AccountNumber,
}

impl AccountForm {
    pub fn parse(&self) -> Result<AccountInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let branch = check(&mut errors, "branch", BranchNumber::parse(&self.branch));
        let kind = check(&mut errors, "kind", AccountKind::parse(&self.kind));
        let number = check(&mut errors, "number", AccountNumber::parse(&self.number));
        match (branch, kind, number) {
            (Some(branch), Some(kind), Some(number)) if errors.is_empty() => Ok(AccountInput {
                branch,
                kind,
                number,
            }),
            _ => Err(errors),
        }
    }
}

/// お客様情報入力 as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerForm {
    pub name: String,
    pub birth_year: String,
    pub birth_month: String,
    pub birth_day: String,
    pub phone: String,
    pub email: String,
    pub email_confirm: String,
}

/// お客様情報入力 after the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerInput {
    pub name: KanaName,
    pub birth_date: BirthDate,
    pub phone: PhoneNumber,
    pub email: Email,
}

impl CustomerForm {
    /// `today` is the current date in JST (the bank's calendar).
    pub fn parse(&self, today: Date) -> Result<CustomerInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = check(&mut errors, "name", KanaName::parse(&self.name));
        let birth_date = check(
            &mut errors,
            "birth_date",
            BirthDate::parse(&self.birth_year, &self.birth_month, &self.birth_day, today),
        );
        let phone = check(&mut errors, "phone", PhoneNumber::parse(&self.phone));
        let email = check(&mut errors, "email", Email::parse(&self.email));
        let confirm = match &email {
            Some(e) => e.confirm(&self.email_confirm),
            None if self.email_confirm.trim().is_empty() => Err(FieldCode::Required),
            None => Ok(()),
        };
        check(&mut errors, "email_confirm", confirm);
        match (name, birth_date, phone, email) {
            (Some(name), Some(birth_date), Some(phone), Some(email)) if errors.is_empty() => {
                Ok(CustomerInput {
                    name,
                    birth_date,
                    phone,
                    email,
                })
            }
            _ => Err(errors),
        }
    }
}

fn check<T>(errors: &mut FieldErrors, field: &str, r: Result<T, FieldCode>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(code) => {
            errors.entry(field.to_owned()).or_default().push(code);
            None
        }
    }
}

/// SOA209's phone challenge. Instants are unix milliseconds of the
/// server's clock: the screen shows `deadline_ms - server time`, corrected
/// for when it read `server_now_ms`, and never counts ticks by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallChallenge {
    pub deadline_ms: i64,
    pub server_now_ms: i64,
    /// 認証先電話番号（通話料無料）.
    pub callback_number: String,
    pub masked_phone: String,
    /// The call has been received and matched.
    pub verified: bool,
}

/// SOA211 as typed. The PIN is wiped from memory when this is dropped.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinForm {
    pub pin: String,
}

impl std::fmt::Debug for PinForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinForm { pin: **** }")
    }
}

impl Drop for PinForm {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pin);
    }
}

/// SOA206 許可する. `agree` is the API terms checkbox; the server refuses
/// consent without it whatever the browser sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentForm {
    pub agree: bool,
}

/// The flow is over: the browser goes back to the app at `return_to`
/// (with `code`, `state`, `iss` after consent; `error=access_denied` after
/// a denial or cancel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finished {
    pub return_to: String,
}

/// A step was accepted: go to `next`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepDone {
    pub next: Step,
}

/// 中止する was accepted: 連携元画面へ goes to `return_to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancelled {
    pub return_to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_form_reports_every_field() {
        let err = AccountForm::default().parse().unwrap_err();
        for f in ["branch", "kind", "number"] {
            assert_eq!(err[f], vec![FieldCode::Required], "{f}");
        }
        let ok = AccountForm {
            branch: "115".into(),
            kind: "ordinary".into(),
            number: "1100026".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(ok.number.as_str(), "1100026");
    }

    #[test]
    fn customer_form_checks_confirmation() {
        let form = CustomerForm {
            name: "データ タロウ".into(),
            birth_year: "1980".into(),
            birth_month: "01".into(),
            birth_day: "01".into(),
            phone: "09011113333".into(),
            email: "taro@example.jp".into(),
            email_confirm: "taro@example.com".into(),
        };
        let today = jiff::civil::date(2026, 11, 26);
        let err = form.parse(today).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err["email_confirm"], vec![FieldCode::EmailMismatch]);
        let ok = CustomerForm {
            email_confirm: form.email.clone(),
            ..form
        }
        .parse(today)
        .unwrap();
        assert_eq!(ok.name.as_str(), "ﾃﾞ-ﾀ ﾀﾛｳ");
    }

    #[test]
    fn every_open_step_may_be_cancelled_and_the_end_steps_lead_nowhere() {
        for s in Step::ALL {
            assert_eq!(
                s.may_follow().contains(&Step::Cancelled),
                s.is_open(),
                "{s:?}"
            );
        }
        assert!(Step::Completed.may_follow().is_empty());
    }

    #[test]
    fn steps_round_trip() {
        for s in Step::ALL {
            assert_eq!(Step::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
    }
}
