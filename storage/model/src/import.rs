//! One line of each file a core banking system exports, checked by the
//! screen's own rules (the shared newtypes) into a typed record, or into
//! every reason it is bad. Nothing here touches the database.

use jiff::civil::Date;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber, KanaName, PhoneNumber};
use std::collections::HashMap;

/// A bad field: `field: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

/// 科目 as the core system writes it. Only the first two can link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Linkable(AccountKind),
    /// 当座預金
    Current,
    /// 定期預金 (an account of its own)
    Time,
}

/// The account's state in the core system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStatus {
    Active,
    Closed,
    /// 口座移管, to the account named by `moved_to_*`.
    Moved,
}

/// (店番, 科目, 口座番号): how a file names an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountKey {
    pub branch: BranchNumber,
    pub kind: AccountKind,
    pub number: AccountNumber,
}

/// One line of `--accounts`.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub branch: BranchNumber,
    pub kind: RecordKind,
    pub number: AccountNumber,
    pub holder_kana: KanaName,
    pub birth_date: Date,
    pub phone: PhoneNumber,
    pub cash_card: bool,
    pub status: RecordStatus,
    /// (店番, 口座番号) of the new account, same 科目; only when moved.
    pub moved_to: Option<(BranchNumber, AccountNumber)>,
    pub balance: i64,
    pub available_balance: i64,
    pub pin_hash: Option<String>,
}

/// One line of `--transactions`.
#[derive(Debug, Clone)]
pub struct TransactionRecord {
    pub account: AccountKey,
    pub txn_id: String,
    pub booked_on: Date,
    pub description: String,
    pub amount_in: i64,
    pub amount_out: i64,
    pub balance_after: i64,
}

/// One line of `--time-deposits`.
#[derive(Debug, Clone)]
pub struct TimeDepositRecord {
    pub account: AccountKey,
    pub deposit_id: String,
    pub principal: i64,
    pub rate_bp: i64,
    pub start_on: Date,
    pub maturity_on: Date,
}

pub const ACCOUNT_COLUMNS: [&str; 13] = [
    "branch",
    "kind",
    "number",
    "holder_kana",
    "birth_date",
    "phone",
    "cash_card",
    "status",
    "moved_to_branch",
    "moved_to_number",
    "balance",
    "available_balance",
    "pin_hash",
];
pub const TRANSACTION_COLUMNS: [&str; 9] = [
    "branch",
    "kind",
    "number",
    "txn_id",
    "booked_on",
    "description",
    "amount_in",
    "amount_out",
    "balance_after",
];
pub const TIME_DEPOSIT_COLUMNS: [&str; 8] = [
    "branch",
    "kind",
    "number",
    "deposit_id",
    "principal",
    "rate_bp",
    "start_on",
    "maturity_on",
];

/// A line's fields by column name, collecting every bad field.
pub struct Line<'a> {
    fields: HashMap<&'static str, &'a str>,
    pub errors: Vec<FieldError>,
}

/// Checks a header row: every expected column, once, in any order.
pub fn check_header(header: &csv::StringRecord, expected: &[&str]) -> Result<(), String> {
    let got: Vec<&str> = header.iter().map(str::trim).collect();
    let missing: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|c| !got.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing column(s): {}", missing.join(", ")));
    }
    if got.len() != expected.len() {
        return Err(format!("expected the columns {}", expected.join(",")));
    }
    Ok(())
}

impl<'a> Line<'a> {
    pub fn new(
        header: &csv::StringRecord,
        record: &'a csv::StringRecord,
        columns: &[&'static str],
    ) -> Self {
        let mut fields = HashMap::new();
        for (name, value) in header.iter().zip(record.iter()) {
            if let Some(c) = columns.iter().find(|c| **c == name.trim()) {
                fields.insert(*c, value.trim());
            }
        }
        Line {
            fields,
            errors: Vec::new(),
        }
    }

    fn raw(&self, field: &'static str) -> &'a str {
        self.fields.get(field).copied().unwrap_or("")
    }

    fn bad(&mut self, field: &'static str, reason: impl Into<String>) {
        self.errors.push(FieldError {
            field,
            reason: reason.into(),
        });
    }

    /// The field parsed by `parse`, or `None` with its error noted.
    fn take<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(self.raw(field)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.bad(field, e.to_string());
                None
            }
        }
    }

