//! Signing in: a one-time code for her phone number, or a token from a super-app host that
//! vouches for its user; then her device's guest bag joins her member bag.
//!
//! The reference server sends no text messages: its demo mode writes each code to its log (the
//! README says where), never to an HTTP answer. Codes last 5 minutes, work once, and a code is
//! gone after 5 wrong tries; how many codes a number may ask for is limited (`crate::throttle`).

use super::{digest, random, same_secret};
use crate::bag::BagKey;
use crate::error::AppError;
use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use shopbag_api::member::{Phone, SIGN_IN_CODE_LEN};
use shopbag_api::{ErrorCode, Timestamp};
use sqlx::AnyConnection;

/// A code lasts this long.
pub const CODE_LASTS_MS: i64 = 5 * 60 * 1000;
/// Wrong tries a code survives.
pub const MOST_TRIES: i64 = 5;

/// A wrong, expired or used code: which of these is not said.
pub fn failed() -> AppError {
    refused("the code is wrong or has expired: ask for a new one")
}

fn refused(why: &str) -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, ErrorCode::SignInFailed, why)
}

pub fn invalid_phone() -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidPhone,
        "a mainland mobile number has 11 digits and starts with 13 to 19",
    )
}

fn code_hash(phone: &Phone, code: &str) -> [u8; 32] {
    digest(&[phone.digits().as_bytes(), code.as_bytes()])
}

/// Makes a new code for `phone` (the one before it stops working) and hands it to the demo's
/// courier, the log. Returns when it expires.
pub async fn send_code(
    conn: &mut AnyConnection,
    phone: &Phone,
    now: i64,
) -> Result<Timestamp, AppError> {
    let number = u32::from_be_bytes(random::<4>()) % 10u32.pow(SIGN_IN_CODE_LEN as u32);
    let code = format!("{number:0width$}", width = SIGN_IN_CODE_LEN);
    let expires_at = now + CODE_LASTS_MS;
    sqlx::query(
        "INSERT INTO sign_in_codes (phone, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, \
         expires_at = excluded.expires_at, attempts = 0",
    )
    .bind(phone.digits())
    .bind(&code_hash(phone, &code)[..])
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    tracing::info!(
        target: "shopbag_server::sign_in",
        "demo sign-in code for {}: {code} (valid 5 minutes)",
        phone.masked()
    );
    Ok(Timestamp(expires_at))
}

/// Takes the code if it is the live one for `phone` (it works once); false, and a try counted,
/// when it is not. Commit either way.
pub async fn take_code(
    conn: &mut AnyConnection,
    phone: &Phone,
    code: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let live: Option<(Vec<u8>, i64, i64)> = sqlx::query_as(
        "SELECT code_hash, expires_at, attempts FROM sign_in_codes WHERE phone = $1",
    )
    .bind(phone.digits())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((hash, expires_at, attempts)) = live else {
        return Ok(false);
    };
    let spent = expires_at <= now || attempts >= MOST_TRIES;
    let right = !spent && same_secret(&hash, &code_hash(phone, code));
    let statement = if right || spent || attempts + 1 >= MOST_TRIES {
        "DELETE FROM sign_in_codes WHERE phone = $1"
    } else {
        "UPDATE sign_in_codes SET attempts = attempts + 1 WHERE phone = $1"
    };
    sqlx::query(statement)
        .bind(phone.digits())
        .execute(&mut *conn)
        .await?;
    Ok(right)
}

/// The member with this number, made a new silver member if there is none.
pub async fn member_for_phone(
    conn: &mut AnyConnection,
    phone: &Phone,
    now: i64,
) -> Result<String, AppError> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT id FROM members WHERE phone = $1 AND erased_at IS NULL")
            .bind(phone.digits())
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((id,)) = found {
        return Ok(id);
    }
    let name = format!("会员{}", &phone.digits()[7..]);
    new_member(conn, Some(phone), &name, now).await
}

