//! The demo fintech app mounted at `/demo` (builds with the `demo` feature,
//! `RENKEI_DEMO=1` only). The app is its own crate and talks to this server
//! over HTTP at the public URL; all this does is open it with its own
//! storage next to the bank's, register it the way staff would
//! (`client add --jwks-file`, PAR and DPoP required), and serve its pages
//! on the same address so `make run` is one command.

use crate::admin::Context;
use crate::admin::clients::{ClientKeys, ClientOptions};
use crate::state::AppState;
use axum::Router;

/// The demo app's database: beside the bank's SQLite file, or under
/// `data/` (`RENKEI_DEMO_APP_DB` overrides).
fn database_url(app: &AppState) -> String {
    if let Some(url) = &app.config.demo_app_db {
        return url.clone();
    }
    let bank = &app.config.database_url;
    let dir = crate::db::sqlite_path(bank)
        .and_then(|p| std::path::Path::new(p).parent())
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "data".to_owned());
    format!("sqlite://{dir}/demo-app.db")
}

pub async fn mount(app: &AppState) -> anyhow::Result<Router> {
    let clock = app.clock.clone();
    // The platform's unions, the first (the root URLs') first, each by its
    // issuer: what しんくみアプリ would list.
    let mut unions = Vec::new();
    for row in app.storage.institutions(None, None, 1000).await? {
        let issuer = if row.id == app.root.0 {
            app.config.issuer()
        } else {
            format!(
                "{}{}{}",
                app.config.issuer(),
                renkei_shared::api::INSTITUTIONS_PREFIX,
                row.code
            )
        };
        unions.push(renkei_demo::Union {
            code: row.code,
            name: row.name,
            issuer,
        });
    }
    unions.sort_by_key(|u| u.issuer.len());
    let demo = renkei_demo::Demo::open(renkei_demo::Settings {
        issuer: app.config.issuer(),
        unions,
        database_url: database_url(app),
        telephony_secret: app.config.telephony.secret.clone(),
        callback_number: app.config.telephony.callback_number.clone(),
        callback_numbers: app.config.telephony.callback_numbers.clone(),
        secure_cookies: app.config.secure_cookies(),
        clock: std::sync::Arc::new(move || clock.now()),
    })
    .await?;
    let r = demo.registration();
    let staff = Context::new(
        app.storage.clone(),
        app.storage.tenant(app.root.0),
        app.clock.now(),
    );
    let options = ClientOptions {
        keys: Some(ClientKeys::Uploaded(r.jwks)),
        require_par: true,
        require_dpop: true,
    };
    staff
        .register(r.client_id, r.name, &[r.redirect_uri], &options, None)
        .await?;
    crate::demo::seed::enable_everywhere(app, r.client_id).await?;
    Ok(demo.router())
}
