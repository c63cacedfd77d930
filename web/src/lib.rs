//! The browser toolkit both Leptos bundles share — the customer's screens
//! (`renkei-app`) and the staff console (`renkei-staff`) — so that each
//! thing a page does in a browser is written once:
//!
//! | module | what |
//! |---|---|
//! | `http` | the JSON client: every failure is the server's `ErrorBody` |
//! | `submit` | the one way a page sends something: `Action::new_local`, a pending state, the answer or the error handed on |
//! | `field` | a labelled field with its hint and error wired for assistive technology |
//! | `dialog` | the modal dialogs: an error with OK, a question with two answers |
//! | `webauthn` | the passkey ceremony (feature `webauthn`, the console only) |

pub mod dialog;
pub mod field;
pub mod http;
pub mod submit;
#[cfg(feature = "webauthn")]
pub mod webauthn;
