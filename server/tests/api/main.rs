//! Black-box tests: each starts the real server on port 0 with a fresh
//! SQLite file and speaks HTTP to it. One test binary, so the server crate
//! links once.

mod account;
mod authorize;
mod cancel;
mod helpers;
mod metadata;
