//! The host-gateway adapter of the records port: JSON over HTTPS to the
//! bank's gateway, as `docs/host-gateway.openapi.yaml` lays down.
//!
//! Every call has its timeout; a timeout, a refused connection or any 5xx
//! but 503 is `system_error`, a 503 is `busy` (混雑), both with the seed's
//! messages; nothing is retried (a PIN check above all) and nothing is
//! cached. A body outside the contract is a failure too, never guessed at.

use super::contract::{
    AccountBody, BALANCE, BalanceBody, PIN_CHECKS, PinCheck, PinCheckRequest, TIME_DEPOSITS,
    TRANSACTIONS, TimeDepositsBody, TxnPageBody, account_path,
};
use super::model::{Balance, Holder, TimeDeposit, Txn, TxnPage};
use crate::config::GatewaySettings;
use crate::db::AccountRow;
use crate::error::{AppError, AppResult};
use anyhow::Context;
use jiff::civil::Date;
use renkei_shared::ErrorCode;
use renkei_shared::domain::{AccountKind, Pin};
use renkei_shared::kana::normalize_name;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

#[derive(Clone, Debug)]
pub struct Gateway {
    http: reqwest::Client,
    base: Url,
}

impl Gateway {
    /// A client for the gateway; a missing or bad certificate file stops
    /// the server at start, naming the setting.
    pub fn new(s: &GatewaySettings) -> anyhow::Result<Gateway> {
        let mut b = reqwest::Client::builder()
            .timeout(s.timeout)
            .connect_timeout(s.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("renkei/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &s.ca_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("RENKEI_RECORDS_CA_FILE: {}", path.display()))?;
            for cert in reqwest::Certificate::from_pem_bundle(&pem)
                .with_context(|| format!("RENKEI_RECORDS_CA_FILE: {}", path.display()))?
            {
                b = b.add_root_certificate(cert);
            }
        }
        if let Some(path) = &s.client_identity_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("RENKEI_RECORDS_CLIENT_CERT_FILE: {}", path.display()))?;
            let id = reqwest::Identity::from_pem(&pem)
                .with_context(|| format!("RENKEI_RECORDS_CLIENT_CERT_FILE: {}", path.display()))?;
            b = b.identity(id);
        }
        // `join` keeps a base path only when it ends with a slash.
        let mut base = s.url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Gateway {
            http: b
                .build()
                .context("RENKEI_RECORDS_URL: building the client")?,
            base,
        })
    }

    /// `findAccount`: the account, or `None` when the gateway holds none.
    pub async fn find(
        &self,
        branch: &str,
        kind: AccountKind,
        number: &str,
    ) -> AppResult<Option<Holder>> {
        let path = account_path(branch, kind, number, "");
        let Some(a) = self.call::<AccountBody>(Method::GET, &path, None).await? else {
            return Ok(None);
        };
        if (a.branch.as_str(), a.kind.as_str(), a.number.as_str()) != (branch, kind.code(), number)
        {
            return Err(outside_contract(&path, "another account's record").into());
        }
        Ok(Some(Holder {
            status: a.status,
            cash_card: a.cash_card,
            holder_kana: normalize_name(&a.holder_kana),
            birth_date: a.birth_date,
            phone: a.phone,
        }))
    }

    /// `checkPin`. The PIN travels only in this request's body.
    pub async fn check_pin(&self, a: &AccountRow, pin: Pin) -> AppResult<bool> {
        let body = PinCheckRequest {
            pin: pin.expose().to_owned(),
        };
        drop(pin);
        let path = account_path(&a.branch, a.kind, &a.number, PIN_CHECKS);
        let checked = self
            .call::<PinCheck>(Method::POST, &path, Some(&body))
            .await?;
        // No such account or no card: refused like a wrong PIN.
        Ok(checked.is_some_and(|c| c.matches))
    }

    pub async fn balance(&self, a: &AccountRow) -> AppResult<Option<Balance>> {
        let path = account_path(&a.branch, a.kind, &a.number, BALANCE);
        Ok(self
            .call::<BalanceBody>(Method::GET, &path, None)
            .await?
            .map(|b| Balance {
                balance: b.balance,
                available_balance: b.available_balance,
            }))
    }

    pub async fn transactions(
        &self,
        a: &AccountRow,
        (from, to): (Date, Date),
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<TxnPage> {
        let query = {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("from", &from.to_string())
                .append_pair("to", &to.to_string())
                .append_pair("limit", &limit.to_string());
            if let Some(c) = cursor {
                q.append_pair("cursor", c);
            }
            q.finish()
        };
        let path = format!(
            "{}?{query}",
            account_path(&a.branch, a.kind, &a.number, TRANSACTIONS)
        );
        let Some(page) = self.call::<TxnPageBody>(Method::GET, &path, None).await? else {
            return Ok(TxnPage::default());
        };
        let items = page
            .transactions
            .into_iter()
            .map(|t| Txn {
                id: t.txn_id,
                booked_on: t.booked_on,
                description: t.description,
                amount_in: t.amount_in,
                amount_out: t.amount_out,
                balance_after: t.balance_after,
            })
            .collect();
        Ok(TxnPage {
            items,
            next: page.next_cursor,
        })
    }

    pub async fn time_deposits(&self, a: &AccountRow) -> AppResult<Vec<TimeDeposit>> {
        let path = account_path(&a.branch, a.kind, &a.number, TIME_DEPOSITS);
        let Some(body) = self
            .call::<TimeDepositsBody>(Method::GET, &path, None)
            .await?
        else {
            return Ok(Vec::new());
        };
        Ok(body
            .time_deposits
            .into_iter()
            .map(|d| TimeDeposit {
                principal: d.principal,
                rate_bp: d.rate_bp,
                start_on: d.start_on,
                maturity_on: d.maturity_on,
            })
            .collect())
    }

    /// One call: 200 → the body, 404 → `None`, 503 → `busy`, anything
    /// else (timeouts and refused connections included) → `system_error`.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&PinCheckRequest>,
    ) -> AppResult<Option<T>> {
        let url = self.base.join(path).map_err(anyhow::Error::from)?;
        let request_id = crate::crypto::random_token();
        let mut req = self
            .http
            .request(method, url)
            .header("X-Request-Id", &request_id)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            req = req.json(body);
        }
        // The URL and the error are logged, never a body (it may hold a PIN).
        let resp = req.send().await.map_err(|e| {
            anyhow::anyhow!(
                "host gateway {path} (request {request_id}): {}",
                e.without_url()
            )
        })?;
        match resp.status() {
            StatusCode::OK => {
                let bytes = resp.bytes().await.map_err(|e| {
                    anyhow::anyhow!("host gateway {path} (request {request_id}): {e}")
                })?;
                let parsed = serde_json::from_slice(&bytes)
                    .map_err(|e| outside_contract(path, &format!("{request_id}: {e}")))?;
                Ok(Some(parsed))
            }
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::SERVICE_UNAVAILABLE => {
                tracing::warn!(path, request_id, "host gateway busy (503)");
                Err(AppError::Code(ErrorCode::Busy))
            }
            other => Err(anyhow::anyhow!(
                "host gateway {path} (request {request_id}) answered {other}"
            )
            .into()),
        }
    }
}

