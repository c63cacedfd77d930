//! Enums stored as their snake_case name in a TEXT column, on each
//! backend through its own driver (SQLite, PostgreSQL).
//!
//! `derive(sqlx::Type)` would declare a PostgreSQL enum type of the
//! enum's name, which the schema does not have (the columns are TEXT with
//! a `CHECK`): this gives each backend the TEXT encoding instead. Decoding
//! an unknown name is an error, so a corrupt row surfaces as
//! `system_error` instead of a guess.

/// `sqlx_text!(Type, ...)`: `Type`, `Encode` and `Decode` on SQLite and
/// PostgreSQL for enums that derive `strum::EnumString` and
/// `strum::IntoStaticStr` (snake_case).
#[macro_export]
macro_rules! sqlx_text {
    ($($t:ty),+ $(,)?) => {$(
        $crate::sqlx_text!(@on $t, ::sqlx::Sqlite);
        $crate::sqlx_text!(@on $t, ::sqlx::Postgres);
    )+};
    (@on $t:ty, $db:ty) => {
        impl ::sqlx::Type<$db> for $t {
            fn type_info() -> <$db as ::sqlx::Database>::TypeInfo {
                <str as ::sqlx::Type<$db>>::type_info()
            }
            fn compatible(ty: &<$db as ::sqlx::Database>::TypeInfo) -> bool {
                <&str as ::sqlx::Type<$db>>::compatible(ty)
            }
        }
        impl<'q> ::sqlx::Encode<'q, $db> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut <$db as ::sqlx::Database>::ArgumentBuffer,
            ) -> ::std::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                let name: &'static str = self.into();
                <&str as ::sqlx::Encode<'q, $db>>::encode(name, buf)
            }
        }
        impl<'r> ::sqlx::Decode<'r, $db> for $t {
            fn decode(
                value: <$db as ::sqlx::Database>::ValueRef<'r>,
            ) -> ::std::result::Result<Self, ::sqlx::error::BoxDynError> {
                let text = <&str as ::sqlx::Decode<$db>>::decode(value)?;
                text.parse::<$t>().map_err(|_| {
                    format!("not a {}: {text:?}", stringify!($t)).into()
                })
            }
        }
    };
}

crate::sqlx_text!(crate::api::Step, crate::domain::AccountKind);
#[cfg(feature = "staff")]
crate::sqlx_text!(
    crate::staff::StaffRole,
    crate::oplog::LogStep,
    crate::oplog::Outcome,
    crate::oplog::CallOutcome
);
