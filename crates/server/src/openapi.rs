//! The OpenAPI document at `/api/v1/openapi.json`, generated from the handlers' annotations.

use crate::{routes, AppState};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use shopbag_api::{ErrorBody, ErrorCode, ErrorResponse, API_PREFIX};
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shopbag API",
        description = "Reference REST API of shopbag: scanned hang-tag codes, products, stock and \
                       stores of a Shanghai fashion store group, pictures, looks, the festivals' \
                       calendar, the shopper's bag and orders from it. Every error answers \
                       `{\"error\":{\"code\":\"…\",\"message\":\"…\"}}`."
    ),
    modifiers(&BagTokenScheme),
    tags(
        (name = "health", description = "Readiness"),
        (name = "codes", description = "From a scanned code to the variant it names"),
        (name = "products", description = "Catalogue search and product detail with stock"),
        (name = "stores", description = "The store group's shops"),
        (name = "looks", description = "Complete the look: what to wear with a product or a bag"),
        (name = "promotions", description = "The shopping festivals' calendar and price rules"),
        (name = "reminders", description = "Remind me: a festival's prices start, a size is back, a price drops"),
        (name = "bag", description = "The shopper's bag: a replicated log of idempotent operations"),
        (name = "handoffs", description = "A kiosk's bag taken along: claim codes, their status, claiming on a phone"),
        (name = "orders", description = "Orders from bag lines, delivered or picked up in a store"),
        (name = "members", description = "Sign-in, her member code's devices, her history, consent, export and erasure"),
        (name = "till", description = "Store staff: verify a member code, confirm her purchase"),
        (name = "test", description = "Fault switch of test builds (feature `fault-injection`)"),
    ),
    components(schemas(ErrorResponse, ErrorBody, ErrorCode))
)]
struct ApiDoc;

/// `bag_token`: the 32-hex-digit secret the app makes for an anonymous bag, sent as a bearer token.
struct BagTokenScheme;

impl Modify for BagTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bag_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "128 random bits as 32 lowercase hex digits, made and kept by the app",
                    ))
                    .build(),
            ),
        );
    }
}

/// The v1 routes under their prefix, plus `openapi.json` describing them.
pub fn api_routes() -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(API_PREFIX, routes::v1())
        .split_for_parts();
    // Rendered once: the document only changes with the code.
    let json: Arc<str> = document
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
        .into();
    router.route(
        &format!("{API_PREFIX}/openapi.json"),
        get(move || {
            let json = json.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    json.to_string(),
                )
                    .into_response()
            }
        }),
    )
}