    fn branch(&mut self, field: &'static str) -> Option<BranchNumber> {
        self.take(field, |s| {
            BranchNumber::parse(s).map_err(|e| e.message().to_owned())
        })
    }

    fn number(&mut self, field: &'static str) -> Option<AccountNumber> {
        self.take(field, |s| {
            AccountNumber::parse(s).map_err(|e| e.message().to_owned())
        })
    }

    fn date(&mut self, field: &'static str) -> Option<Date> {
        self.take(field, |s| {
            // Exactly YYYY-MM-DD: jiff also reads forms a batch never writes.
            if s.len() != 10 {
                return Err("not YYYY-MM-DD".to_owned());
            }
            s.parse::<Date>()
                .map_err(|_| "not a date (YYYY-MM-DD)".to_owned())
        })
    }

    fn yen(&mut self, field: &'static str, min: i64) -> Option<i64> {
        self.take(field, |s| match s.parse::<i64>() {
            Ok(n) if n >= min => Ok(n),
            Ok(_) => Err(format!("below {min}")),
            Err(_) => Err("not a whole number".to_owned()),
        })
    }

    fn id(&mut self, field: &'static str) -> Option<String> {
        self.take(field, |s| {
            if s.is_empty() {
                Err("required")
            } else if s.len() > 64 || s.chars().any(char::is_control) {
                Err("longer than 64 characters or not printable")
            } else {
                Ok(s.to_owned())
            }
        })
    }

    /// (店番, 科目, 口座番号) of a linkable account.
    fn key(&mut self) -> Option<AccountKey> {
        let branch = self.branch("branch");
        let kind = self.take("kind", |s| match parse_kind(s) {
            Ok(RecordKind::Linkable(k)) => Ok(k),
            Ok(_) => Err("only ordinary and savings accounts hold these rows".to_owned()),
            Err(e) => Err(e),
        });
        let number = self.number("number");
        Some(AccountKey {
            branch: branch?,
            kind: kind?,
            number: number?,
        })
    }
}

fn parse_kind(s: &str) -> Result<RecordKind, String> {
    match s {
        "ordinary" => Ok(RecordKind::Linkable(AccountKind::Ordinary)),
        "savings" => Ok(RecordKind::Linkable(AccountKind::Savings)),
        "current" => Ok(RecordKind::Current),
        "time" => Ok(RecordKind::Time),
        _ => Err("one of ordinary, savings, current, time".to_owned()),
    }
}

/// What a `pin_hash` in an import must be.
#[derive(Debug, Clone)]
pub struct PinHashRule {
    /// The key ids of the peppers this server holds, the current first.
    pub pepper_ids: Vec<String>,
    /// Outside demo mode: peppered with the current pepper (its key id in
    /// the hash) and no cheaper than the argon2 floor — otherwise "a
    /// stolen database alone does not give the PINs away" would silently
    /// stop holding for the accounts of that file.
    pub strict: bool,
    /// The cheapest argon2id parameters (m, t, p) accepted when `strict`.
    pub floor: (u32, u32, u32),
}

/// `pin_hash` as `records hash-pin` writes it: argon2id PHC, its pepper's
/// key id one this server holds (or none, in demo mode); outside demo mode
/// the current pepper's and at least the floor's parameters.
fn check_pin_hash(s: &str, rule: &PinHashRule) -> Result<Option<String>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    let parsed = argon2::PasswordHash::new(s).map_err(|_| "not a PHC string".to_owned())?;
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return Err("not argon2id".to_owned());
    }
    let params = argon2::Params::try_from(&parsed).map_err(|e| format!("parameters: {e}"))?;
    let keyid = String::from_utf8_lossy(params.keyid()).into_owned();
    if rule.strict {
        let current = rule.pepper_ids.first().map(String::as_str).unwrap_or("");
        if keyid.is_empty() || keyid != current {
            return Err(format!(
                "must be peppered with the current pepper (keyid={current}); hash it with records hash-pin"
            ));
        }
        let (m, t, p) = rule.floor;
        if params.m_cost() < m || params.t_cost() < t || params.p_cost() < p {
            return Err(format!(
                "argon2id parameters below the floor m={m},t={t},p={p}"
            ));
        }
    } else if !keyid.is_empty() && !rule.pepper_ids.contains(&keyid) {
        return Err(format!("pepper key id {keyid:?} is not configured"));
    }
    Ok(Some(s.to_owned()))
}

