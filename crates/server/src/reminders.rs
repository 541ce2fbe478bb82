//! Reminders kept per bag, and the server's decision of when each is due: a festival's prices
//! started (its calendar), her size came back (stock), the price dropped (prices, festival
//! prices included). Decided from the data when the bag asks, and written down once decided, so
//! a restock stays told even if the size sells out again before she looks.

use crate::bag::BagKey;
use crate::error::AppError;
use crate::{catalog, promotions, AppState};
use axum::http::StatusCode;
use shopbag_api::promotions::{unit_price, Calendar, PhaseKind, PricedLine, Promotion};
use shopbag_api::reminders::{
    Due, Reminder, ReminderKind, ReminderRequest, RemindersResponse, MAX_REMINDERS,
};
use shopbag_api::{
    product_id_of, ErrorCode, Localized, Money, Product, Sku, StoreId, Timestamp, Variant,
};
use sqlx::{AnyConnection, AnyPool, FromRow};

#[derive(FromRow)]
struct Row {
    id: i64,
    #[sqlx(try_from = "String")]
    sku: Sku,
    name_zh: String,
    name_en: String,
    kind: String,
    store_id: Option<String>,
    promotion_id: Option<String>,
    baseline_fen: Option<i64>,
    due_at: Option<i64>,
    due_was_fen: Option<i64>,
    due_now_fen: Option<i64>,
    seen_at: Option<i64>,
}

const COLUMNS: &str = "SELECT r.id, r.sku, p.name_zh, p.name_en, r.kind, r.store_id, \
                       r.promotion_id, r.baseline_fen, r.due_at, r.due_was_fen, r.due_now_fen, \
                       r.seen_at FROM reminders r JOIN variants v ON v.sku = r.sku \
                       JOIN products p ON p.id = v.product_id";

/// The first phase of a festival with prices: what "when the prices start" waits for.
fn prices_start(promotion: &Promotion) -> Option<Timestamp> {
    promotion
        .phases
        .iter()
        .filter(|p| p.kind != PhaseKind::WarmUp)
        .map(|p| p.starts_at)
        .min()
}

/// What one unit of `variant` costs at `now`, festival prices included (`calendar` holds its
/// event prices).
fn price_now(calendar: &Calendar, product: &Product, variant: &Variant, now: Timestamp) -> Money {
    let line = PricedLine {
        sku: &variant.sku,
        category: product.category,
        list_price: variant.price,
        event_prices: &calendar.event_prices,
        quantity: 1,
        deposit_paid: false,
    };
    unit_price(calendar.current(now), &line, now)
}

/// Whether what `row` waits for has happened at `now`, and what to tell her.
fn decide(row: &Row, calendar: &Calendar, product: &Product, now: Timestamp) -> Option<Due> {
    let variant = product.variants.iter().find(|v| v.sku == row.sku)?;
    let due = |was: Option<Money>, price: Option<Money>| Due {
        at: now,
        promotion: None,
        was,
        now: price,
    };
    match ReminderKind::from_str_opt(&row.kind)? {
        ReminderKind::PromotionStart => {
            let promotion = calendar
                .promotions
                .iter()
                .find(|p| Some(&p.id) == row.promotion_id.as_ref())?;
            let starts = prices_start(promotion)?;
            (starts <= now).then(|| Due {
                at: starts,
                promotion: Some(promotion.name.clone()),
                was: Some(variant.price),
                now: Some(price_now(calendar, product, variant, now)),
            })
        }
        ReminderKind::Restock => {
            let back = match &row.store_id {
                Some(store) => variant.stock_in(&StoreId::from(store.as_str())) > 0,
                None => {
                    variant.online_stock > 0 || variant.store_stock.iter().any(|s| s.quantity > 0)
                }
            };
            back.then(|| due(None, None))
        }
        ReminderKind::PriceDrop => {
            let was = Money::fen(row.baseline_fen?);
            let price = price_now(calendar, product, variant, now);
            (price < was).then(|| due(Some(was), Some(price)))
        }
    }
}

