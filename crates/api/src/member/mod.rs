//! Members: signing in, the member code at the till, and her history with the brand — what the
//! app, the cashier's page and the server exchange, and the rules they share.

pub mod code;
#[cfg(test)]
mod tests;

pub use code::{CodeSecret, DeviceNumber, MalformedCode, MemberCode};

use crate::{Localized, Money, Sku, StoreId, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Digits in a sign-in code.
pub const SIGN_IN_CODE_LEN: usize = 6;

/// A mainland mobile number, as 11 digits: `1`, then `3`–`9`, then nine more.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Reads a number as people type it: spaces and dashes, `+86` or `0086` in front.
    pub fn parse(text: &str) -> Option<Phone> {
        let digits: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        let ok = b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit);
        ok.then(|| Phone(digits.to_string()))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `138****0001`: what a screen, a log or a receipt may show.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// Only ever masked, even in a panic message.
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// A sign-in code as she typed it, if it is one: six digits (spaces ignored).
pub fn sign_in_code(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == SIGN_IN_CODE_LEN && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// `POST /auth/code`: send a sign-in code to this number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub phone: String,
}

/// `POST /auth/code`'s answer: where it went and how long it lasts; never the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    pub phone_masked: String,
    pub expires_at: Timestamp,
}

/// `POST /auth/sign-in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub phone: String,
    pub code: String,
}

/// `POST /auth/host-token`: a super-app host vouches for its user (see the README for the
/// token's format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostTokenRequest {
    pub token: String,
}

/// A member's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Silver,
    Gold,
    Platinum,
}

/// Who she is, as her own screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub display_name: String,
    pub phone_masked: String,
    pub tier: Tier,
    pub points: i64,
    /// `YYYY-MM-DD`.
    pub joined_on: String,
    /// She agreed to follow-up from the brand (restocks of her size, new arrivals in it).
    pub follow_up: bool,
}

/// Where a coupon stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CouponStatus {
    NotYet,
    Usable,
    Redeemed,
    Expired,
}

/// One of her coupons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberCoupon {
    pub code: String,
    pub title: Localized,
    pub discount: Money,
    pub min_spend: Money,
    pub valid_from: Timestamp,
    pub valid_until: Timestamp,
    pub status: CouponStatus,
}

impl MemberCoupon {
    /// For the price engine.
    pub fn as_coupon(&self) -> crate::promotions::Coupon {
        crate::promotions::Coupon {
            code: self.code.clone(),
            title: self.title.clone(),
            discount: self.discount,
            min_spend: self.min_spend,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        }
    }
}

/// `GET /me` and the answer to signing in: who she is and her coupons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub profile: Profile,
    pub coupons: Vec<MemberCoupon>,
}

/// `POST /member/devices`: this device may show her member code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRegistered {
    pub device: DeviceNumber,
    pub secret: CodeSecret,
}

/// A line at the till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TillLine {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    pub quantity: u32,
}

/// `POST /pos/member-code/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyRequest {
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub store_id: StoreId,
    /// What she is buying, for the coupons that apply to it; none: every coupon usable now.
    #[serde(default)]
    pub lines: Vec<TillLine>,
}

/// Who the code belongs to, for the cashier: her name, points and the coupons that apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verified {
    /// Names this verification when the purchase is confirmed.
    pub verification: String,
    pub display_name: String,
    pub tier: Tier,
    pub points: i64,
    /// Her coupons usable now; with lines, those the lines reach the minimum spend of.
    pub coupons: Vec<MemberCoupon>,
    /// With lines: what they cost at list price, and after the festival and the best coupon.
    pub list_total: Option<Money>,
    pub total: Option<Money>,
    /// The purchase must be confirmed before this.
    pub expires_at: Timestamp,
}

/// `POST /pos/purchases`: the purchase of a verified member went through the till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseRequest {
    pub verification: String,
    pub lines: Vec<TillLine>,
}

/// A purchase at the till, as the cashier and her history see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purchase {
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub store_id: StoreId,
    pub list_total: Money,
    pub total: Money,
    /// The coupon the purchase used, now redeemed.
    pub coupon: Option<String>,
    pub points_added: i64,
    /// Her points after it.
    pub points: i64,
    pub at: Timestamp,
}

/// Points earned for paying `total`: one per full yuan.
pub fn points_for(total: Money) -> i64 {
    total.0.max(0) / 100
}

/// One change to her points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsEntry {
    pub change: i64,
    pub reason: String,
    pub at: Timestamp,
}

/// An order she placed in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRecord {
    pub number: String,
    pub total: Money,
    pub status: String,
    pub created_at: Timestamp,
}

/// `GET /me/history`: her orders, her purchases at the till and her points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub orders: Vec<OrderRecord>,
    pub purchases: Vec<Purchase>,
    pub points: Vec<PointsEntry>,
}

/// `PUT /me/consent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub follow_up: bool,
}

/// `GET /me/export`: everything the brand keeps about her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Export {
    pub profile: Profile,
    pub phone: String,
    pub coupons: Vec<MemberCoupon>,
    pub history: History,
    pub devices: Vec<DeviceRecord>,
}

/// A device that may show her member code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRecord {
    pub device: DeviceNumber,
    pub paused: bool,
    pub registered_at: Timestamp,
}
