//! Renkei's shared crate: everything both the browser (wasm) and the server
//! (native) must agree on — the wire format of requests and answers, the one
//! table of error codes with the seed's messages, and the validation rules
//! with their input conversion. Nothing here touches I/O, so the same rule
//! runs in the SPA for instant feedback and on the server as the authority.

pub mod account;
pub mod api;
pub mod domain;
pub mod error;
pub mod kana;
pub mod oauth;
/// The operation log's steps and outcomes (the server writes them, the
/// staff console reads them).
#[cfg(feature = "staff")]
pub mod oplog;
#[cfg(feature = "sqlx")]
mod sqlx_text;
#[cfg(feature = "staff")]
pub mod staff;
pub mod telephony;

pub use error::{ErrorBody, ErrorCode, FieldCode, FieldErrors};
