//! `GET /api/institution`: the credit union's profile the screens show
//! (name, contact, terms, colour), read once at start from the settings.

use crate::tenancy::Union;
use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;

/// `GET /api/institution`.
#[utoipa::path(
    get,
    path = renkei_shared::api::INSTITUTION_PATH,
    tag = "flow",
    description = "The credit union whose screens these are.",
    responses((status = 200, description = "Its profile", body = renkei_shared::api::Institution))
)]
pub async fn institution(app: Union) -> impl IntoResponse {
    (
        // Changes only with a restart; a minute of caching spares the phone a round trip.
        [(header::CACHE_CONTROL, "public, max-age=60")],
        Json(app.institution.profile.public.clone()),
    )
}