async fn new_member(
    conn: &mut AnyConnection,
    phone: Option<&Phone>,
    name: &str,
    now: i64,
) -> Result<String, AppError> {
    let id = format!(
        "M{}",
        random::<6>()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    );
    let today = Timestamp(now).in_store();
    sqlx::query(
        "INSERT INTO members (id, phone_masked, phone, display_name, tier, points, joined_on) \
         VALUES ($1, $2, $3, $4, 'silver', 0, $5)",
    )
    .bind(&id)
    .bind(phone.map(Phone::masked).unwrap_or_default())
    .bind(phone.map(Phone::digits))
    .bind(name)
    .bind(format!(
        "{:04}-{:02}-{:02}",
        today.year, today.month, today.day
    ))
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Her bag's key, made at her first sign-in.
pub async fn member_bag(conn: &mut AnyConnection, member: &str) -> Result<BagKey, AppError> {
    let (stored,): (Option<Vec<u8>>,) = sqlx::query_as("SELECT bag FROM members WHERE id = $1")
        .bind(member)
        .fetch_one(&mut *conn)
        .await?;
    if let Some(bag) = stored.as_deref().and_then(BagKey::from_stored) {
        return Ok(bag);
    }
    let bag = random::<32>();
    sqlx::query("UPDATE members SET bag = $1 WHERE id = $2")
        .bind(&bag[..])
        .bind(member)
        .execute(&mut *conn)
        .await?;
    Ok(BagKey::from_stored(&bag).expect("32 bytes"))
}

/// The device's guest bag joins her bag: its operations go into her log (merging bags is the
/// union of their logs, see `shopbag_api::bag`), its reminders and orders become hers, and from
/// now on the device's key leads to her bag. A device still led to another member's bag (she
/// never signed out) is led to hers instead, bringing nothing of the other's.
pub async fn join_bag(
    conn: &mut AnyConnection,
    member: &str,
    device: &BagKey,
) -> Result<(), AppError> {
    let bag = member_bag(conn, member).await?;
    if bag == *device {
        return Ok(());
    }
    let led: Option<(Vec<u8>,)> = sqlx::query_as("SELECT bag FROM bag_aliases WHERE alias = $1")
        .bind(device.as_bytes())
        .fetch_optional(&mut *conn)
        .await?;
    if led.is_none() {
        for statement in [
            "INSERT INTO bag_ops (bag, id, op) SELECT $1, id, op FROM bag_ops WHERE bag = $2 \
             ON CONFLICT DO NOTHING",
            "DELETE FROM bag_ops WHERE bag = $2",
            // A reminder she already has on her bag stays hers; the device's copy goes below.
            "UPDATE reminders SET bag = $1 WHERE bag = $2 AND NOT EXISTS (SELECT 1 FROM reminders r \
             WHERE r.bag = $1 AND r.sku = reminders.sku AND r.kind = reminders.kind)",
            "DELETE FROM reminders WHERE bag = $2",
            "UPDATE orders SET bag = $1 WHERE bag = $2",
        ] {
            sqlx::query(statement)
                .bind(bag.as_bytes())
                .bind(device.as_bytes())
                .execute(&mut *conn)
                .await?;
        }
    }
    sqlx::query(
        "INSERT INTO bag_aliases (alias, bag) VALUES ($1, $2) \
         ON CONFLICT (alias) DO UPDATE SET bag = excluded.bag",
    )
    .bind(device.as_bytes())
    .bind(bag.as_bytes())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a host token says: `v1.<payload>.<signature>`, both base64url without padding; the
/// payload is JSON `{"host","user","name","exp"}` (optionally `"phone"`), `exp` in seconds since
/// the Unix epoch; the signature is HMAC-SHA-256 under the host secret of `v1.<payload>`.
#[derive(Debug, Deserialize)]
pub struct HostClaims {
    pub host: String,
    pub user: String,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub exp: i64,
}

/// Checks a host token's signature and expiry; any failure is the same `sign_in_failed`.
pub fn read_host_token(secret: &str, token: &str, now: i64) -> Result<HostClaims, AppError> {
    let refused = || refused("the host token is not valid or has expired");
    let (signed, signature) = token.rsplit_once('.').ok_or_else(refused)?;
    let payload = signed.strip_prefix("v1.").ok_or_else(refused)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| refused())?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).map_err(|_| refused())?;
    let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| refused())?;
    let claims: HostClaims = serde_json::from_slice(&json).map_err(|_| refused())?;
    let fits = |text: &str| !text.trim().is_empty() && text.chars().count() <= 64;
    if claims.exp * 1000 <= now || !fits(&claims.host) || !fits(&claims.user) || !fits(&claims.name)
    {
        return Err(refused());
    }
    Ok(claims)
}

/// Signs claims the way a host does (tests and the README's example use it).
pub fn host_token(secret: &str, claims: &serde_json::Value) -> String {
    let signed = format!("v1.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signed.as_bytes());
    format!(
        "{signed}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The member a host's user is: the one linked before, else the one with the phone the host
/// gave, else a new member.
pub async fn member_for_host(
    conn: &mut AnyConnection,
    claims: &HostClaims,
    now: i64,
) -> Result<String, AppError> {
    let linked: Option<(String,)> = sqlx::query_as(
        "SELECT h.member_id FROM host_users h JOIN members m ON m.id = h.member_id \
         WHERE h.host = $1 AND h.host_user = $2 AND m.erased_at IS NULL",
    )
    .bind(&claims.host)
    .bind(&claims.user)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id,)) = linked {
        return Ok(id);
    }
    let phone = claims.phone.as_deref().and_then(Phone::parse);
    let member = match &phone {
        Some(phone) => member_for_phone(conn, phone, now).await?,
        None => new_member(conn, None, &claims.name, now).await?,
    };
    sqlx::query(
        "INSERT INTO host_users (host, host_user, member_id) VALUES ($1, $2, $3) \
         ON CONFLICT (host, host_user) DO UPDATE SET member_id = excluded.member_id",
    )
    .bind(&claims.host)
    .bind(&claims.user)
    .bind(&member)
    .execute(&mut *conn)
    .await?;
    Ok(member)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "host secret";

    fn claims(exp: i64) -> serde_json::Value {
        serde_json::json!({"host": "wechat", "user": "o6_bmjrPTlm6", "name": "小美", "exp": exp})
    }

    #[test]
    fn a_host_token_is_taken_when_signed_with_the_secret_and_not_expired() {
        let now = 1_800_000_000_000;
        let token = host_token(SECRET, &claims(1_800_000_060));
        let read = read_host_token(SECRET, &token, now).unwrap();
        assert_eq!(
            (read.host.as_str(), read.user.as_str()),
            ("wechat", "o6_bmjrPTlm6")
        );
        // Expired, another secret, a changed payload, no version, garbage.
        assert!(read_host_token(SECRET, &token, 1_800_000_060_000).is_err());
        assert!(read_host_token("other", &token, now).is_err());
        let (_, signature) = token.rsplit_once('.').unwrap();
        let forged = format!(
            "v1.{}.{signature}",
            URL_SAFE_NO_PAD.encode(claims(1_900_000_000).to_string())
        );
        assert!(read_host_token(SECRET, &forged, now).is_err());
        assert!(read_host_token(SECRET, token.trim_start_matches("v1."), now).is_err());
        assert!(read_host_token(SECRET, "v1..", now).is_err());
        let refused = read_host_token(SECRET, "nonsense", now).unwrap_err();
        assert_eq!(refused.body.code, ErrorCode::SignInFailed);
    }
}
