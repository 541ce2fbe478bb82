//! The `/api/v1` endpoints, one module per resource.

mod bag;
mod codes;
mod health;
mod looks;
mod orders;
mod pictures;
mod products;
mod promotions;
mod reminders;
mod stores;

use crate::AppState;
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
        .routes(routes!(orders::place))
        .routes(routes!(orders::order))
        .routes(routes!(orders::confirm));
    // Test builds only: the route does not exist otherwise.
    #[cfg(feature = "fault-injection")]
    let router = router.routes(routes!(crate::faults::set));
    router
}
