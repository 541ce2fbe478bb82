//! Orders from the bag: stock reserved, the order stored and its lines taken out of the bag, all
//! in one transaction; a retry with the same `Idempotency-Key` gets the same order back.
//!
//! A reservation lasts until the order's `pay_by`: paid (confirmed) by then, the stock is hers;
//! not, the order expires and the stock goes back (`expire_due`, run before every order and
//! payment and every half minute). A bag has at most `MAX_OPEN_ORDERS` awaiting payment.

use crate::bag::{self, BagKey};
use crate::db::Statement;
use crate::error::AppError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use shopbag_api::bag::{Change, Op, OpId, OpLog, MAX_LINES};
use shopbag_api::{
    DeliveryAddress, ErrorCode, Fulfilment, Localized, Money, Order, OrderLine, OrderRequest,
    OrderStatus, Sku, MAX_OPEN_ORDERS,
};
use sqlx::{AnyConnection, AnyPool, FromRow};
use std::collections::{HashMap, HashSet};

/// The `Idempotency-Key` header: 32 lowercase hex digits, one per order the shopper meant to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const HEADER: &'static str = "idempotency-key";

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .headers
            .get(Self::HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| OpId::parse(v).ok())
            .map(|id| IdempotencyKey(id.as_str().to_string()))
            .ok_or_else(|| {
                AppError::bad_request(
                    "send `Idempotency-Key: <32 lowercase hex digits>`, the same on every retry",
                )
            })
    }
}

/// Whether the order was placed now or by an earlier request with the same key.
pub enum Placed {
    New(Order),
    Again(Order),
}

/// Longest delivery details we keep; longer is not an address a shopper typed.
const MAX_NAME_CHARS: usize = 100;
const MAX_PHONE_CHARS: usize = 32;
const MAX_ADDRESS_CHARS: usize = 500;

/// Checks what can be checked without the bag: lines named once, delivery details filled in.
fn check(request: &OrderRequest) -> Result<(), AppError> {
    if request.skus.is_empty() {
        return Err(AppError::invalid_order(
            "name at least one bag line to order",
        ));
    }
    if request.skus.len() > MAX_LINES {
        return Err(AppError::invalid_order(format!(
            "an order holds at most {MAX_LINES} lines"
        )));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = request.skus.iter().find(|sku| !seen.insert(sku.as_str())) {
        return Err(AppError::invalid_order(format!("{twice} is named twice")));
    }
    if let Fulfilment::Delivery { address } = &request.fulfilment {
        let DeliveryAddress {
            name,
            phone,
            address,
        } = address;
        for (field, value, max) in [
            ("name", name, MAX_NAME_CHARS),
            ("phone", phone, MAX_PHONE_CHARS),
            ("address", address, MAX_ADDRESS_CHARS),
        ] {
            if value.trim().is_empty() {
                return Err(AppError::invalid_order(format!(
                    "the delivery {field} is empty"
                )));
            }
            if value.chars().count() > max {
                return Err(AppError::invalid_order(format!(
                    "the delivery {field} is longer than {max} characters"
                )));
            }
        }
    }
    Ok(())
}

/// Places the order, or finds the one an earlier request with the same key placed.
pub async fn place(
    state: &AppState,
    bag: &BagKey,
    key: &IdempotencyKey,
    request: &OrderRequest,
) -> Result<Placed, AppError> {
    // A retry usually finds its order here, without waiting for the writer's turn.
    {
        let mut conn = state.pool.acquire().await?;
        if let Some(order) = earlier(&mut conn, bag, key, request).await? {
            return Ok(Placed::Again(order));
        }
    }
    check(request)?;
    if let Fulfilment::Pickup { store_id } = &request.fulfilment {
        if crate::catalog::store(&state.pool, store_id)
            .await?
            .is_none()
        {
            return Err(AppError::invalid_order(format!("no store `{store_id}`")));
        }
    }
    let mut tx = state.writer.begin().await?;
    let result = place_in(&mut tx, bag, key, request, state.pay_within_ms).await;
    tx.finish(result).await
}

/// The order this bag placed with this key, if the request asks for the same thing.
async fn earlier(
    conn: &mut AnyConnection,
    bag: &BagKey,
    key: &IdempotencyKey,
    request: &OrderRequest,
) -> Result<Option<Order>, AppError> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, request FROM orders WHERE bag = $1 AND idempotency_key = $2")
            .bind(bag.as_bytes())
            .bind(key.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, stored)) = row else {
        return Ok(None);
    };
    let first: OrderRequest = serde_json::from_str(&stored).map_err(|error| {
        tracing::error!(%error, "a stored order request does not parse");
        AppError::internal()
    })?;
    if first != *request {
        return Err(AppError::invalid_order(
            "this Idempotency-Key already placed a different order; use a new key for a new order",
        ));
    }
    Ok(Some(load(conn, id).await?))
}

