//! Builds the application: database, router (each area's `router()`
//! merged here, once), middleware, listener. Tests call
//! [`Application::build`] with port 0 and a fresh database and talk HTTP to
//! the port it returns.

use crate::clock::{OffsetClock, SharedClock, SystemClock};
use crate::config::Config;
use crate::db::Storage;
use crate::http::security::{SecurityHeaders, inline_script_hashes, security_headers};
use crate::records::gateway::Gateway;
use crate::state::{AppState, RootAlias};
use crate::{flow, http, oauth, resource, telephony};
use axum::Router;
use axum::middleware::from_fn_with_state;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub struct Application {
    listener: TcpListener,
    router: Router,
    /// `RENKEI_STAFF_LISTEN`: the staff console's own listener and router.
    staff: Option<(TcpListener, Router)>,
    /// `RENKEI_METRICS_LISTEN`: `/metrics` alone on its own listener.
    metrics: Option<(TcpListener, Router)>,
    state: AppState,
    mailer: Arc<crate::mail::Mailer>,
}

/// What `/demo` serves: the demo app in a build with it and in demo mode.
async fn demo_app(state: &AppState) -> anyhow::Result<Option<Router>> {
    #[cfg(feature = "demo")]
    if state.config.demo {
        return Ok(Some(crate::demo::app::mount(state).await?));
    }
    let _ = state;
    Ok(None)
}

/// The clock `config` asks for: real time, or shifted to `RENKEI_NOW`.
pub fn clock_for(config: &Config) -> SharedClock {
    match config.now {
        Some(t) => Arc::new(OffsetClock::starting_at(t)),
        None => Arc::new(SystemClock),
    }
}

/// The root alias's union (`RENKEI_ROOT_INSTITUTION`, else the union added
/// first): with RENKEI_INSTITUTION_FILE its row takes the file's code and
/// profile at each start, so editing the file and restarting changes what
/// its customers see, as it always did.
pub async fn root_alias(storage: &Storage, config: &Config) -> anyhow::Result<RootAlias> {
    let root = RootAlias::resolve(storage, config.root_institution.as_deref()).await?;
    if let Some(text) = &config.institution_file {
        let p = crate::config::institution::Profile::parse(text)?;
        let profile = crate::db::InstitutionProfile {
            code: &p.public.code,
            name: &p.public.name,
            profile: text,
        };
        if !storage.set_institution_profile(root.id, profile).await? {
            anyhow::bail!(
                "RENKEI_INSTITUTION_FILE: code {} is another institution's on this platform",
                p.public.code
            );
        }
    }
    Ok(RootAlias(root.id))
}

