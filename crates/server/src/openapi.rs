//! The OpenAPI document at `/api/v1/openapi.json`, generated from the handlers' annotations.

use crate::{routes, AppState};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use shopbag_api::{ErrorBody, ErrorCode, ErrorResponse, API_PREFIX};
use std::sync::Arc;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, Response, ResponseBuilder};
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
        (name = "visual search", description = "Find a garment by a photo of it; store staff enrol products' photos"),
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

/// The answers every operation can give before its handler runs, added where its own annotation
/// does not already say them (with its own words): its JSON body can be malformed (400), too
/// large (413), not JSON (415) or the wrong shape (422); a path or query parameter or a header
/// can fail to parse (400); a bag token it needs can be missing or malformed (401). A client
/// generated from the document then expects every answer the server gives.
struct ExtractorAnswers;

impl Modify for ExtractorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, why) in extractor_answers(operation) {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error_response(why).into());
                }
            }
        }
    }
}

fn extractor_answers(operation: &Operation) -> Vec<(u16, &'static str)> {
    let mut answers = Vec::new();
    if operation.request_body.is_some() {
        answers.extend([
            (400, "The body is not JSON (`invalid_json`)"),
            (
                413,
                "The body is over the API's size limit (`payload_too_large`)",
            ),
            (
                415,
                "The body is not sent as `application/json` (`unsupported_media_type`)",
            ),
            (
                422,
                "The body is not of the documented shape (`invalid_json`)",
            ),
        ]);
    }
    let parsed = operation.parameters.iter().flatten().any(|p| {
        matches!(
            p.parameter_in,
            ParameterIn::Path | ParameterIn::Query | ParameterIn::Header
        )
    });
    if parsed {
        answers.push((400, "A parameter that does not parse (`bad_request`)"));
    }
    // A requirement that is empty (`{}`) makes the token optional.
    let needs_token = operation.security.as_ref().is_some_and(|requirements| {
        requirements.iter().all(|requirement| {
            serde_json::to_value(requirement).is_ok_and(|v| v.get("bag_token").is_some())
        })
    });
    if needs_token {
        answers.push((401, "No bag token, or not 32 lowercase hex digits"));
    }
    answers
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorResponse")))
                .build(),
        )
        .build()
}

/// The v1 routes under their prefix, plus `openapi.json` describing them.
pub fn api_routes() -> Router<AppState> {
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(API_PREFIX, routes::v1())
        .split_for_parts();
    // After the routes joined: their operations are what it completes.
    ExtractorAnswers.modify(&mut document);
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