/// A variant as the order copies it from the catalogue.
#[derive(FromRow)]
struct VariantRow {
    sku: String,
    product_id: String,
    name_zh: String,
    name_en: String,
    colour_zh: String,
    colour_en: String,
    size: String,
    price: i64,
}

async fn variants(
    conn: &mut AnyConnection,
    skus: &[Sku],
) -> Result<HashMap<String, VariantRow>, AppError> {
    let mut query = Statement::new(
        "SELECT v.sku, v.product_id, p.name_zh, p.name_en, c.name_zh AS colour_zh, \
         c.name_en AS colour_en, v.size, v.price FROM variants v \
         JOIN products p ON p.id = v.product_id \
         JOIN product_colours c ON c.product_id = v.product_id AND c.code = v.colour \
         WHERE v.sku IN ",
    );
    query.list(skus.iter().map(Sku::to_string));
    let rows: Vec<VariantRow> = query.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.sku.clone(), r)).collect())
}

/// Takes `quantity` of `sku` from where the order is fulfilled; false when there is not enough.
/// The condition in the UPDATE is what keeps stock from going negative.
async fn reserve(
    conn: &mut AnyConnection,
    fulfilment: &Fulfilment,
    sku: &Sku,
    quantity: u8,
) -> Result<bool, AppError> {
    let quantity = i64::from(quantity);
    let result = match fulfilment {
        Fulfilment::Pickup { store_id } => {
            sqlx::query(
                "UPDATE stock SET quantity = quantity - $1 \
                 WHERE sku = $2 AND store_id = $3 AND quantity >= $4",
            )
            .bind(quantity)
            .bind(sku.as_str())
            .bind(store_id.as_str())
            .bind(quantity)
            .execute(&mut *conn)
            .await?
        }
        Fulfilment::Delivery { .. } => {
            sqlx::query(
                "UPDATE variants SET online_stock = online_stock - $1 \
                 WHERE sku = $2 AND online_stock >= $3",
            )
            .bind(quantity)
            .bind(sku.as_str())
            .bind(quantity)
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

async fn place_in(
    conn: &mut AnyConnection,
    bag: &BagKey,
    key: &IdempotencyKey,
    request: &OrderRequest,
    pay_within_ms: i64,
) -> Result<Placed, AppError> {
    // Again under the writer's turn: two retries racing each other place one order.
    if let Some(order) = earlier(conn, bag, key, request).await? {
        return Ok(Placed::Again(order));
    }
    let created_at = crate::now_ms();
    // Stock held by unpaid orders past their deadline is free again before this one reserves.
    expire_due_in(conn, created_at).await?;
    room_for_one_more(conn, bag).await?;
    let mut log = bag::log(conn, bag).await?;
    let lines = log.lines();
    let quantities: HashMap<&str, u8> =
        lines.iter().map(|l| (l.sku.as_str(), l.quantity)).collect();
    let missing: Vec<&str> = request
        .skus
        .iter()
        .map(Sku::as_str)
        .filter(|sku| !quantities.contains_key(sku))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid_order(format!(
            "not in the bag: {}",
            missing.join(", ")
        )));
    }
    let catalogue = variants(conn, &request.skus).await?;
    if let Some(gone) = request
        .skus
        .iter()
        .find(|sku| !catalogue.contains_key(sku.as_str()))
    {
        return Err(AppError::invalid_order(format!("{gone} is no longer sold")));
    }
    reserve_every_line(conn, request, &quantities).await?;
    let ordered = Ordered {
        key,
        bag,
        request,
        catalogue: &catalogue,
        quantities: &quantities,
        created_at,
        pay_by: created_at.saturating_add(pay_within_ms),
    };
    let id = ordered.write(conn).await?;
    take_out_of_bag(conn, bag, &mut log, &request.skus, created_at).await?;
    Ok(Placed::New(load(conn, id).await?))
}

/// A bag may have only so many orders waiting for payment.
async fn room_for_one_more(conn: &mut AnyConnection, bag: &BagKey) -> Result<(), AppError> {
    let (open,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM orders WHERE bag = $1 AND status = 'awaiting_payment'",
    )
    .bind(bag.as_bytes())
    .fetch_one(&mut *conn)
    .await?;
    if open >= MAX_OPEN_ORDERS as i64 {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::TooManyOpenOrders,
            format!("this bag has {open} orders awaiting payment; pay or let one expire first"),
        ));
    }
    Ok(())
}

