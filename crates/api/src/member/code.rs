//! The member code she shows at the till: RFC 6238 TOTP digits from her device's secret, so the
//! device makes it without a network and a photo of it is stale within a minute.
//!
//! The payload is 18 digits, like a payment code: `97` (what kind of code it is), the device's
//! number (8 digits: which secret to check it against) and the TOTP (8 digits, SHA-1, 30 s steps).
//! It is shown as a QR code and as a Code 128 barcode, which packs digits two to a symbol.

use serde::{Deserialize, Serialize};
use std::fmt;
use totp_lite::{totp_custom, Sha1};

/// The first two digits of every member code.
pub const PREFIX: &str = "97";
/// A code changes every step.
pub const STEP_SECONDS: u64 = 30;
/// TOTP digits in a code.
pub const DIGITS: u32 = 8;
/// Digits in a whole code: prefix, device number, TOTP.
pub const CODE_LEN: usize = 18;
/// Bytes of a device's secret (RFC 4226 recommends 160 bits for HMAC-SHA-1).
pub const SECRET_BYTES: usize = 20;

/// A device's number: says which secret a code is checked against. Not a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "u32", into = "u32")]
pub struct DeviceNumber(u32);

impl DeviceNumber {
    /// Eight digits, the first not 0 (so every number prints the same width).
    pub const FIRST: u32 = 10_000_000;
    pub const LAST: u32 = 99_999_999;

    pub fn new(number: u32) -> Option<DeviceNumber> {
        (Self::FIRST..=Self::LAST)
            .contains(&number)
            .then_some(DeviceNumber(number))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for DeviceNumber {
    type Error = String;

    fn try_from(number: u32) -> Result<Self, String> {
        DeviceNumber::new(number).ok_or_else(|| format!("a device number has 8 digits: {number}"))
    }
}

impl From<DeviceNumber> for u32 {
    fn from(device: DeviceNumber) -> u32 {
        device.0
    }
}

/// A device's code secret. It never prints (not in a log, not in a panic message); it crosses
/// the wire once, as hex, when the server registers the device.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "3132333435363738393031323334353637383930"))]
#[serde(try_from = "String", into = "String")]
pub struct CodeSecret(Vec<u8>);

impl CodeSecret {
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> CodeSecret {
        CodeSecret(bytes.to_vec())
    }

    /// For storage on the server and the device.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn from_stored(bytes: &[u8]) -> Option<CodeSecret> {
        (bytes.len() == SECRET_BYTES).then(|| CodeSecret(bytes.to_vec()))
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(hex: &str) -> Option<CodeSecret> {
        // Digits only: `from_str_radix` would also take a sign (`+1`).
        if hex.len() != SECRET_BYTES * 2 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        CodeSecret::from_stored(&bytes)
    }
}

impl fmt::Debug for CodeSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeSecret(…)")
    }
}

impl TryFrom<String> for CodeSecret {
    type Error = String;

    fn try_from(hex: String) -> Result<Self, String> {
        CodeSecret::from_hex(&hex).ok_or_else(|| "a code secret is 40 hex digits".to_string())
    }
}

impl From<CodeSecret> for String {
    fn from(secret: CodeSecret) -> String {
        secret.to_hex()
    }
}

/// The TOTP step a moment falls in.
pub fn step_at(unix_ms: i64) -> u64 {
    (unix_ms.max(0) as u64 / 1000) / STEP_SECONDS
}

/// Seconds until the code shown at `unix_ms` changes (1 to 30).
pub fn seconds_left(unix_ms: i64) -> u64 {
    STEP_SECONDS - (unix_ms.max(0) as u64 / 1000) % STEP_SECONDS
}

/// RFC 6238 TOTP (HMAC-SHA-1, 8 digits, 30 s) of `secret` at the step `step`.
pub fn totp_at_step(secret: &[u8], step: u64) -> u32 {
    let digits = totp_custom::<Sha1>(STEP_SECONDS, DIGITS, secret, step * STEP_SECONDS);
    digits.parse().expect("TOTP digits are digits")
}

/// A member code: the device it came from and its TOTP digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberCode {
    pub device: DeviceNumber,
    pub otp: u32,
}

/// Why a text is not a member code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedCode {
    /// Not 18 digits.
    Shape,
    /// 18 digits, but not starting with 97: another kind of code (a payment code, a barcode).
    Prefix,
}

impl fmt::Display for MalformedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedCode::Shape => "a member code is 18 digits",
            MalformedCode::Prefix => "a member code starts with 97",
        })
    }
}

impl MemberCode {
    /// The code `device` shows at `unix_ms`.
    pub fn at(device: DeviceNumber, secret: &CodeSecret, unix_ms: i64) -> MemberCode {
        MemberCode {
            device,
            otp: totp_at_step(secret.expose(), step_at(unix_ms)),
        }
    }

    /// Reads a scanned or typed code (spaces, as a cashier may type it in groups, are ignored).
    pub fn parse(text: &str) -> Result<MemberCode, MalformedCode> {
        let digits: String = text.chars().filter(|c| *c != ' ').collect();
        if digits.len() != CODE_LEN || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MalformedCode::Shape);
        }
        if !digits.starts_with(PREFIX) {
            return Err(MalformedCode::Prefix);
        }
        let device = digits[2..10].parse().ok().and_then(DeviceNumber::new);
        let otp = digits[10..].parse().map_err(|_| MalformedCode::Shape)?;
        Ok(MemberCode {
            device: device.ok_or(MalformedCode::Shape)?,
            otp,
        })
    }

    /// The step this code was made in, if it was made from `secret` in the step of `unix_ms` or
    /// the one before (a code shown just before it changed, scanned just after).
    pub fn step_made(&self, secret: &CodeSecret, unix_ms: i64) -> Option<u64> {
        let now = step_at(unix_ms);
        [now, now.saturating_sub(1)]
            .into_iter()
            .find(|&step| totp_at_step(secret.expose(), step) == self.otp)
    }
}

impl fmt::Display for MemberCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{:08}{:08}", self.device.0, self.otp)
    }
}
