//! Prometheus metrics at `GET /metrics` (names prefixed `renkei_`):
//! requests by route and status with latency histograms, flow outcomes
//! per step (error codes included), locks, carrier-call outcomes, the mail
//! outbox (depth, sent, failed, dropped), and the hashing pool's queue and
//! wait. The recorder is process-wide, installed once. With
//! `RENKEI_METRICS_LISTEN` it is served on that address only.

use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use renkei_shared::ErrorCode;
use renkei_shared::oplog::{LogStep, Outcome};
use std::sync::OnceLock;
use std::time::Instant;

fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let latency = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("renkei_http_request_duration_seconds".into()),
                &latency,
            )
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full("renkei_hash_wait_seconds".into()), &latency)
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        // Another recorder already installed (a test binary with several
        // servers): render this one's view all the same.
        match builder.install_recorder() {
            Ok(h) => h,
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// Installs the recorder (at start, so the first request is counted).
pub fn init() {
    let _ = handle();
}

/// `GET /metrics`, Prometheus text format.
pub async fn render() -> Response {
    let h = handle();
    h.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        h.render(),
    )
        .into_response()
}

/// The 金融機関コード of the credit union a request is for (set by
/// `tenancy::address`), for the `institution` label.
#[derive(Clone, Debug)]
pub struct UnionCode(pub String);

/// Counts each request by its route (the template, never the concrete
/// path: no ids or tokens in labels), status and credit union, and times
/// it.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "other".to_owned());
    let method = req.method().as_str().to_owned();
    let institution = req
        .extensions()
        .get::<UnionCode>()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("renkei_http_requests_total",
        "route" => route.clone(), "method" => method, "status" => status,
        "institution" => institution)
    .increment(1);
    metrics::histogram!("renkei_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    resp
}

/// A flow request's outcome at its step: `ok`, `granted`, `cancelled` or
/// an error code.
pub fn flow_outcome(step: LogStep, outcome: Outcome) {
    metrics::counter!("renkei_flow_outcomes_total",
        "step" => step.code(), "outcome" => outcome.code())
    .increment(1);
    if outcome == Outcome::Refused(ErrorCode::Locked) {
        metrics::counter!("renkei_locks_total").increment(1);
    }
}

/// A carrier call's outcome (`verified`, `no_matching_challenge`, …).
pub fn call_outcome(outcome: &'static str) {
    metrics::counter!("renkei_calls_total", "outcome" => outcome).increment(1);
}

/// The hashing pool's queue: one more job queued ([`hash_taken`]: one
/// fewer); [`hash_refused`]: turned away, the queue full.
pub fn hash_queued() {
    metrics::gauge!("renkei_hash_queue_depth").increment(1.0);
}

/// A worker took a job that waited `wait` in the queue.
pub fn hash_taken(wait: std::time::Duration) {
    metrics::gauge!("renkei_hash_queue_depth").decrement(1.0);
    metrics::histogram!("renkei_hash_wait_seconds").record(wait.as_secs_f64());
}

/// The outbox after a pass: mails not yet sent nor given up.
pub fn mail_pending(n: i64) {
    metrics::gauge!("renkei_mail_outbox_depth").set(n as f64);
}

/// One delivery attempt's outcome: `sent`, `failed` (retried) or
/// `dropped` (given up after 24 h).
pub fn mail_attempt(outcome: &'static str) {
    metrics::counter!("renkei_mail_attempts_total", "outcome" => outcome).increment(1);
}

pub fn hash_refused() {
    metrics::counter!("renkei_hash_busy_total").increment(1);
}

/// The text log's field formatter: every value as the default formatter
/// writes it, with control characters escaped (`\n`, `\r`, `\u{1b}`…), so
/// a value someone supplied — an app's name or `jwks_uri`, a header —
/// cannot start a forged log line or drive the terminal.
pub fn escaped_fields() -> impl for<'w> tracing_subscriber::fmt::FormatFields<'w> {
    use tracing_subscriber::field::MakeExt;
    tracing_subscriber::fmt::format::debug_fn(|w, field, value| {
        let text = format!("{value:?}");
        let text = escape_controls(&text);
        if field.name() == "message" {
            write!(w, "{text}")
        } else {
            write!(w, "{}={text}", field.name())
        }
    })
    .delimited(" ")
}

/// What a log line must not carry raw: control characters, the line and
/// paragraph separators (U+2028/9, which some log viewers break lines at)
/// and the bidi overrides and isolates (U+202A–202E, U+2066–2069), which
/// make a line read other than it is.
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(must_escape) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if must_escape(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn text_log_values_cannot_forge_a_line() {
        let buf = Buffer::default();
        let out = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .fmt_fields(super::escaped_fields())
            .with_ansi(false)
            .with_writer(move || out.clone())
            .finish();
        let forged = "https://app.example/jwks\n2026-11-30T00:00:00Z  INFO renkei: lock lifted";
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(uri = %forged, name = "\u{1b}[31mred", "jwks_uri\rgave nothing");
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.contains(r"uri=https://app.example/jwks\n2026-11-30T00:00:00Z  INFO"),
            "{text}"
        );
        assert!(text.contains(r"jwks_uri\rgave nothing"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
    }

    #[test]
    fn separators_and_bidi_overrides_are_escaped() {
        for c in [
            '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
        ] {
            let raw = format!("staff{c}name");
            let escaped = super::escape_controls(&raw);
            assert!(!escaped.contains(c), "{c:?}: {escaped}");
            assert_eq!(escaped, format!("staff{}name", c.escape_default()));
        }
        assert_eq!(super::escape_controls("窓口 花子"), "窓口 花子");
    }
}
