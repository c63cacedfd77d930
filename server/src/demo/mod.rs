//! The demo, compiled only into builds that ask for it (never into the
//! bank's production binary): the `fixture` feature brings the demo bank's
//! customers and the benchmark's synthetic population (`seed`), the `demo`
//! feature adds the demo fintech app at `/demo` (`app`). In such a build
//! `RENKEI_DEMO=1` turns them on; a build without them refuses the switch.

#[cfg(feature = "demo")]
pub mod app;
pub mod seed;
