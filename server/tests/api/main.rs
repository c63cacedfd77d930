//! Black-box tests: each starts the real server on port 0 with a fresh
//! SQLite file and speaks HTTP to it. One test binary, so the server crate
//! links once.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod account;
mod account_api;
mod authorize;
mod boundary;
mod callback_pool;
mod cancel;
mod conformance;
mod consent;
mod crash;
mod customer;
mod fapi;
mod flow_order;
mod gateway;
mod hashing;
mod health;
mod helpers;
mod hours_and_load;
mod instances;
mod institution;
mod issuers;
mod lockout;
mod metadata;
mod oauth;
mod phone;
mod pin;
mod platform;
mod records;
mod retention;
mod schema;
mod staff;
mod throttle;
mod tls;
