//! The phone callback's carrier side: the webhooks a carrier gateway calls
//! when a customer phones the toll-free number (`webhook`), their
//! signatures (`signature`), and phone numbers as carriers send them
//! (`number`). The challenge a call verifies is opened by the flow's SOA209
//! step (`flow::call`).

pub mod number;
pub mod signature;
pub mod webhook;

pub use webhook::router;
