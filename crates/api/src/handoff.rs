//! Handing a kiosk's bag to a shopper's phone: the device flow of RFC 8628 turned around. The
//! kiosk offers its lines under a claim code it shows as a QR code (`/claim/{code}`); the first
//! phone to claim it gets the lines in its own bag (her member bag when signed in), the kiosk sees
//! the claim and wipes itself. A code lives five minutes and is used once.
//!
//! The code is a bearer secret for those five minutes: 100 random bits, so it cannot be guessed,
//! and it travels in request bodies only — never in an API address that a log could keep.

use crate::bag::Line;
use serde::{Deserialize, Serialize};

/// How long a claim code can be claimed.
pub const CLAIM_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// Characters of a claim code: 20 of Crockford's base32 (no I, L, O, U), 5 bits each.
pub const CLAIM_CODE_LEN: usize = 20;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The secret a kiosk's QR code carries. Never printed (`Debug` hides it).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClaimCode(String);

impl ClaimCode {
    /// The code for 100 of `bits` (from a cryptographic generator).
    pub fn from_bits(bits: u128) -> ClaimCode {
        let code = (0..CLAIM_CODE_LEN)
            .map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char)
            .collect();
        ClaimCode(code)
    }

    /// A code as typed or read: Crockford's rules forgive case, `O` for 0, `I`/`L` for 1 and
    /// hyphens; anything else that is not 20 of its characters is no code.
    pub fn parse(text: &str) -> Option<ClaimCode> {
        let code: String = text
            .trim()
            .chars()
            .filter(|c| *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        let valid = code.len() == CLAIM_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b));
        valid.then_some(ClaimCode(code))
    }

    /// The claim code of one of our claim links, `…/claim/{code}` (what a phone's scanner reads
    /// off the kiosk), whatever the host: the kiosk and the phone may know the server by different
    /// names.
    pub fn from_link(text: &str) -> Option<ClaimCode> {
        let text = text.trim();
        let path = match text.split_once("://") {
            Some((_, rest)) => &rest[rest.find('/')?..],
            None => text,
        };
        let path = path.split(['?', '#']).next()?;
        ClaimCode::parse(path.strip_prefix("/claim/")?.trim_end_matches('/'))
    }

    /// The app's address for claiming it.
    pub fn path(&self) -> String {
        format!("/claim/{}", self.0)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClaimCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimCode(…)")
    }
}

/// `POST /handoffs`: the kiosk's lines, as its screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoffRequest {
    /// At least one, at most a bag's [`MAX_LINES`](crate::bag::MAX_LINES).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub lines: Vec<Line>,
}

/// The claim code the kiosk shows, and until when (ms since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoffOffer {
    /// 20 characters of Crockford's base32.
    pub code: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoffState {
    /// Shown, not claimed yet.
    Waiting,
    /// A phone took the lines.
    Claimed,
    /// Five minutes went by, or the kiosk offered a newer code.
    Expired,
}

/// `GET /handoffs/latest`: what became of the kiosk's last offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoffStatus {
    pub state: HandoffState,
    pub expires_at: i64,
}

/// `POST /handoffs/open` and `POST /handoffs/claim`: the code from the kiosk's QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimRequest {
    pub code: String,
}

/// `POST /handoffs/open`: the lines a claim code offers, for the phone to show before she takes
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferedBag {
    pub lines: Vec<Line>,
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twenty_crockford_characters_that_read_back() {
        for bits in [0, 1, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210] {
            let code = ClaimCode::from_bits(bits);
            assert_eq!(code.expose().len(), CLAIM_CODE_LEN);
            assert_eq!(ClaimCode::parse(code.expose()), Some(code.clone()));
        }
        // 100 bits: codes for bits that differ there differ.
        assert_ne!(ClaimCode::from_bits(1 << 99), ClaimCode::from_bits(0));
    }

    #[test]
    fn a_code_read_or_typed_loosely_is_understood() {
        let code = ClaimCode::from_bits(0xdead_beef_cafe_f00d_1234);
        let lower = code.expose().to_lowercase();
        assert_eq!(ClaimCode::parse(&lower), Some(code.clone()));
        let grouped = format!("{}-{}", &code.expose()[..10], &code.expose()[10..]);
        assert_eq!(ClaimCode::parse(&grouped), Some(code.clone()));
        assert_eq!(
            ClaimCode::parse("O0IL1000000000000000").map(|c| c.expose().to_string()),
            Some("00111000000000000000".to_string())
        );
    }

    #[test]
    fn anything_else_is_no_code() {
        for text in [
            "",
            "ABC",
            "0123456789ABCDEFGHJKM", // 21
            "0123456789ABCDEFGHJ",   // 19
            "0123456789ABCDEFGHJU",  // U is not used
            "0123456789ABCDEFGHJ!",
            "０123456789ABCDEFGHJK", // a full-width digit
        ] {
            assert_eq!(ClaimCode::parse(text), None, "{text}");
        }
    }

    #[test]
    fn claim_links_give_their_code_whatever_the_host() {
        let code = ClaimCode::from_bits(42);
        for link in [
            format!("https://shop.example.cn{}", code.path()),
            format!("http://192.168.1.20:8080{}/", code.path()),
            format!("http://127.0.0.1:8080{}?from=kiosk", code.path()),
            code.path(),
        ] {
            assert_eq!(ClaimCode::from_link(&link), Some(code.clone()), "{link}");
        }
        for other in [
            "https://shop.example.cn/p/6931234500018".to_string(),
            format!("https://shop.example.cn/claims/{}", code.expose()),
            format!("https://shop.example.cn/claim/{}/more", code.expose()),
            code.expose().to_string(),
            "https://shop.example.cn".to_string(),
        ] {
            assert_eq!(ClaimCode::from_link(&other), None, "{other}");
        }
    }

    #[test]
    fn the_code_never_prints() {
        let code = ClaimCode::from_bits(7);
        assert!(!format!("{code:?}").contains(code.expose()));
    }
}
