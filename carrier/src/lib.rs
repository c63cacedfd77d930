//! The carrier's side of Renkei's inbound-call webhook: a client that sends
//! one signed call report, as a carrier gateway would. The contract itself
//! (path, body, answer, v1 signature) is `renkei_shared::telephony`, which
//! the server verifies with. `renkei-carrier simulate-call`, the demo app's
//! phone and the benchmark send with [`send_signed_call`]. Never part of a
//! production build of the server.

use rand::RngCore;
use renkei_shared::telephony::{
    CallAnswer, InboundCall, PATH, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_v1,
};

/// Sends one signed inbound call from `from` to `to` to the Renkei at
/// `base_url`, stamped `now`; returns the server's `result`.
pub async fn send_signed_call(
    http: &reqwest::Client,
    base_url: &str,
    secret: &str,
    from: &str,
    to: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<String> {
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let body = serde_json::to_string(&InboundCall {
        call_id: hex::encode(id),
        from: from.to_owned(),
        to: to.to_owned(),
        received_at: now.to_string(),
    })?;
    let ts = now.as_second();
    let resp = http
        .post(format!("{}{PATH}", base_url.trim_end_matches('/')))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(SIGNATURE_HEADER, sign_v1(secret, ts, body.as_bytes()))
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(
        resp.status().is_success(),
        "the server answered {}",
        resp.status()
    );
    Ok(resp.json::<CallAnswer>().await?.result)
}
