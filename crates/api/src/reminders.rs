//! "Remind me" on a bag line: when the festival's prices start, when her size is back, when the
//! price drops. The server keeps them per bag (so they survive a change of device) and decides
//! when each is due from its own data; the app tells her on every channel it has.

use crate::{Localized, Money, Sku, StoreId, Timestamp};
use serde::{Deserialize, Serialize};

/// At most this many reminders per bag (three kinds for each of its lines).
pub const MAX_REMINDERS: usize = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The next festival's prices start (its first phase with prices: presale, final payment or
    /// the main day).
    PromotionStart,
    /// Her size can be had again (in her store when she named one, else anywhere).
    Restock,
    /// The variant costs less than when she asked.
    PriceDrop,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 3] = [
        ReminderKind::PromotionStart,
        ReminderKind::Restock,
        ReminderKind::PriceDrop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::PromotionStart => "promotion_start",
            ReminderKind::Restock => "restock",
            ReminderKind::PriceDrop => "price_drop",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<ReminderKind> {
        ReminderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// `POST /reminders`: remind me of this for this line. Asking twice is asking once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    pub kind: ReminderKind,
    /// The store she stands in, for a restock there.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub store: Option<StoreId>,
}

/// What happened, once a reminder is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Due {
    /// When it happened, as far as the server can tell.
    pub at: Timestamp,
    /// The festival whose prices started.
    pub promotion: Option<Localized>,
    /// The price she asked at, and the lower one now.
    pub was: Option<Money>,
    pub now: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    /// The bag's own numbering: another bag's reminder is not found by its id.
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    /// The product's name, so that any screen can say what the reminder is about.
    pub name: Localized,
    pub kind: ReminderKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub store: Option<StoreId>,
    /// For a festival start: when it is.
    pub expected: Option<Timestamp>,
    /// Set by the server once what she asked for happened.
    pub due: Option<Due>,
    /// She was told (`POST /reminders/{id}/seen`).
    pub seen: bool,
}

/// `GET /reminders`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemindersResponse {
    pub reminders: Vec<Reminder>,
}

impl RemindersResponse {
    /// Due and not yet told: what the app shows and notifies.
    pub fn to_tell(&self) -> impl Iterator<Item = &Reminder> {
        self.reminders.iter().filter(|r| r.due.is_some() && !r.seen)
    }
}
