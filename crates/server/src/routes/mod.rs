//! The `/api/v1` endpoints, one module per resource.

mod auth;
mod bag;
mod codes;
mod handoff;
mod health;
mod looks;
mod member;
mod orders;
mod pictures;
mod pos;
mod products;
mod promotions;
mod reminders;
mod stores;
mod visual;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use shopbag_api::visual::MAX_PHOTO_BYTES;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every v1 route with its OpenAPI description, relative to [`shopbag_api::API_PREFIX`].
pub fn v1() -> OpenApiRouter<AppState> {
    let router = OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(codes::lookup))
        .routes(routes!(codes::resolve))
        .routes(routes!(products::search))
        .routes(routes!(products::product))
        .routes(routes!(pictures::picture))
        .routes(routes!(looks::looks))
        .routes(routes!(promotions::calendar))
        .routes(routes!(reminders::list, reminders::create))
        .routes(routes!(reminders::forget))
        .routes(routes!(reminders::seen))
        .routes(routes!(stores::list))
        .routes(routes!(stores::store))
        .routes(routes!(bag::bag))
        .routes(routes!(bag::ops))
        .routes(routes!(handoff::offer))
        .routes(routes!(handoff::latest))
        .routes(routes!(handoff::open))
        .routes(routes!(handoff::claim))
        .routes(routes!(orders::place))
        .routes(routes!(orders::order))
        .routes(routes!(orders::confirm))
        .routes(routes!(auth::code))
        .routes(routes!(auth::sign_in))
        .routes(routes!(auth::host_token))
        .routes(routes!(auth::sign_out))
        .routes(routes!(member::me, member::erase))
        .routes(routes!(member::history))
        .routes(routes!(member::consent))
        .routes(routes!(member::export))
        .routes(routes!(member::register_device))
        .routes(routes!(member::pause))
        .routes(routes!(member::resume))
        .routes(routes!(pos::verify))
        .routes(routes!(pos::purchase))
        .routes(routes!(visual::product_photo))
        .routes(routes!(visual::forget))
        .merge(photo_uploads());
    // Test builds only: the route does not exist otherwise.
    #[cfg(feature = "fault-injection")]
    let router = router.routes(routes!(crate::faults::set));
    router
}

/// The routes that read a photo: larger than any JSON body, so they have a limit of their own
/// (every other route keeps the API's).
fn photo_uploads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(visual::search))
        .routes(routes!(visual::photos, visual::enrol))
        .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES))
}