/// Every line's stock, held for the order, or a refusal naming the lines without enough.
async fn reserve_every_line(
    conn: &mut AnyConnection,
    request: &OrderRequest,
    quantities: &HashMap<&str, u8>,
) -> Result<(), AppError> {
    let mut sold_out = Vec::new();
    for sku in &request.skus {
        if !reserve(conn, &request.fulfilment, sku, quantities[sku.as_str()]).await? {
            sold_out.push(sku.as_str());
        }
    }
    if sold_out.is_empty() {
        return Ok(());
    }
    let place = match &request.fulfilment {
        Fulfilment::Pickup { store_id } => format!("at {store_id}"),
        Fulfilment::Delivery { .. } => "online".to_string(),
    };
    Err(AppError::sold_out(format!(
        "not enough stock {place} for {}",
        sold_out.join(", ")
    )))
}

/// An order checked and reserved, ready to be written.
struct Ordered<'a> {
    key: &'a IdempotencyKey,
    bag: &'a BagKey,
    request: &'a OrderRequest,
    catalogue: &'a HashMap<String, VariantRow>,
    quantities: &'a HashMap<&'a str, u8>,
    created_at: i64,
    pay_by: i64,
}

impl Ordered<'_> {
    /// Writes the order and its lines (names and prices as they are now); its id.
    async fn write(&self, conn: &mut AnyConnection) -> Result<i64, AppError> {
        let (request, catalogue, quantities) = (self.request, self.catalogue, self.quantities);
        // The next number of a sequence that never gives one twice (see the migration).
        let (id,): (i64,) = sqlx::query_as("INSERT INTO order_numbers DEFAULT VALUES RETURNING id")
            .fetch_one(&mut *conn)
            .await?;
        let total: Money = request
            .skus
            .iter()
            .map(|sku| {
                Money::fen(catalogue[sku.as_str()].price) * u32::from(quantities[sku.as_str()])
            })
            .sum();
        sqlx::query(
            "INSERT INTO orders (id, number, bag, idempotency_key, request, status, fulfilment, \
             total, created_at, pay_by) \
             VALUES ($1, $2, $3, $4, $5, 'awaiting_payment', $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(order_number(id, self.created_at))
        .bind(self.bag.as_bytes())
        .bind(self.key.as_str())
        .bind(to_json(request)?)
        .bind(to_json(&request.fulfilment)?)
        .bind(total.as_fen())
        .bind(self.created_at)
        .bind(self.pay_by)
        .execute(&mut *conn)
        .await?;

        let mut insert = Statement::new(
            "INSERT INTO order_lines (order_id, position, sku, product_id, name_zh, name_en, \
             colour_zh, colour_en, size, quantity, unit_price)",
        );
        insert.values(request.skus.iter().enumerate(), |row, (position, sku)| {
            let v = &catalogue[sku.as_str()];
            row.bind(id)
                .bind(position as i64)
                .bind(v.sku.clone())
                .bind(v.product_id.clone())
                .bind(v.name_zh.clone())
                .bind(v.name_en.clone())
                .bind(v.colour_zh.clone())
                .bind(v.colour_en.clone())
                .bind(v.size.clone())
                .bind(i64::from(quantities[sku.as_str()]))
                .bind(v.price);
        });
        insert.build().execute(&mut *conn).await?;
        Ok(id)
    }
}

