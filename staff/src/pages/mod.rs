//! One file per page of the console.

pub mod audit;
pub mod enrol;
pub mod funnel;
pub mod lookup;
pub mod sign_in;
