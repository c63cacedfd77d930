//! The completion mail: its wording (`templates`) and its delivery
//! (`outbox`, a worker over the durable outbox table).

pub mod outbox;
pub mod templates;

pub use outbox::{Mailer, deliver_due, run_outbox};
