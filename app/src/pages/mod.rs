//! One file per screen.

pub mod account;
pub mod call;
pub mod cancelled;
pub mod completed;
pub mod consent;
pub mod customer;
pub mod not_found;
pub mod phone;
pub mod pin;
