//! One file per screen.

pub mod account;
pub mod cancelled;
pub mod customer;
pub mod not_found;
pub mod phone;
