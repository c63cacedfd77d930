//! Admission control (混雑): at most `RENKEI_MAX_INFLIGHT` requests are
//! served at once. One more is answered at once with 503, `Retry-After` and
//! `busy` — never put in a queue that could grow without bound.

use crate::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use renkei_shared::ErrorCode;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Admission {
    permits: Arc<Semaphore>,
}

impl Admission {
    pub fn new(max_inflight: usize) -> Self {
        Admission {
            permits: Arc::new(Semaphore::new(max_inflight)),
        }
    }
}

pub async fn admit(State(a): State<Admission>, req: Request, next: Next) -> Response {
    match a.permits.clone().try_acquire_owned() {
        Ok(permit) => {
            let resp = next.run(req).await;
            drop(permit);
            resp
        }
        Err(_) => {
            tracing::warn!("shedding a request: too many in flight");
            AppError::Code(ErrorCode::Busy).into_response()
        }
    }
}
