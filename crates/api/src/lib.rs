//! The shopbag REST contract: the one source of truth for what the app and the server exchange.
//!
//! Plain serde types plus the pure rules both sides must agree on (GS1 codes, money).
//! With the `openapi` feature the types also describe themselves for `/api/v1/openapi.json`.

pub mod bag;
pub mod catalog;
pub mod code;
pub mod error;
pub mod handoff;
pub mod ids;
pub mod looks;
pub mod member;
pub mod money;
pub mod orders;
pub mod promotions;
pub mod reminders;
pub mod time;
pub mod visual;

pub use catalog::*;
pub use code::{CodeError, CodeKind, Gtin, ScannedCode, MAX_CODE_LEN};
pub use error::{ErrorBody, ErrorCode, ErrorResponse};
pub use ids::{ColourCode, ProductId, Sku, StoreId};
pub use money::Money;
pub use orders::*;
pub use time::{store_clock, Countdown, Timestamp, STORE_UTC_OFFSET_MS};

/// Every endpoint lives under this prefix.
pub const API_PREFIX: &str = "/api/v1";

/// The largest request body the server reads; the app sizes its batches to fit.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
