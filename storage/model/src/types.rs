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

pub use renkei_shared::oplog::CallOutcome;

/// Where a phone challenge stands (`phone_challenges.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ChallengeState {
    /// Waiting for the call (once verified, `verified_at` says so).
    Open,
    /// The flow restarted, ended, or opened a newer challenge.
    Void,
    /// Its window passed and another flow of the same phone needed the
    /// number; its own flow still sees it, as expired.
    Released,
}

/// A calendar date, stored as `YYYY-MM-DD` (which also sorts as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub Date);

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// `Day` on each backend's own driver.
macro_rules! day_on {
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
    };
}
day_on!(Sqlite);
day_on!(Postgres);

renkei_shared::sqlx_text!(
    AccountStatus,
    AuthMethod,
    TokenKind,
    RevokedBy,
    ChallengeState
);
renkei_shared::sqlx_text!(crate::ImportMode);