fn to_reminder(row: Row, calendar: &Calendar) -> Result<Reminder, AppError> {
    let kind = ReminderKind::from_str_opt(&row.kind).ok_or_else(|| {
        tracing::error!(kind = %row.kind, "unknown reminder kind in the database");
        AppError::internal()
    })?;
    let promotion = calendar
        .promotions
        .iter()
        .find(|p| Some(&p.id) == row.promotion_id.as_ref());
    Ok(Reminder {
        id: row.id,
        sku: row.sku,
        name: Localized::new(row.name_zh, row.name_en),
        kind,
        store: row.store_id.map(StoreId::from),
        expected: promotion.and_then(prices_start),
        due: row.due_at.map(|at| Due {
            at: Timestamp(at),
            promotion: promotion
                .filter(|_| kind == ReminderKind::PromotionStart)
                .map(|p| p.name.clone()),
            was: row.due_was_fen.map(Money::fen),
            now: row.due_now_fen.map(Money::fen),
        }),
        seen: row.seen_at.is_some(),
    })
}

async fn rows(conn: &mut AnyConnection, bag: &BagKey) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as(&format!("{COLUMNS} WHERE r.bag = $1 ORDER BY r.id"))
        .bind(bag.as_bytes())
        .fetch_all(conn)
        .await
}

/// The bag's reminders, with those whose moment has come decided and written down now.
pub async fn list(state: &AppState, bag: &BagKey) -> Result<RemindersResponse, AppError> {
    follow_up(state, bag).await?;
    let skus: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT sku FROM reminders WHERE bag = $1")
        .bind(bag.as_bytes())
        .fetch_all(&state.pool)
        .await?;
    let skus: Vec<Sku> = skus.into_iter().map(|(sku,)| sku.into()).collect();
    let calendar = promotions::calendar(&state.pool, &skus).await?;
    let now = Timestamp(crate::now_ms());
    let mut tx = state.writer.begin().await?;
    let result = list_in(&mut tx, &state.pool, bag, &calendar, now).await;
    tx.finish(result).await
}

/// With her consent to follow-up from the brand (`/me/consent`), a member hears when a size in
/// her bag that is sold out everywhere comes back, without asking: such lines get a restock
/// reminder (online or in any store), decided and told like one she asked for.
async fn follow_up(state: &AppState, bag: &BagKey) -> Result<(), AppError> {
    let consented: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM members WHERE bag = $1 AND follow_up = 1 AND erased_at IS NULL",
    )
    .bind(bag.as_bytes())
    .fetch_optional(&state.pool)
    .await?;
    if consented.is_none() {
        return Ok(());
    }
    let mut sold_out = Vec::new();
    for line in crate::bag::state(&state.pool, bag).await?.lines {
        let product = catalog::product(&state.pool, &product_id_of(&line.sku)).await?;
        let variant = product
            .as_ref()
            .and_then(|p| p.variants.iter().find(|v| v.sku == line.sku));
        if variant
            .is_some_and(|v| v.online_stock == 0 && v.store_stock.iter().all(|s| s.quantity == 0))
        {
            sold_out.push(line.sku);
        }
    }
    if sold_out.is_empty() {
        return Ok(());
    }
    let mut tx = state.writer.begin().await?;
    let result = async {
        for sku in &sold_out {
            sqlx::query(
                "INSERT INTO reminders (bag, sku, kind, created_at) VALUES ($1, $2, 'restock', $3) \
                 ON CONFLICT (bag, sku, kind) DO NOTHING",
            )
            .bind(bag.as_bytes())
            .bind(sku.as_str())
            .bind(crate::now_ms())
            .execute(&mut *tx)
            .await?;
        }
        Ok::<(), AppError>(())
    }
    .await;
    tx.finish(result).await
}

