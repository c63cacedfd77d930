//! Pieces every screen shares.

pub mod cancel;
pub mod flow;
pub mod institution;
pub mod layout;
pub mod screen;
pub mod step_form;
pub mod submit;
