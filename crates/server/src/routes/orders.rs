//! `POST /orders` (idempotent, from bag lines), `GET /orders/{number}` and
//! `POST /orders/{number}/confirm` (the reference server's payment).

use crate::bag::BagKey;
use crate::error::{ApiJson, ApiPath, AppError};
use crate::orders::{self, IdempotencyKey, Placed};
use crate::throttle::ClientAddr;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use shopbag_api::{ErrorResponse, Order, OrderRequest, API_PREFIX};

#[utoipa::path(
    post,
    path = "/orders",
    tag = "orders",
    security(("bag_token" = [])),
    params((
        "Idempotency-Key" = String,
        Header,
        pattern = "^[0-9a-f]{32}$",
        description = "32 lowercase hex digits, made once per order and sent again on every retry"
    )),
    request_body = OrderRequest,
    responses(
        (status = 201, description = "Placed: stock reserved until `pay_by`, the lines left the bag", body = Order,
         headers(("Location" = String, description = "Where the order can be read again"))),
        (status = 200, description = "Placed earlier with the same key and the same request", body = Order),
        (status = 400, description = "No or malformed `Idempotency-Key` (`bad_request`), broken JSON", body = ErrorResponse),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 409, description = "Nothing reserved: not enough stock where asked (`sold_out`, the \
                                      message names the skus), or the bag already has 3 orders \
                                      awaiting payment (`too_many_open_orders`)", body = ErrorResponse),
        (status = 422, description = "`invalid_order`: no lines, a sku that is not a line of the bag, \
                                      an unknown store, empty delivery details, or the key was used \
                                      for a different request", body = ErrorResponse),
        (status = 429, description = "Too many writes for this bag or orders from this address \
                                      (`too_many_requests`); `Retry-After` says when to try again", body = ErrorResponse),
    )
)]
pub async fn place(
    State(state): State<AppState>,
    client: ClientAddr,
    bag: BagKey,
    key: IdempotencyKey,
    ApiJson(request): ApiJson<OrderRequest>,
) -> Result<Response, AppError> {
    state.throttle.write(&bag, client).await?;
    state.throttle.order(client).await?;
    Ok(match orders::place(&state, &bag, &key, &request).await? {
        Placed::New(order) => {
            let location = format!("{API_PREFIX}/orders/{}", order.number);
            (
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(order),
            )
                .into_response()
        }
        Placed::Again(order) => Json(order).into_response(),
    })
}

#[utoipa::path(
    get,
    path = "/orders/{number}",
    tag = "orders",
    security(("bag_token" = [])),
    params(("number" = String, Path, description = "Order number, e.g. `SB20261126-000042`")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 404, description = "No order with this number was placed with this bag", body = ErrorResponse),
    )
)]
pub async fn order(
    State(state): State<AppState>,
    bag: BagKey,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Order>, AppError> {
    orders::find(&state.pool, &bag, &number)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("no order {number} in this bag")))
}

#[utoipa::path(
    post,
    path = "/orders/{number}/confirm",
    tag = "orders",
    security(("bag_token" = [])),
    params(("number" = String, Path, description = "Order number, e.g. `SB20261126-000042`")),
    responses(
        (status = 200, description = "Paid: the order is confirmed (again, for a payment sent twice)", body = Order),
        (status = 401, description = "No bag token, or not 32 lowercase hex digits (`unauthorized`)", body = ErrorResponse),
        (status = 404, description = "No order with this number was placed with this bag", body = ErrorResponse),
        (status = 409, description = "Not paid before `pay_by`: the order expired and its stock went \
                                      back (`order_expired`)", body = ErrorResponse),
        (status = 429, description = "Too many writes for this bag or from this address \
                                      (`too_many_requests`)", body = ErrorResponse),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    client: ClientAddr,
    bag: BagKey,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Order>, AppError> {
    state.throttle.write(&bag, client).await?;
    orders::pay(&state, &bag, &number)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("no order {number} in this bag")))
}
