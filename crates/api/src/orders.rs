//! Orders placed from the bag: which lines, delivered home or picked up in a store.

mod draft;

pub use draft::{DraftProblem, OrderDraft, OrderMethod};

use crate::{Localized, Money, ProductId, Sku, StoreId};
use serde::{Deserialize, Serialize};

/// Where the order goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Fulfilment {
    /// Shipped from online stock.
    Delivery { address: DeliveryAddress },
    /// Reserved in a store that has every line in stock.
    Pickup {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        store_id: StoreId,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAddress {
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// `POST /orders` (with an `Idempotency-Key` header and the bag token): the bag lines to order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRequest {
    /// Skus of lines in the bag, each once (not said in the schema: 422); each is ordered in the
    /// bag line's quantity.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, min_items = 1, max_items = 200))]
    pub skus: Vec<Sku>,
    pub fulfilment: Fulfilment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub product_id: ProductId,
    pub name: Localized,
    pub colour: Localized,
    pub size: String,
    pub quantity: u8,
    pub unit_price: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Stock is reserved until the order's `pay_by`.
    AwaitingPayment,
    /// Paid in time: the stock is hers.
    Confirmed,
    /// Not paid in time: the reservation went back to the shelf.
    Expired,
}

/// How long an order holds its stock unpaid, unless the server is told otherwise.
pub const DEFAULT_PAY_WITHIN_MS: i64 = 30 * 60 * 1000;

/// Orders one bag may have awaiting payment at once: a shopper pays one before placing many, and
/// a made-up bag cannot hold a store's stock with hundreds.
pub const MAX_OPEN_ORDERS: usize = 3;

/// An order's life: awaiting payment → confirmed, or → expired once `pay_by` passes unpaid.
impl OrderStatus {
    /// The status at `now`: one still awaiting payment at its deadline has expired, whether or
    /// not the server has released its stock yet.
    pub fn at(self, pay_by: i64, now: i64) -> OrderStatus {
        match self {
            OrderStatus::AwaitingPayment if now >= pay_by => OrderStatus::Expired,
            status => status,
        }
    }

    /// Payment arriving at `now`: confirmed (again, for a payment sent twice), or the status
    /// that refuses it.
    pub fn pay(self, pay_by: i64, now: i64) -> Result<OrderStatus, OrderStatus> {
        match self.at(pay_by, now) {
            OrderStatus::AwaitingPayment | OrderStatus::Confirmed => Ok(OrderStatus::Confirmed),
            expired => Err(expired),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    /// e.g. `SB20261126-000042`: what the confirmation page and a cashier show.
    pub number: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    pub fulfilment: Fulfilment,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// Unpaid at this time (ms since the Unix epoch), the order expires and its stock is released.
    pub pay_by: i64,
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;

    #[test]
    fn an_unpaid_order_expires_at_its_deadline_and_a_paid_one_never_does() {
        assert_eq!(AwaitingPayment.at(100, 99), AwaitingPayment);
        assert_eq!(AwaitingPayment.at(100, 100), Expired);
        assert_eq!(Confirmed.at(100, 1_000), Confirmed);
        assert_eq!(Expired.at(100, 0), Expired);
    }

    #[test]
    fn payment_confirms_in_time_only_and_twice_is_once() {
        assert_eq!(AwaitingPayment.pay(100, 99), Ok(Confirmed));
        assert_eq!(Confirmed.pay(100, 500), Ok(Confirmed));
        assert_eq!(AwaitingPayment.pay(100, 100), Err(Expired));
        assert_eq!(Expired.pay(100, 0), Err(Expired));
    }
}
