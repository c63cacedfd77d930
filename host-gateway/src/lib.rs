//! `renkei-host-gateway`: a stand-in for a bank's host gateway that serves
//! the contract (`docs/host-gateway.openapi.yaml`) from Renkei's embedded
//! tables, as `renkei-carrier` stands in for the carrier.
//!
//! It is the other side of the gateway adapter's contract, for its tests
//! and for a bank writing its own gateway (a reference to compare answers
//! with). It is not a production gateway; it listens on loopback unless
//! told, over plain HTTP or, given a certificate, TLS that can require a
//! client certificate from a CA (mutual TLS, as the contract asks).

use anyhow::Context;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use renkei_server::db::AccountRow;
use renkei_server::error::AppError;
use renkei_server::records::contract::{
    ACCOUNT_ROUTE, AccountBody, BALANCE, BalanceBody, MovedTo, PIN_CHECKS, PinCheck,
    PinCheckRequest, TIME_DEPOSITS, TRANSACTIONS, TimeDepositBody, TimeDepositsBody, TxnBody,
    TxnPageBody, TxnQuery,
};
use renkei_server::records::port::Records;
use renkei_shared::ErrorCode;
use renkei_shared::domain::{AccountKind, AccountNumber, BranchNumber, Pin};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_rustls::{TlsAcceptor, rustls};
use tower::ServiceExt;

/// The stand-in's TLS: its certificate chain and key, and the CA whose
/// client certificates it requires (none: no client certificate asked).
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub client_ca: Option<PathBuf>,
}

/// Serves `app` on `listener` until the process ends, over TLS when given.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<&TlsFiles>,
) -> anyhow::Result<()> {
    let Some(tls) = tls else {
        axum::serve(listener, app).await?;
        return Ok(());
    };
    let acceptor = TlsAcceptor::from(Arc::new(server_config(tls)?));
    loop {
        let (tcp, _) = listener.accept().await?;
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            // A client without an acceptable certificate ends here.
            let stream = match acceptor.accept(tcp).await {
                Ok(s) => s,
                Err(e) => return tracing::warn!(error = %e, "stand-in gateway: TLS refused"),
            };
            let service = TowerToHyperService::new(
                app.map_request(|r: axum::http::Request<Incoming>| r.map(axum::body::Body::new)),
            );
            let served = Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(error = %e, "stand-in gateway: connection ended");
            }
        });
    }
}