async fn list_in(
    conn: &mut AnyConnection,
    pool: &AnyPool,
    bag: &BagKey,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<RemindersResponse, AppError> {
    let mut reminders = Vec::new();
    for mut row in rows(conn, bag).await? {
        if row.due_at.is_none() {
            let product = catalog::product(pool, &product_id_of(&row.sku)).await?;
            if let Some(due) = product.and_then(|p| decide(&row, calendar, &p, now)) {
                sqlx::query(
                    "UPDATE reminders SET due_at = $1, due_was_fen = $2, due_now_fen = $3 WHERE id = $4",
                )
                .bind(due.at.0)
                .bind(due.was.map(Money::as_fen))
                .bind(due.now.map(Money::as_fen))
                .bind(row.id)
                .execute(&mut *conn)
                .await?;
                row.due_at = Some(due.at.0);
                row.due_was_fen = due.was.map(Money::as_fen);
                row.due_now_fen = due.now.map(Money::as_fen);
            }
        }
        reminders.push(to_reminder(row, calendar)?);
    }
    Ok(RemindersResponse { reminders })
}

/// Keeps a reminder (asking again for the same line and kind answers the one kept).
pub async fn create(
    state: &AppState,
    bag: &BagKey,
    request: &ReminderRequest,
) -> Result<Reminder, AppError> {
    let product = catalog::product(&state.pool, &product_id_of(&request.sku))
        .await?
        .filter(|p| p.variants.iter().any(|v| v.sku == request.sku))
        .ok_or_else(|| AppError::unknown_variant(std::slice::from_ref(&request.sku)))?;
    let variant = product.variants.iter().find(|v| v.sku == request.sku);
    if let Some(store) = &request.store {
        if catalog::store(&state.pool, store).await?.is_none() {
            // Like a sku we do not sell: a body naming what does not exist.
            return Err(AppError::invalid_operation(format!("no store `{store}`")));
        }
    }
    let calendar = promotions::calendar(&state.pool, std::slice::from_ref(&request.sku)).await?;
    let now = Timestamp(crate::now_ms());
    let (promotion, baseline) = match request.kind {
        ReminderKind::PromotionStart => {
            let ahead = calendar
                .promotions
                .iter()
                .filter(|p| prices_start(p).is_some_and(|start| start > now))
                .min_by_key(|p| prices_start(p));
            let promotion = ahead.ok_or_else(|| {
                AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::NoPromotionAhead,
                    "no festival's prices are ahead in the calendar",
                )
            })?;
            (Some(promotion.id.clone()), None)
        }
        ReminderKind::Restock => (None, None),
        ReminderKind::PriceDrop => {
            let price = variant.map(|v| price_now(&calendar, &product, v, now));
            (None, price.map(Money::as_fen))
        }
    };
    let mut tx = state.writer.begin().await?;
    let result = async {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reminders WHERE bag = $1")
            .bind(bag.as_bytes())
            .fetch_one(&mut *tx)
            .await?;
        if count as usize >= MAX_REMINDERS {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BagFull,
                format!("a bag keeps at most {MAX_REMINDERS} reminders"),
            ));
        }
        sqlx::query(
            "INSERT INTO reminders (bag, sku, kind, store_id, created_at, promotion_id, baseline_fen) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (bag, sku, kind) DO NOTHING",
        )
        .bind(bag.as_bytes())
        .bind(request.sku.as_str())
        .bind(request.kind.as_str())
        .bind(request.store.as_ref().map(StoreId::as_str))
        .bind(now.0)
        .bind(&promotion)
        .bind(baseline)
        .execute(&mut *tx)
        .await?;
        let row: Row = sqlx::query_as(&format!("{COLUMNS} WHERE r.bag = $1 AND r.sku = $2 AND r.kind = $3"))
            .bind(bag.as_bytes())
            .bind(request.sku.as_str())
            .bind(request.kind.as_str())
            .fetch_one(&mut *tx)
            .await?;
        to_reminder(row, &calendar)
    }
    .await;
    tx.finish(result).await
}

/// Forgets one of the bag's reminders; false when it has no such reminder.
pub async fn forget(state: &AppState, bag: &BagKey, id: i64) -> Result<bool, AppError> {
    let mut tx = state.writer.begin().await?;
    let result = sqlx::query("DELETE FROM reminders WHERE id = $1 AND bag = $2")
        .bind(id)
        .bind(bag.as_bytes())
        .execute(&mut *tx)
        .await
        .map(|done| done.rows_affected() > 0)
        .map_err(AppError::from);
    tx.finish(result).await
}

/// Marks a due reminder as told; `None` when the bag has no such reminder.
pub async fn seen(state: &AppState, bag: &BagKey, id: i64) -> Result<Option<Reminder>, AppError> {
    let calendar = promotions::calendar(&state.pool, &[]).await?;
    let mut tx = state.writer.begin().await?;
    let result = async {
        sqlx::query("UPDATE reminders SET seen_at = COALESCE(seen_at, $1) WHERE id = $2 AND bag = $3 AND due_at IS NOT NULL")
            .bind(crate::now_ms())
            .bind(id)
            .bind(bag.as_bytes())
            .execute(&mut *tx)
            .await?;
        let row: Option<Row> = sqlx::query_as(&format!("{COLUMNS} WHERE r.id = $1 AND r.bag = $2"))
            .bind(id)
            .bind(bag.as_bytes())
            .fetch_optional(&mut *tx)
            .await?;
        row.map(|row| to_reminder(row, &calendar)).transpose()
    }
    .await;
    tx.finish(result).await
}
