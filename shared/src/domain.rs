//! Domain newtypes, valid by construction ("parse, don't validate"): each
//! has a private field and one `parse` that applies the input conversion
//! and the rule, so a value of the type is always acceptable to the bank.

use crate::error::FieldCode;
use crate::kana;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 店番: exactly three half-width digits (full-width are converted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BranchNumber(String);

impl BranchNumber {
    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        let s = kana::normalize_digits(input);
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(BranchNumber(s))
        } else {
            Err(FieldCode::BranchFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 科目: only the two kinds API linkage accepts. Stored as its `code()`
/// (the server's `accounts.kind` column, with a `CHECK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(strum::EnumString, strum::IntoStaticStr),
    strum(serialize_all = "snake_case")
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AccountKind {
    /// 普通預金
    Ordinary,
    /// 貯蓄預金
    Savings,
}

impl AccountKind {
    pub const ALL: [AccountKind; 2] = [AccountKind::Ordinary, AccountKind::Savings];

    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        match input.trim() {
            "" => Err(FieldCode::Required),
            "ordinary" => Ok(AccountKind::Ordinary),
            "savings" => Ok(AccountKind::Savings),
            _ => Err(FieldCode::AccountKindUnknown),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Ordinary => "ordinary",
            AccountKind::Savings => "savings",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AccountKind::Ordinary => "普通預金",
            AccountKind::Savings => "貯蓄預金",
        }
    }
}

/// 口座番号: 1–7 digits, kept as 7 with leading zeros (123 → 0000123).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct AccountNumber(String);

impl AccountNumber {
    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        let s = kana::normalize_digits(input);
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.len() <= 7 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountNumber(format!("{s:0>7}")))
        } else {
            Err(FieldCode::AccountNumberFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// お名前: half-width katakana in the 全銀 set, at most 48 characters
/// counted after conversion (ｶﾞ counts two).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct KanaName(String);

impl KanaName {
    pub const MAX_CHARS: usize = 48;

    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        let s = kana::normalize_name(input);
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if !s.chars().all(kana::is_accepted_name_char) {
            return Err(FieldCode::NameChars);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldCode::NameTooLong);
        }
        Ok(KanaName(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 生年月日: a real calendar date, not after `today` (the caller's JST date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BirthDate(Date);

impl BirthDate {
    /// `year` is typed; `month` and `day` come from selects, but are checked
    /// all the same because the server cannot trust the browser.
    pub fn parse(year: &str, month: &str, day: &str, today: Date) -> Result<Self, FieldCode> {
        let year = kana::normalize_digits(year);
        if year.is_empty() || month.trim().is_empty() || day.trim().is_empty() {
            return Err(FieldCode::Required);
        }
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldCode::BirthYearFormat);
        }
        let parse_num = |s: &str| {
            s.trim()
                .parse::<i8>()
                .map_err(|_| FieldCode::BirthDateInvalid)
        };
        let y: i16 = year.parse().map_err(|_| FieldCode::BirthYearFormat)?;
        if y < 1900 {
            return Err(FieldCode::BirthDateInvalid);
        }
        let date = Date::new(y, parse_num(month)?, parse_num(day)?)
            .map_err(|_| FieldCode::BirthDateInvalid)?;
        if date > today {
            return Err(FieldCode::BirthDateFuture);
        }
        Ok(BirthDate(date))
    }
    pub fn date(self) -> Date {
        self.0
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// 電話番号: 10 or 11 digits starting with 0, no hyphens.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        let s = kana::normalize_digits(input);
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        let ok = (s.len() == 10 || s.len() == 11)
            && s.starts_with('0')
            && s.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(PhoneNumber(s))
        } else {
            Err(FieldCode::PhoneFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `*****` and the last four digits: all a screen may ever show.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks any phone string to `*****` + its last four characters.
pub fn mask_phone(phone: &str) -> String {
    let tail: String = phone
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("*****{tail}")
}

// A phone number is personal data: keep it out of Debug output and so out
// of logs by accident.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

/// メールアドレス: valid, at most 64 characters, typed twice the same.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldCode::EmailTooLong);
        }
        if !s.is_ascii() || !email_syntax_ok(s) {
            return Err(FieldCode::EmailFormat);
        }
        Ok(Email(s.to_owned()))
    }

    /// The confirmation field: required, and equal to the first.
    pub fn confirm(&self, again: &str) -> Result<(), FieldCode> {
        match again.trim() {
            "" => Err(FieldCode::Required),
            s if s == self.0 => Ok(()),
            _ => Err(FieldCode::EmailMismatch),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The server's check: the `validator` crate (RFC-compliant, with IDNA).
#[cfg(feature = "validator")]
fn email_syntax_ok(s: &str) -> bool {
    validator::ValidateEmail::validate_email(&s) && email_shape_ok(s)
}

/// The SPA's check: the same structural rules without the crate's tables.
/// It never refuses what the server accepts in practice; the server has the
/// last word either way.
#[cfg(not(feature = "validator"))]
fn email_syntax_ok(s: &str) -> bool {
    email_shape_ok(s)
}

/// `local@domain.tld`: one `@`, a dot-atom local part, and a domain of
/// letter/digit/hyphen labels with at least one dot.
pub fn email_shape_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

/// キャッシュカード暗証番号: exactly four half-width digits. Debug never
/// shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub fn parse(input: &str) -> Result<Self, FieldCode> {
        let s = kana::normalize_digits(input);
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Pin(s))
        } else {
            Err(FieldCode::PinFormat)
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 26);

    #[test]
    fn branch_number() {
        assert_eq!(BranchNumber::parse("115").unwrap().as_str(), "115");
        assert_eq!(BranchNumber::parse("１１５").unwrap().as_str(), "115");
        for (bad, code, why) in [
            ("", FieldCode::Required, "empty"),
            ("  ", FieldCode::Required, "blank"),
            ("15", FieldCode::BranchFormat, "too short"),
            ("1150", FieldCode::BranchFormat, "too long"),
            ("1a5", FieldCode::BranchFormat, "letter"),
            ("-15", FieldCode::BranchFormat, "sign"),
        ] {
            assert_eq!(BranchNumber::parse(bad), Err(code), "{why}");
        }
    }

    #[test]
    fn account_number_pads_to_seven() {
        assert_eq!(AccountNumber::parse("123").unwrap().as_str(), "0000123");
        assert_eq!(AccountNumber::parse("1100026").unwrap().as_str(), "1100026");
        assert_eq!(AccountNumber::parse("１２３").unwrap().as_str(), "0000123");
        assert_eq!(AccountNumber::parse(""), Err(FieldCode::Required));
        assert_eq!(
            AccountNumber::parse("12345678"),
            Err(FieldCode::AccountNumberFormat)
        );
        assert_eq!(
            AccountNumber::parse("12 34"),
            Err(FieldCode::AccountNumberFormat)
        );
    }

    #[test]
    fn account_kind() {
        assert_eq!(AccountKind::parse("ordinary"), Ok(AccountKind::Ordinary));
        assert_eq!(AccountKind::parse("savings"), Ok(AccountKind::Savings));
        assert_eq!(AccountKind::parse(""), Err(FieldCode::Required));
        assert_eq!(
            AccountKind::parse("time"),
            Err(FieldCode::AccountKindUnknown)
        );
    }

    #[test]
    fn kana_name_counts_after_conversion() {
        assert_eq!(
            KanaName::parse("データ タロウ").unwrap().as_str(),
            "ﾃﾞ-ﾀ ﾀﾛｳ"
        );
        // 24 voiced kana = 48 half-width characters: accepted; one more is not.
        let at_limit = "ガ".repeat(24);
        assert_eq!(
            KanaName::parse(&at_limit).unwrap().as_str().chars().count(),
            48
        );
        assert_eq!(
            KanaName::parse(&format!("{at_limit}ア")),
            Err(FieldCode::NameTooLong)
        );
        assert_eq!(
            KanaName::parse(&"ｱ".repeat(48)).unwrap().as_str().len(),
            48 * 3
        );
        assert_eq!(
            KanaName::parse(&"ｱ".repeat(49)),
            Err(FieldCode::NameTooLong)
        );
        assert_eq!(KanaName::parse("山田"), Err(FieldCode::NameChars));
        assert_eq!(KanaName::parse("Taro"), Err(FieldCode::NameChars));
        assert_eq!(KanaName::parse("　"), Err(FieldCode::Required));
    }

    #[test]
    fn birth_date() {
        let ok = BirthDate::parse("1980", "01", "01", TODAY).unwrap();
        assert_eq!(ok.to_string(), "1980-01-01");
        assert!(
            BirthDate::parse("2000", "02", "29", TODAY).is_ok(),
            "leap day"
        );
        for (y, m, d, code, why) in [
            ("", "01", "01", FieldCode::Required, "no year"),
            ("1980", "", "01", FieldCode::Required, "no month"),
            (
                "80",
                "01",
                "01",
                FieldCode::BirthYearFormat,
                "two-digit year",
            ),
            (
                "1900",
                "02",
                "29",
                FieldCode::BirthDateInvalid,
                "1900 is not leap",
            ),
            ("1980", "02", "30", FieldCode::BirthDateInvalid, "30 Feb"),
            ("1980", "04", "31", FieldCode::BirthDateInvalid, "31 Apr"),
            ("1980", "13", "01", FieldCode::BirthDateInvalid, "month 13"),
            (
                "1899",
                "12",
                "31",
                FieldCode::BirthDateInvalid,
                "before 1900",
            ),
            ("2026", "11", "27", FieldCode::BirthDateFuture, "tomorrow"),
        ] {
            assert_eq!(BirthDate::parse(y, m, d, TODAY), Err(code), "{why}");
        }
        assert!(BirthDate::parse("2026", "11", "26", TODAY).is_ok(), "today");
    }

    #[test]
    fn phone_number() {
        assert_eq!(
            PhoneNumber::parse("09011113333").unwrap().masked(),
            "*****3333"
        );
        assert!(PhoneNumber::parse("0272345678").is_ok());
        for bad in [
            "090-1111-3333",
            "9011113333",
            "090111133",
            "090111133334",
            "+819011113333",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(FieldCode::PhoneFormat),
                "{bad}"
            );
        }
        let dbg = format!("{:?}", PhoneNumber::parse("09011113333").unwrap());
        assert!(!dbg.contains("0901111"), "Debug must mask: {dbg}");
    }

    #[test]
    fn email() {
        let e = Email::parse("taro@example.jp").unwrap();
        assert_eq!(e.confirm("taro@example.jp"), Ok(()));
        assert_eq!(e.confirm("tar0@example.jp"), Err(FieldCode::EmailMismatch));
        assert_eq!(e.confirm(""), Err(FieldCode::Required));
        assert_eq!(Email::parse("not-an-address"), Err(FieldCode::EmailFormat));
        let local = "a".repeat(64 - "@example.jp".len());
        assert!(
            Email::parse(&format!("{local}@example.jp")).is_ok(),
            "64 chars"
        );
        assert_eq!(
            Email::parse(&format!("{local}a@example.jp")),
            Err(FieldCode::EmailTooLong)
        );
    }

    #[test]
    fn email_shape_without_the_crate() {
        for ok in [
            "taro@example.jp",
            "a.b+c@mail.example.co.jp",
            "x_y-z@ex-ample.jp",
        ] {
            assert!(email_shape_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "taro",
            "@example.jp",
            "taro@",
            "taro@example",
            "ta..ro@example.jp",
            ".taro@example.jp",
            "taro@-example.jp",
            "taro@example..jp",
            "ta ro@example.jp",
            "taro@@example.jp",
        ] {
            assert!(!email_shape_ok(bad), "{bad}");
        }
    }

    #[test]
    fn pin() {
        assert!(Pin::parse("1234").is_ok());
        assert_eq!(Pin::parse("123"), Err(FieldCode::PinFormat));
        assert_eq!(Pin::parse("12a4"), Err(FieldCode::PinFormat));
        assert_eq!(format!("{:?}", Pin::parse("1234").unwrap()), "Pin(****)");
    }
}

/// 金融機関コード: the four digits 全銀協 gives a bank, which name a credit
/// union on the platform (its URLs, its console, the command line). The
/// rule is written here once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct InstitutionCode(String);

/// Not a 金融機関コード (see [`InstitutionCode::RULE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnInstitutionCode;

impl InstitutionCode {
    /// The rule, as an operator reads it.
    pub const RULE: &'static str = "4 digits (金融機関コード)";

    pub fn parse(input: &str) -> Result<Self, NotAnInstitutionCode> {
        if Self::is_valid(input) {
            Ok(InstitutionCode(input.to_owned()))
        } else {
            Err(NotAnInstitutionCode)
        }
    }

    /// Whether `input` is one, without keeping it.
    pub fn is_valid(input: &str) -> bool {
        input.len() == 4 && input.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstitutionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
