//! Orders placed from the bag: which lines, delivered home or picked up in a store.

use crate::{Localized, Money};
use serde::{Deserialize, Serialize};

/// Where the order goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Fulfilment {
    /// Shipped from online stock.
    Delivery { address: DeliveryAddress },
    /// Reserved in a store that has every line in stock.
    Pickup { store_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Skus of lines in the bag; each is ordered in the bag line's quantity.
    pub skus: Vec<String>,
    pub fulfilment: Fulfilment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub sku: String,
    pub product_id: String,
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
    /// Stock is reserved; payment is out of scope for now.
    AwaitingPayment,
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
}