impl AccountRecord {
    /// Checks one `--accounts` line; `rule` says what a PIN hash must be.
    pub fn check(line: &mut Line<'_>, rule: &PinHashRule) -> Option<AccountRecord> {
        let branch = line.branch("branch");
        let kind = line.take("kind", parse_kind);
        let number = line.number("number");
        let holder_kana = line.take("holder_kana", |s| {
            KanaName::parse(s).map_err(|e| e.message().to_owned())
        });
        let birth_date = line.date("birth_date");
        let phone = line.take("phone", |s| {
            PhoneNumber::parse(s).map_err(|e| e.message().to_owned())
        });
        let cash_card = line.take("cash_card", |s| match s {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err("0 or 1"),
        });
        let status = line.take("status", |s| match s {
            "active" => Ok(RecordStatus::Active),
            "closed" => Ok(RecordStatus::Closed),
            "moved" => Ok(RecordStatus::Moved),
            _ => Err("one of active, closed, moved"),
        });
        let moved_to = match (
            status,
            line.raw("moved_to_branch").is_empty() && line.raw("moved_to_number").is_empty(),
        ) {
            (Some(RecordStatus::Moved), _) => {
                let b = line.branch("moved_to_branch");
                let n = line.number("moved_to_number");
                b.zip(n)
            }
            (_, false) => {
                line.bad("moved_to_branch", "only for status moved");
                None
            }
            (_, true) => None,
        };
        let balance = line.yen("balance", i64::MIN);
        let available_balance = line.yen("available_balance", i64::MIN);
        let pin_hash = line.take("pin_hash", |s| check_pin_hash(s, rule));
        if !line.errors.is_empty() {
            return None;
        }
        Some(AccountRecord {
            branch: branch?,
            kind: kind?,
            number: number?,
            holder_kana: holder_kana?,
            birth_date: birth_date?,
            phone: phone?,
            cash_card: cash_card?,
            status: status?,
            moved_to,
            balance: balance?,
            available_balance: available_balance?,
            pin_hash: pin_hash?,
        })
    }
}

impl TransactionRecord {
    pub fn check(line: &mut Line<'_>) -> Option<TransactionRecord> {
        let account = line.key();
        let txn_id = line.id("txn_id");
        let booked_on = line.date("booked_on");
        let description = line.take("description", |s| {
            if s.chars().count() > 100 {
                Err("longer than 100 characters")
            } else {
                Ok(s.to_owned())
            }
        });
        let amount_in = line.yen("amount_in", 0);
        let amount_out = line.yen("amount_out", 0);
        let balance_after = line.yen("balance_after", i64::MIN);
        if !line.errors.is_empty() {
            return None;
        }
        Some(TransactionRecord {
            account: account?,
            txn_id: txn_id?,
            booked_on: booked_on?,
            description: description?,
            amount_in: amount_in?,
            amount_out: amount_out?,
            balance_after: balance_after?,
        })
    }
}

