//! The typed values of the bank's rows. Each is stored as its snake_case
//! name in a TEXT column with a `CHECK` listing the names (see the
//! migration); decoding any other value fails, and the request that read it
//! gets `system_error` — a corrupt row never silently becomes 普通預金 or
//! "no redirect URIs". `Step` and `AccountKind` are the shared crate's
//! types, typed the same way (its `sqlx` feature).

use jiff::civil::Date;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};

/// The state of a deposit account in the bank's records (also as the host
/// gateway's contract spells it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type, serde::Deserialize, serde::Serialize)]
#[sqlx(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Closed,
    /// 口座移管: moved to another account.
    Moved,
}

/// How a registered app authenticates at the OAuth endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    PrivateKeyJwt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum TokenKind {
    Access,
    Refresh,
}

/// Who or what ended a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum CallOutcome {
    Verified,
    NoMatchingChallenge,
    /// 非通知: never verifies.
    Withheld,
}

impl CallOutcome {
    pub fn code(self) -> &'static str {
        match self {
            CallOutcome::Verified => "verified",
            CallOutcome::NoMatchingChallenge => "no_matching_challenge",
            CallOutcome::Withheld => "withheld",
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

impl Type<Sqlite> for Day {
    fn type_info() -> SqliteTypeInfo {
        <str as Type<Sqlite>>::type_info()
    }
}

impl<'r> Decode<'r, Sqlite> for Day {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Day(text.parse::<Date>()?))
    }
}

impl Encode<'_, Sqlite> for Day {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.0.to_string(), buf)
    }
}
