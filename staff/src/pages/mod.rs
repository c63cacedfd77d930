//! One file per page of the console.

pub mod apps;
pub mod audit;
pub mod enrol;
pub mod funnel;
pub mod institutions;
pub mod lookup;
pub mod maintenance;
pub mod members;
pub mod sign_in;