impl TimeDepositRecord {
    pub fn check(line: &mut Line<'_>) -> Option<TimeDepositRecord> {
        let account = line.key();
        let deposit_id = line.id("deposit_id");
        let principal = line.yen("principal", 1);
        let rate_bp = line.yen("rate_bp", 0);
        let start_on = line.date("start_on");
        let maturity_on = line.date("maturity_on");
        if let (Some(s), Some(m)) = (start_on, maturity_on)
            && m <= s
        {
            line.bad("maturity_on", "not after start_on");
        }
        if !line.errors.is_empty() {
            return None;
        }
        Some(TimeDepositRecord {
            account: account?,
            deposit_id: deposit_id?,
            principal: principal?,
            rate_bp: rate_bp?,
            start_on: start_on?,
            maturity_on: maturity_on?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(line: &str) -> Result<AccountRecord, Vec<FieldError>> {
        let header = csv::StringRecord::from(ACCOUNT_COLUMNS.to_vec());
        let record = csv::StringRecord::from(line.split(',').collect::<Vec<_>>());
        let mut l = Line::new(&header, &record, &ACCOUNT_COLUMNS);
        AccountRecord::check(&mut l, &demo_rule(&["k1"])).ok_or(l.errors)
    }

    #[test]
    fn a_core_system_line_is_normalised_as_the_screen_would() {
        let a = account(
            "115,ordinary,26,デ－タ　タロウ,1980-01-01,09011113333,1,active,,,420000,400000,",
        )
        .unwrap();
        assert_eq!(a.number.as_str(), "0000026");
        assert_eq!(a.holder_kana.as_str(), "ﾃﾞ-ﾀ ﾀﾛｳ");
        assert_eq!(a.kind, RecordKind::Linkable(AccountKind::Ordinary));
        assert!(a.cash_card && a.pin_hash.is_none() && a.moved_to.is_none());
    }

    #[test]
    fn every_bad_field_of_a_line_is_named() {
        let errors =
            account("11,cheque,12345678,,1980-02-30,123,2,gone,,,x,1.5,$md5$x").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "branch",
                "kind",
                "number",
                "holder_kana",
                "birth_date",
                "phone",
                "cash_card",
                "status",
                "balance",
                "available_balance",
                "pin_hash"
            ]
        );
    }

    #[test]
    fn moved_needs_its_target_and_only_moved_has_one() {
        let e = account("011,ordinary,1111111,ｻﾄｳ ｼﾞﾛｳ,1985-06-30,07055556666,1,moved,,,0,0,")
            .unwrap_err();
        assert_eq!(e[0].field, "moved_to_branch");
        let e = account(
            "011,ordinary,1111111,ｻﾄｳ ｼﾞﾛｳ,1985-06-30,07055556666,1,active,022,2222222,0,0,",
        )
        .unwrap_err();
        assert_eq!(e[0].field, "moved_to_branch");
        let a =
            account("011,ordinary,1111111,ｻﾄｳ ｼﾞﾛｳ,1985-06-30,07055556666,1,moved,022,2222222,0,0,")
                .unwrap();
        assert_eq!(a.moved_to.unwrap().1.as_str(), "2222222");
    }

    fn demo_rule(ids: &[&str]) -> PinHashRule {
        PinHashRule {
            pepper_ids: ids.iter().map(|i| i.to_string()).collect(),
            strict: false,
            floor: (19456, 2, 1),
        }
    }

    #[test]
    fn a_pin_hash_must_be_argon2id_with_a_known_pepper() {
        let known = "$argon2id$v=19$m=64,t=1,p=1,keyid=azE$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(check_pin_hash(known, &demo_rule(&["k1"])).is_ok());
        assert!(
            check_pin_hash(known, &demo_rule(&["k2"]))
                .unwrap_err()
                .contains("pepper")
        );
        assert!(check_pin_hash("1234", &demo_rule(&[])).is_err());
    }

    #[test]
    fn outside_demo_mode_a_pin_hash_needs_the_current_pepper_and_the_floor() {
        let hash = |params: &str| {
            format!(
                "$argon2id$v=19${params}$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            )
        };
        let rule = PinHashRule {
            pepper_ids: vec!["k2".into(), "k1".into()],
            strict: true,
            floor: (19456, 2, 1),
        };
        // keyid=azI is "k2", the current pepper; azE is "k1", an older one.
        assert!(check_pin_hash(&hash("m=19456,t=2,p=1,keyid=azI"), &rule).is_ok());
        assert!(check_pin_hash(&hash("m=65536,t=3,p=2,keyid=azI"), &rule).is_ok());
        for (params, why) in [
            ("m=19456,t=2,p=1", "current pepper"),
            ("m=19456,t=2,p=1,keyid=azE", "current pepper"),
            ("m=64,t=1,p=1,keyid=azI", "floor"),
            ("m=19456,t=1,p=1,keyid=azI", "floor"),
        ] {
            let e = check_pin_hash(&hash(params), &rule).unwrap_err();
            assert!(e.contains(why), "{params}: {e}");
        }
    }
}
