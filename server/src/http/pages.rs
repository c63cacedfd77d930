//! The few pages the server renders itself (the authorize error page and
//! the unavailable page). Plain HTML, no inline script or style, so the
//! strict CSP holds.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// The stylesheet for server-rendered pages, served at [`PAGES_CSS_PATH`].
pub const PAGES_CSS: &str = include_str!("../../../style/pages.css");
pub const PAGES_CSS_PATH: &str = "/assets/pages.css";

/// Escapes text for HTML element content and double-quoted attribute
/// values (every attribute here is double-quoted).
pub fn esc(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

/// A full page around `body` (already escaped HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body>{body}</body></html>",
        title = esc(title),
        css = PAGES_CSS_PATH,
    )
}

/// The error page shown when we must not redirect (unknown client, or a
/// redirect URI that is not registered: redirecting there would make us an
/// open redirector).
pub fn error_page(status: StatusCode, heading: &str, detail: &str) -> Response {
    let body = format!(
        "<main class=\"card\"><h1>{}</h1><p role=\"alert\">{}</p>\
         <p>お手数ですが、ご利用のアプリから操作をやり直して下さい。</p></main>",
        esc(heading),
        esc(detail)
    );
    (status, Html(page(heading, &body))).into_response()
}

/// A page that tells the customer why the linkage cannot start now, with
/// 連携元画面へ back to the app (used for service hours and disabled apps).
pub fn unavailable_page(message: &str, return_to: &str) -> Response {
    let body = format!(
        "<main class=\"card\"><h1>API連携認証</h1><p role=\"alert\">{}</p>\
         <p><a class=\"button\" href=\"{}\">連携元画面へ</a></p></main>",
        esc(message),
        esc(return_to)
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(page("API連携認証", &body)),
    )
        .into_response()
}

pub async fn pages_css() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        PAGES_CSS,
    )
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;'&amp;"
        );
    }
}
