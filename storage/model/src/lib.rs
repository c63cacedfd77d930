//! The typed rows and inputs of the storage layer, one module per
//! aggregate (as `storage/queries/`), below both backends: the SQLite and
//! the PostgreSQL crate read and write these same types, so the server sees
//! one storage API whichever database `DATABASE_URL` names. `import` is one
//! line of each file a core banking system exports, checked.

mod accounts;
mod challenges;
mod clients;
mod flows;
mod grants;
pub mod import;
mod institutions;
mod lockout;
mod maintenance;
mod oplog;
mod outbox;
mod records;
mod staff;
pub mod types;

pub use accounts::*;
pub use challenges::*;
pub use clients::*;
pub use flows::*;
pub use grants::*;
pub use institutions::*;
pub use lockout::*;
pub use maintenance::*;
pub use oplog::*;
pub use outbox::*;
pub use records::*;
/// The registered app a row belongs to (compared only with another `ClientId`).
pub use renkei_shared::oauth::ClientId;
pub use staff::*;
pub use types::{
    AccountStatus, AuthMethod, CallOutcome, ChallengeState, Day, RevokedBy, TokenKind,
};