/// The ordered lines leave the bag the way a device would remove them: a removal of the adds
/// seen now, so an add another device makes meanwhile still survives.
async fn take_out_of_bag(
    conn: &mut AnyConnection,
    bag: &BagKey,
    log: &mut OpLog,
    skus: &[Sku],
    at: i64,
) -> Result<(), AppError> {
    let mut removals = Vec::with_capacity(skus.len());
    for sku in skus {
        removals.push(Op {
            id: bag::new_op_id()?,
            at,
            change: Change::Remove {
                sku: sku.clone(),
                observed: log.live_adds(sku),
            },
        });
    }
    for removal in &removals {
        log.insert(removal.clone());
    }
    bag::append(conn, bag, &removals.iter().collect::<Vec<_>>()).await
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|error| {
        tracing::error!(%error, "an order does not serialise");
        AppError::internal()
    })
}

#[derive(FromRow)]
struct OrderRow {
    number: String,
    status: String,
    pay_by: i64,
    fulfilment: String,
    total: i64,
    created_at: i64,
}

#[derive(FromRow)]
struct LineRow {
    sku: String,
    product_id: String,
    name_zh: String,
    name_en: String,
    colour_zh: String,
    colour_en: String,
    size: String,
    quantity: i64,
    unit_price: i64,
}

/// The stored order, in the contract's shape.
async fn load(conn: &mut AnyConnection, id: i64) -> Result<Order, AppError> {
    let row: OrderRow = sqlx::query_as(
        "SELECT number, status, pay_by, fulfilment, total, created_at FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT sku, product_id, name_zh, name_en, colour_zh, colour_en, size, quantity, \
         unit_price FROM order_lines WHERE order_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let fulfilment: Fulfilment = serde_json::from_str(&row.fulfilment).map_err(|error| {
        tracing::error!(%error, "a stored fulfilment does not parse");
        AppError::internal()
    })?;
    Ok(Order {
        number: row.number,
        // Expired at its deadline even before the sweep has given the stock back.
        status: status_of(&row.status)?.at(row.pay_by, crate::now_ms()),
        pay_by: row.pay_by,
        lines: lines
            .into_iter()
            .map(|l| OrderLine {
                sku: l.sku.into(),
                product_id: l.product_id.into(),
                name: Localized::new(l.name_zh, l.name_en),
                colour: Localized::new(l.colour_zh, l.colour_en),
                size: l.size,
                // The column's CHECK keeps it within 1–99.
                quantity: u8::try_from(l.quantity).unwrap_or(u8::MAX),
                unit_price: Money::fen(l.unit_price),
            })
            .collect(),
        total: Money::fen(row.total),
        fulfilment,
        created_at: row.created_at,
    })
}

/// The order with this number, if this bag placed it. Another bag's order is simply not found.
pub async fn find(pool: &AnyPool, bag: &BagKey, number: &str) -> Result<Option<Order>, AppError> {
    let mut conn = pool.acquire().await?;
    let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE number = $1 AND bag = $2")
        .bind(number)
        .bind(bag.as_bytes())
        .fetch_optional(&mut *conn)
        .await?;
    match id {
        Some((id,)) => Ok(Some(load(&mut conn, id).await?)),
        None => Ok(None),
    }
}

/// The status column's text (its CHECK allows these three only).
fn status_of(text: &str) -> Result<OrderStatus, AppError> {
    match text {
        "awaiting_payment" => Ok(OrderStatus::AwaitingPayment),
        "confirmed" => Ok(OrderStatus::Confirmed),
        "expired" => Ok(OrderStatus::Expired),
        other => {
            tracing::error!(status = other, "an order has an unknown status");
            Err(AppError::internal())
        }
    }
}

/// Expires every unpaid order past its deadline and gives its stock back.
pub async fn expire_due(state: &AppState) -> Result<usize, AppError> {
    let mut tx = state.writer.begin().await?;
    let result = expire_due_in(&mut tx, crate::now_ms()).await;
    tx.finish(result).await
}

