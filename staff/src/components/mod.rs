//! Pieces the console's pages share.

pub mod chart;
pub mod layout;
pub mod notice;
pub mod passkey;