impl Application {
    pub async fn build(config: Config, clock: SharedClock) -> anyhow::Result<Application> {
        crate::telemetry::init();
        let storage = Storage::connect(&config.database_url).await?;
        let root = root_alias(&storage, &config).await?;
        let listener = TcpListener::bind(config.listen).await?;
        let hasher = crate::hashing::Hasher::start(config.hashing.clone())?;
        let records_gateway = config
            .records_gateway
            .as_ref()
            .map(Gateway::new)
            .transpose()?;
        let nonce_key =
            crate::oauth::nonce::NonceKey::new(storage.server_secret("dpop_nonce").await?);
        let staff_decoy_key = storage.server_secret("staff_decoy").await?;
        let state = AppState {
            hasher,
            records_gateway,
            root,
            throttles: Arc::new(crate::flow::throttle::Throttles::new(
                config.throttle_per_ip,
                config.throttle_per_flow,
                config.staff.throttle_sign_in,
            )),
            profiles: Arc::default(),
            storage,
            config: Arc::new(config),
            clock,
            nonce_key,
            staff_decoy_key,
            shutting_down: Arc::default(),
        };
        #[cfg(feature = "fixture")]
        if state.config.demo {
            crate::demo::seed::seed(&state).await?;
        }
        // Each start names every union it cannot serve (service_unavailable
        // until its profile is fixed: `institution check`).
        for (code, why) in crate::admin::institutions::unparsable_profiles(&state.storage).await? {
            tracing::error!(institution = %code, %why, "a credit union's profile does not parse");
        }
        let demo = demo_app(&state).await?;
        // The console beside the customer's service, or on its own address.
        let (router, staff) = match state.config.staff.listen {
            None => (build_router(state.clone(), demo, Surface::Both), None),
            Some(addr) => (
                build_router(state.clone(), demo, Surface::Customer),
                Some((
                    TcpListener::bind(addr).await?,
                    build_router(state.clone(), None, Surface::Staff),
                )),
            ),
        };
        let metrics = match state.config.metrics_listen {
            None => None,
            Some(addr) => Some((
                TcpListener::bind(addr).await?,
                Router::new()
                    .route("/metrics", axum::routing::get(crate::telemetry::render))
                    .fallback(|| async { axum::http::StatusCode::NOT_FOUND }),
            )),
        };
        let mailer = Arc::new(crate::mail::Mailer::from_config(&state.config)?);
        Ok(Application {
            listener,
            router,
            staff,
            metrics,
            state,
            mailer,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The staff console's own address, when it has one.
    pub fn staff_addr(&self) -> Option<SocketAddr> {
        self.staff.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until ctrl-c / SIGTERM, finishing requests in flight.
    pub async fn run(self) -> std::io::Result<()> {
        self.serve_until(shutdown_signal()).await
    }

    /// Serves until the returned future is dropped (tests).
    pub async fn run_forever(self) -> std::io::Result<()> {
        self.serve_until(std::future::pending()).await
    }

    /// The accept loop. Each connection gets hyper's header-read timeout
    /// (a client trickling its headers is cut off); the whole-request
    /// timeout and admission are layers of the router. On `shutdown`, new
    /// connections stop and those in flight finish.
    async fn serve_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tokio::spawn(crate::mail::run_outbox(self.state.clone(), self.mailer));
        let header_timeout = std::time::Duration::from_secs(self.state.config.header_timeout_secs);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let state = self.state.clone();
        tokio::spawn(async move {
            shutdown.await;
            // Not ready from now on; keep serving for the drain delay, so
            // the load balancer sees it and sends no more, then stop
            // accepting and let what is in flight finish.
            state
                .shutting_down
                .store(true, std::sync::atomic::Ordering::Relaxed);
            tracing::info!(
                delay_secs = state.config.shutdown_delay_secs,
                "shutting down"
            );
            tokio::time::sleep(std::time::Duration::from_secs(
                state.config.shutdown_delay_secs,
            ))
            .await;
            let _ = stop.send(true);
        });
        let staff = self.staff.map(|(listener, router)| {
            tokio::spawn(accept_loop(
                listener,
                router,
                header_timeout,
                stopped.clone(),
            ))
        });
        let metrics = self.metrics.map(|(listener, router)| {
            tokio::spawn(accept_loop(
                listener,
                router,
                header_timeout,
                stopped.clone(),
            ))
        });
        accept_loop(self.listener, self.router, header_timeout, stopped).await;
        for side in [staff, metrics].into_iter().flatten() {
            let _ = side.await;
        }
        Ok(())
    }
}

/// One listener's accept loop, until `stop` turns true; then the
/// connections in flight finish.
async fn accept_loop(
    listener: TcpListener,
    router: Router,
    header_timeout: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::{Service, ServiceExt};

    let mut make = router.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            // The one change there is: false to true.
            _ = stop.changed() => break,
        };
        let Ok(router) = make.call(remote).await;
        let service = TowerToHyperService::new(router.map_request(
            |req: axum::http::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
        ));
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    graceful.shutdown().await;
}

/// What one listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// The customer's service and the staff console (no RENKEI_STAFF_LISTEN).
    Both,
    /// The customer's service only: `/staff` is not there at all.
    Customer,
    /// The staff console only (on RENKEI_STAFF_LISTEN).
    Staff,
}

/// The customer's service's API, each area's routes with their OpenAPI
/// description (`state` for the layers that need it; `None` when only the
/// description is wanted).
pub fn documented(state: Option<&AppState>) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .merge(http::documented())
        .merge(flow::router())
        .merge(oauth::router(state.cloned()))
        .merge(resource::router())
        .merge(telephony::router())
}

