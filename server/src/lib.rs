//! Renkei's server: the bank-side API連携認証 service.
//!
//! `startup` builds the app; `routes` holds one module per flow step;
//! `storage` holds every SQL statement; `error` maps every failure to one
//! stable code. See the README for how to run, test and configure it.

pub mod admission;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo_account;
pub mod demo_client;
pub mod demo_seed;
pub mod error;
pub mod jose;
pub mod lockout;
pub mod mail;
pub mod pages;
pub mod routes;
pub mod security;
pub mod service_hours;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telephony;