fn server_config(tls: &TlsFiles) -> anyhow::Result<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = CertificateDer::pem_file_iter(&tls.cert)
        .with_context(|| format!("--tls-cert {}", tls.cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("--tls-cert {}", tls.cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(&tls.key)
        .with_context(|| format!("--tls-key {}", tls.key.display()))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = match &tls.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(path)
                .with_context(|| format!("--client-ca {}", path.display()))?
            {
                roots.add(cert?)?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    Ok(builder.with_single_cert(certs, key)?)
}

pub fn router(records: Records) -> Router {
    Router::new()
        .route(ACCOUNT_ROUTE, get(find))
        .route(&format!("{ACCOUNT_ROUTE}{PIN_CHECKS}"), post(check_pin))
        .route(&format!("{ACCOUNT_ROUTE}{BALANCE}"), get(balance))
        .route(&format!("{ACCOUNT_ROUTE}{TRANSACTIONS}"), get(transactions))
        .route(
            &format!("{ACCOUNT_ROUTE}{TIME_DEPOSITS}"),
            get(time_deposits),
        )
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(records)
}

/// The stand-in's answers: the contract's status codes, no bodies on
/// failure (Renkei reads only the status).
enum Failure {
    NotFound,
    BadRequest,
    Records(AppError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::Records(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::NotFound => StatusCode::NOT_FOUND.into_response(),
            Failure::BadRequest => StatusCode::BAD_REQUEST.into_response(),
            Failure::Records(AppError::Code(ErrorCode::Busy)) => {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
            Failure::Records(e) => {
                tracing::error!(error = %e, "stand-in gateway failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

type Answer = Result<Response, Failure>;

#[derive(Deserialize)]
struct Key {
    branch: String,
    kind: String,
    number: String,
}

impl Key {
    /// The reference row behind the path, if the embedded records hold
    /// this account.
    async fn account(&self, records: &Records) -> Result<AccountRow, Failure> {
        let (Ok(branch), Ok(kind), Ok(number)) = (
            BranchNumber::parse(&self.branch),
            AccountKind::parse(&self.kind),
            AccountNumber::parse(&self.number),
        ) else {
            return Err(Failure::NotFound);
        };
        // The contract's numbers are already zero-padded.
        if number.as_str() != self.number {
            return Err(Failure::NotFound);
        }
        let Records::Embedded { storage, .. } = records else {
            return Err(Failure::Records(
                anyhow::anyhow!("the stand-in serves the embedded records only").into(),
            ));
        };
        storage
            .find_account(&branch, kind, &number)
            .await
            .map_err(AppError::from)?
            .ok_or(Failure::NotFound)
    }
}

async fn find(State(records): State<Records>, Path(key): Path<Key>) -> Answer {
    let account = key.account(&records).await?;
    let holder = records.holder(&account).await?.ok_or(Failure::NotFound)?;
    let Records::Embedded { storage, .. } = &records else {
        unreachable!("Key::account checked the adapter");
    };
    let moved_to = match storage
        .embedded_record(account.id)
        .await
        .map_err(AppError::from)?
        .and_then(|r| r.moved_to)
    {
        Some(id) => storage
            .account_by_id(id)
            .await
            .map_err(AppError::from)?
            .map(|to| MovedTo {
                branch: to.branch,
                number: to.number,
            }),
        None => None,
    };
    Ok(Json(AccountBody {
        kind: account.kind.code().to_owned(),
        branch: account.branch,
        number: account.number,
        status: holder.status,
        cash_card: holder.cash_card,
        moved_to,
        holder_kana: holder.holder_kana,
        birth_date: holder.birth_date,
        phone: holder.phone,
    })
    .into_response())
}

async fn check_pin(
    State(records): State<Records>,
    Path(key): Path<Key>,
    Json(body): Json<PinCheckRequest>,
) -> Answer {
    let account = key.account(&records).await?;
    let pin = Pin::parse(&body.pin).map_err(|_| Failure::BadRequest)?;
    drop(body);
    let matches = records.check_pin(&account, pin).await?;
    Ok(Json(PinCheck { matches }).into_response())
}

async fn balance(State(records): State<Records>, Path(key): Path<Key>) -> Answer {
    let account = key.account(&records).await?;
    let b = records.balance(&account).await?.ok_or(Failure::NotFound)?;
    Ok(Json(BalanceBody {
        balance: b.balance,
        available_balance: b.available_balance,
        as_of: jiff::Timestamp::now().to_string(),
    })
    .into_response())
}

async fn transactions(
    State(records): State<Records>,
    Path(key): Path<Key>,
    Query(q): Query<TxnQuery>,
) -> Answer {
    let account = key.account(&records).await?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) || q.from > q.to {
        return Err(Failure::BadRequest);
    }
    let page = records
        .transactions(&account, (q.from, q.to), q.cursor.as_deref(), limit)
        .await?
        .map_err(|_| Failure::BadRequest)?;
    let transactions = page
        .items
        .into_iter()
        .map(|t| TxnBody {
            txn_id: t.id,
            booked_on: t.booked_on,
            description: t.description,
            amount_in: t.amount_in,
            amount_out: t.amount_out,
            balance_after: t.balance_after,
        })
        .collect();
    Ok(Json(TxnPageBody {
        transactions,
        next_cursor: page.next,
    })
    .into_response())
}

async fn time_deposits(State(records): State<Records>, Path(key): Path<Key>) -> Answer {
    let account = key.account(&records).await?;
    let time_deposits = records
        .time_deposits(&account)
        .await?
        .iter()
        .enumerate()
        .map(|(i, d)| TimeDepositBody {
            // The embedded port does not hand out the core system's ids;
            // the position in its stable order stands in.
            deposit_id: (i + 1).to_string(),
            principal: d.principal,
            rate_bp: d.rate_bp,
            start_on: d.start_on,
            maturity_on: d.maturity_on,
        })
        .collect();
    Ok(Json(TimeDepositsBody { time_deposits }).into_response())
}