fn outside_contract(path: &str, what: &str) -> anyhow::Error {
    anyhow::anyhow!("host gateway {path}: answer outside the contract: {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> GatewaySettings {
        GatewaySettings {
            url: "https://gw.bank.example/api".parse().unwrap(),
            timeout: Duration::from_secs(1),
            ca_file: None,
            client_identity_file: None,
        }
    }

    #[test]
    fn a_missing_or_bad_certificate_file_stops_the_start_naming_its_setting() {
        let dir = std::env::temp_dir().join(format!("renkei-gw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let junk = dir.join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        for (ca, client, var) in [
            (
                Some(dir.join("missing.pem")),
                None,
                "RENKEI_RECORDS_CA_FILE",
            ),
            (None, Some(junk.clone()), "RENKEI_RECORDS_CLIENT_CERT_FILE"),
        ] {
            let s = GatewaySettings {
                ca_file: ca,
                client_identity_file: client,
                ..settings()
            };
            let e = Gateway::new(&s).unwrap_err().to_string();
            assert!(e.starts_with(var), "{e}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths_keep_the_base_path_of_the_gateway_url() {
        let g = Gateway::new(&settings()).unwrap();
        let p = account_path("300", AccountKind::Savings, "0004567", BALANCE);
        assert_eq!(
            g.base.join(&p).unwrap().as_str(),
            "https://gw.bank.example/api/v1/accounts/300/savings/0004567/balance"
        );
    }
}