async fn expire_due_in(conn: &mut AnyConnection, now: i64) -> Result<usize, AppError> {
    let due: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, fulfilment FROM orders WHERE status = 'awaiting_payment' AND pay_by <= $1",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    for (id, fulfilment) in &due {
        let fulfilment: Fulfilment = serde_json::from_str(fulfilment).map_err(|error| {
            tracing::error!(%error, "a stored fulfilment does not parse");
            AppError::internal()
        })?;
        let lines: Vec<(String, i64)> =
            sqlx::query_as("SELECT sku, quantity FROM order_lines WHERE order_id = $1")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
        for (sku, quantity) in lines {
            release(conn, &fulfilment, &sku.into(), quantity).await?;
        }
        sqlx::query("UPDATE orders SET status = 'expired' WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(due.len())
}

/// When the next unpaid order reaches its deadline, if any awaits payment.
pub async fn next_deadline(pool: &AnyPool) -> Result<Option<i64>, AppError> {
    let (due,): (Option<i64>,) =
        sqlx::query_as("SELECT MIN(pay_by) FROM orders WHERE status = 'awaiting_payment'")
            .fetch_one(pool)
            .await?;
    Ok(due)
}

/// Puts `quantity` of `sku` back where [`reserve`] took it from.
async fn release(
    conn: &mut AnyConnection,
    fulfilment: &Fulfilment,
    sku: &Sku,
    quantity: i64,
) -> Result<(), AppError> {
    match fulfilment {
        Fulfilment::Pickup { store_id } => {
            sqlx::query(
                "UPDATE stock SET quantity = quantity + $1 WHERE sku = $2 AND store_id = $3",
            )
            .bind(quantity)
            .bind(sku.as_str())
            .bind(store_id.as_str())
            .execute(&mut *conn)
            .await?
        }
        Fulfilment::Delivery { .. } => {
            sqlx::query("UPDATE variants SET online_stock = online_stock + $1 WHERE sku = $2")
                .bind(quantity)
                .bind(sku.as_str())
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(())
}

/// Payment for the order with this number, if this bag placed it: confirmed, or `order_expired`.
pub async fn pay(state: &AppState, bag: &BagKey, number: &str) -> Result<Option<Order>, AppError> {
    let mut tx = state.writer.begin().await?;
    let result = pay_in(&mut tx, bag, number).await;
    tx.finish(result).await
}

async fn pay_in(
    conn: &mut AnyConnection,
    bag: &BagKey,
    number: &str,
) -> Result<Option<Order>, AppError> {
    let now = crate::now_ms();
    expire_due_in(conn, now).await?;
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, status, pay_by FROM orders WHERE number = $1 AND bag = $2")
            .bind(number)
            .bind(bag.as_bytes())
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, status, pay_by)) = row else {
        return Ok(None);
    };
    match status_of(&status)?.pay(pay_by, now) {
        Ok(_) => {
            sqlx::query("UPDATE orders SET status = 'confirmed' WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            Ok(Some(load(conn, id).await?))
        }
        Err(_) => Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::OrderExpired,
            format!("order {number} was not paid in time; its stock went back to the shelf"),
        )),
    }
}

/// `SB20261126-000042`: the Shanghai date of the order and its sequence number.
pub fn order_number(id: i64, created_at_ms: i64) -> String {
    let date = shopbag_api::Timestamp(created_at_ms).in_store();
    format!("SB{:04}{:02}{:02}-{id:06}", date.year, date.month, date.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_shanghai_date() {
        // 2026-11-25T16:30:00Z is 00:30 on the 26th in Shanghai.
        assert_eq!(order_number(42, 1_795_624_200_000), "SB20261126-000042");
        assert_eq!(order_number(1_234_567, 0), "SB19700101-1234567");
    }

    fn delivery(name: &str) -> OrderRequest {
        OrderRequest {
            skus: vec!["P0001-BLK-M".into()],
            fulfilment: Fulfilment::Delivery {
                address: DeliveryAddress {
                    name: name.into(),
                    phone: "13800000000".into(),
                    address: "上海市静安区南京西路 1 号".into(),
                },
            },
        }
    }

    #[test]
    fn checks_the_request_shape() {
        assert!(check(&delivery("王芳")).is_ok());
        assert!(check(&delivery("  ")).is_err());
        let mut twice = delivery("王芳");
        twice.skus.push("P0001-BLK-M".into());
        assert!(check(&twice).is_err());
        let mut none = delivery("王芳");
        none.skus.clear();
        assert!(check(&none).is_err());
    }
}
