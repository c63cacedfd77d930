//! Renkei's server: the bank-side API連携認証 service, by area. Each area
//! folder has its own `router()`, merged once in `startup`.
//!
//! | module | what |
//! |---|---|
//! | `flow` | the customer's steps (SOA201 → お客様情報入力 → SOA208 → SOA209 → SOA211 → SOA206), the flow extractor, the one transition function, lockout, service hours |
//! | `oauth` | authorize, PAR, token, revoke, introspect, client authentication, DPoP, JOSE, metadata, the OAuth error type |
//! | `resource` | the account-information API the app reads |
//! | `telephony` | the carrier's webhooks, their signatures, phone numbers |
//! | `mail` | the completion mail: templates and the outbox worker |
//! | `admin` | the staff subcommands, sharing one context |
//! | `records` | the bank's records: the port (embedded tables or the host gateway), CSV import from the core system, PIN hashing for it, status, the stand-in gateway |
//! | `staff` | the staff console's API: passkeys and sessions, then two routers — a union's actions (account lookup and actions, audit log, funnel, maintenance, app switches, staff) and the platform's (`staff::platform`: registering apps, the unions) |
//! | `http` | what every response shares: security headers, admission, server-rendered pages, the SPA's files |
//! | `tenancy` | which credit union a request is for: `/institutions/{code}` taken off the URI (or the root alias), and `Union`, that union's state, which a handler must ask for |
//! | `db` | every SQL statement, one file per aggregate, typed rows |
//! | `demo` | the demo bank's data and the demo app (`fixture`/`demo` features only, `RENKEI_DEMO=1`) |
//!
//! `telemetry` is the Prometheus metrics. `config::institution` is the credit union's profile (name, contact, terms, brand).
//! `startup` builds the app, `config` reads the environment, `clock` is the
//! one source of "now", `crypto` the security primitives, `error` the one
//! error type with stable codes. The demo fintech app is its own crate
//! (`renkei-demo`), mounted only in builds with the `demo` feature.

pub mod admin;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
#[cfg(feature = "fixture")]
pub mod demo;
pub mod error;
pub mod flow;
pub mod hashing;
pub mod http;
pub mod mail;
pub mod oauth;
pub mod openapi;
pub mod records;
pub mod resource;
pub mod staff;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod telephony;
pub mod tenancy;
#[cfg(feature = "testkit")]
pub mod testkit;
