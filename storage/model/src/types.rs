//! The typed values of the bank's rows. Each is stored as its snake_case
//! name in a TEXT column with a `CHECK` listing the names (see the
//! migration); decoding any other value fails, and the request that read it
//! gets `system_error` — a corrupt row never silently becomes 普通預金 or
//! "no redirect URIs". `Step` and `AccountKind` are the shared crate's
//! types, typed the same way (its `sqlx` feature).

use jiff::civil::Date;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};

/// The state of a deposit account in the bank's records (also as the host
/// gateway's contract spells it).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::EnumString,
    strum::IntoStaticStr,
    serde::Deserialize,
    serde::Serialize,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Closed,
    /// 口座移管: moved to another account.
    Moved,
}

/// How a registered app authenticates at the OAuth endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    PrivateKeyJwt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum TokenKind {
    Access,
    Refresh,
}

/// Who or what ended a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RevokedBy {
    /// The app revoked a token (RFC 7009).
    App,
    /// The credit union's staff.
    Staff,
    /// An authorization code came back a second time.
    CodeReuse,
    /// A rotated refresh token came back.
    RefreshReuse,
}

/// What an inbound call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
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
        match self {
            CallOutcome::Verified => "verified",
            CallOutcome::NoMatchingChallenge => "no_matching_challenge",
            CallOutcome::Withheld => "withheld",
            CallOutcome::AlreadyVerified => "already_verified",
            CallOutcome::TooLate => "too_late",
        }
    }
}

/// A calendar date, stored as `YYYY-MM-DD` (which also sorts as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub Date);

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// `Day` and `Flag` on each backend's own driver.
macro_rules! day_and_flag {
    ($db:ty) => {
        impl Type<$db> for Day {
            fn type_info() -> <$db as Database>::TypeInfo {
                <str as Type<$db>>::type_info()
            }
            fn compatible(ty: &<$db as Database>::TypeInfo) -> bool {
                <&str as Type<$db>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, $db> for Day {
            fn decode(value: <$db as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<$db>>::decode(value)?;
                Ok(Day(text.parse::<Date>()?))
            }
        }

        impl Encode<'_, $db> for Day {
            fn encode_by_ref(
                &self,
                buf: &mut <$db as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <String as Encode<$db>>::encode(self.0.to_string(), buf)
            }
        }

        impl Type<$db> for Flag {
            fn type_info() -> <$db as Database>::TypeInfo {
                <i64 as Type<$db>>::type_info()
            }
            fn compatible(ty: &<$db as Database>::TypeInfo) -> bool {
                <i64 as Type<$db>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, $db> for Flag {
            fn decode(value: <$db as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                match <i64 as Decode<$db>>::decode(value)? {
                    0 => Ok(Flag(false)),
                    1 => Ok(Flag(true)),
                    n => Err(format!("not a flag: {n}").into()),
                }
            }
        }
    };
}
day_and_flag!(Sqlite);
day_and_flag!(Postgres);

renkei_shared::sqlx_text!(AccountStatus, AuthMethod, TokenKind, RevokedBy, CallOutcome);
renkei_shared::sqlx_text!(crate::ImportMode);

/// A yes/no column: `0`/`1` in an integer column on every backend (SQLite
/// has no boolean type, and one spelling keeps the SQL the same on
/// PostgreSQL). Rows read it with `#[sqlx(try_from = "Flag")]`; binds
/// write `i64::from(b)`. Any other number is a corrupt row.
#[derive(Debug, Clone, Copy)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}
