//! Enums stored as their snake_case name in a TEXT column, on every
//! backend the server speaks through `sqlx::Any` (SQLite, PostgreSQL).
//!
//! `derive(sqlx::Type)` gives each enum its encoding (generic over the
//! database) but decodes only for named backends, never for `Any`; this
//! adds the `Any` side. Decoding an unknown name is an error, so a corrupt
//! row surfaces as `system_error` instead of a guess.

/// `sqlx_text!(Type, ...)`: `Type<Any>` and `Decode<Any>` for enums that
/// derive `sqlx::Type` (snake_case) and `strum::EnumString` (snake_case).
#[macro_export]
macro_rules! sqlx_text {
    ($($t:ty),+ $(,)?) => {$(
        impl ::sqlx::Type<::sqlx::Any> for $t {
            fn type_info() -> ::sqlx::any::AnyTypeInfo {
                <&str as ::sqlx::Type<::sqlx::Any>>::type_info()
            }
            fn compatible(ty: &::sqlx::any::AnyTypeInfo) -> bool {
                <&str as ::sqlx::Type<::sqlx::Any>>::compatible(ty)
            }
        }
        impl<'r> ::sqlx::Decode<'r, ::sqlx::Any> for $t {
            fn decode(
                value: ::sqlx::any::AnyValueRef<'r>,
            ) -> ::std::result::Result<Self, ::sqlx::error::BoxDynError> {
                let text = <&str as ::sqlx::Decode<::sqlx::Any>>::decode(value)?;
                text.parse::<$t>().map_err(|_| {
                    format!("not a {}: {text:?}", stringify!($t)).into()
                })
            }
        }
    )+};
}

crate::sqlx_text!(crate::api::Step, crate::domain::AccountKind);
#[cfg(feature = "staff")]
crate::sqlx_text!(crate::staff::StaffRole);
