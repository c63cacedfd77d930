//! The demo app's pages are plain server-rendered HTML: escaping, and the
//! frame around a page.

use axum::response::Html;

/// Escapes text for HTML content and double-quoted attribute values.
pub fn esc(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

/// A full page around `body` (already escaped HTML). The stylesheet is
/// Renkei's server-rendered pages' one, on the same origin.
pub fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/assets/pages.css\"></head>\
         <body>{body}</body></html>",
        esc(title),
    ))
}
