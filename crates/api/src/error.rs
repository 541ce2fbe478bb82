//! The one error shape every endpoint answers with: `{"error":{"code":"…","message":"…"}}`.

use serde::{Deserialize, Serialize};

/// Machine-readable reasons. The app keys its translated messages on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The code is well-formed but names nothing we sell.
    UnknownCode,
    /// The code cannot be a product code (letters, wrong check digit, too long).
    MalformedCode,
    NotFound,
    BadRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidJson,
    MethodNotAllowed,
    /// No bag token, or not a well-formed one.
    Unauthorized,
    /// A bag operation names a variant we do not sell.
    UnknownVariant,
    /// The operation breaks a bag rule (quantity 1–99, note length, batch size).
    InvalidOperation,
    /// More than 200 lines.
    BagFull,
    /// An operation id the bag already holds, sent with other content.
    OperationConflict,
    /// Not enough stock where the order asked for it.
    SoldOut,
    /// An order that cannot be placed as asked (no lines, a line not in the bag, an unknown store).
    InvalidOrder,
    /// The bag already has as many orders awaiting payment as it may.
    TooManyOpenOrders,
    /// Payment came after the order's deadline: its stock went back to the shelf.
    OrderExpired,
    /// "Remind me when the prices start" with no festival ahead in the calendar.
    NoPromotionAhead,
    /// Not a mainland mobile number.
    InvalidPhone,
    /// Signing in did not work: a wrong, expired or used code, or a host token that does not
    /// check out. Which of these is not said.
    SignInFailed,
    /// A member's endpoint asked without a session (or with one that ended).
    NotSignedIn,
    /// The cashier's key is missing or wrong.
    CashierKeyRejected,
    /// Not a member code (18 digits starting with 97).
    InvalidMemberCode,
    /// A member code that is stale, made up, or from a paused or unknown device.
    MemberCodeRejected,
    /// A member code already used at a till.
    MemberCodeUsed,
    /// A purchase that cannot be confirmed as asked (no lines, unknown sku, verification
    /// expired or unknown).
    InvalidPurchase,
    /// No kiosk offered a bag under this claim code.
    ClaimNotFound,
    /// The claim code's five minutes are over (or the kiosk offered a newer one).
    ClaimExpired,
    /// Another phone claimed this bag already.
    ClaimUsed,
    /// Not a photo the server can read (JPEG or PNG, at least 32 pixels a side).
    InvalidPhoto,
    /// A product has as many enrolled photos as it may: delete one first.
    TooManyPhotos,
    /// This server has no model to compare photos with (its weights were not installed).
    VisualSearchUnavailable,
    /// Too many requests from this bag or this address; `Retry-After` says when to try again.
    TooManyRequests,
    Internal,
    /// Anything this client version does not know yet.
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// English, for developers and logs; the app shows its own translated text.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

impl ErrorResponse {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorResponse {
            error: ErrorBody {
                code,
                message: message.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_documented_shape() {
        let json =
            serde_json::to_value(ErrorResponse::new(ErrorCode::UnknownCode, "nope")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "unknown_code", "message": "nope"}})
        );
    }

    #[test]
    fn unknown_codes_from_a_newer_server_still_parse() {
        let body: ErrorResponse =
            serde_json::from_str(r#"{"error":{"code":"brand_new","message":"x"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Other);
    }
}