/// The OpenAPI document (`renkei-server openapi`, `/openapi.json`).
pub fn openapi_json() -> String {
    crate::openapi::to_json(&documented(None).into_openapi())
}

pub fn build_router(state: AppState, demo: Option<Router>, surface: Surface) -> Router {
    let dist = state.config.dist_dir.clone();
    // The CSP must allow Trunk's inline loader script by hash; read it once.
    // The staff console's own bundle has its own loader.
    let hashes: Vec<String> = [
        dist.join("index.html"),
        dist.join("staff").join("index.html"),
    ]
    .iter()
    .flat_map(|p| {
        std::fs::read_to_string(p)
            .map(|html| inline_script_hashes(&html))
            .unwrap_or_default()
    })
    .collect();
    let headers = Arc::new(SecurityHeaders::new(&hashes, state.config.secure_cookies()));

    let admission = crate::http::admission::Admission::new(state.config.max_inflight);
    let request_id_state = state.clone();
    let address_state = state.clone();
    let date_state = state.clone();
    let state_timeout = state.config.request_timeout_secs;
    let (documented, doc) = documented(Some(&state)).split_for_parts();
    let customer = documented.merge(http::router(
        demo.is_some(),
        // Outside demo mode /metrics is not public unless asked for.
        state.config.metrics_listen.is_none() && state.config.metrics_public,
        crate::openapi::to_json(&doc),
    ));
    // The staff console: its own bundle (dist/staff), its own routes.
    let staff = Router::new()
        .merge(crate::staff::router())
        .nest_service("/staff", http::spa(&dist.join("staff")));
    let api = match surface {
        // Anything else is the customer's SPA: its files, or index.html.
        Surface::Both => customer.merge(staff).fallback_service(http::spa(&dist)),
        // Not even the console's page: it lives on the staff listener.
        Surface::Customer => customer
            .route("/staff", axum::routing::any(not_found))
            .route("/staff/{*rest}", axum::routing::any(not_found))
            .fallback_service(http::spa(&dist)),
        Surface::Staff => staff.fallback(not_found),
    }
    .with_state(state);
    let app = match demo {
        Some(demo) => api.merge(demo),
        None => api,
    };
    // Each union's URLs (`/institutions/{code}/…`) are the same routes:
    // the prefix comes off before routing (so around the whole router).
    // Metrics name the route the inner router matched, so they count there.
    // Caching is decided there too, on the routed path (a union's
    // `/institutions/{code}/oauth/token` is `/oauth/token`).
    let app = Router::new()
        .fallback_service(
            app.layer(axum::middleware::from_fn(crate::telemetry::track))
                .layer(axum::middleware::from_fn(http::cache_control)),
        )
        .layer(from_fn_with_state(address_state, crate::tenancy::address));
    let timeout = std::time::Duration::from_secs(state_timeout);
    app.layer(RequestBodyLimitLayer::new(16 * 1024))
        // A client that sends its body a byte at a time gets 408 and lets
        // its admission slot go (the timeout sits inside admission).
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        // A bug that panics in a handler still answers system_error as JSON,
        // never an empty connection or an HTML 500.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(admission, crate::http::admission::admit))
        .layer(from_fn_with_state(headers, security_headers))
        .layer(from_fn_with_state(date_state, http::server_date))
        .layer(TraceLayer::new_for_http())
        // Outermost: every log line of a request, and its answer, name it.
        .layer(from_fn_with_state(
            request_id_state,
            crate::http::request_id::request_id,
        ))
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::Code(renkei_shared::ErrorCode::NotFound)
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!("handler panicked");
    crate::error::AppError::Code(renkei_shared::ErrorCode::SystemError).into_response()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    /// The committed contract is the one the code generates.
    #[test]
    fn docs_openapi_json_is_current() {
        let committed = include_str!("../../docs/openapi.json");
        assert!(
            committed.trim_end() == super::openapi_json().trim_end(),
            "docs/openapi.json is stale: run `cargo run -p renkei-server -- openapi > docs/openapi.json`"
        );
    }
}
