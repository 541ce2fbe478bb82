//! The session a signed-in browser holds: a random value in an HttpOnly, SameSite=Strict cookie
//! (Secure under TLS) that scripts cannot read and no URL carries. The server keeps only its
//! SHA-256.

use super::{digest, random};
use crate::bag::BagKey;
use crate::error::AppError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use shopbag_api::ErrorCode;
use sqlx::AnyConnection;

pub const COOKIE: &str = "shopbag_session";
/// A session lasts 30 days from sign-in.
pub const LASTS_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// A signed-in member's request.
#[derive(Debug, Clone)]
pub struct Session {
    pub member: String,
    token_hash: [u8; 32],
}

fn not_signed_in() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::NotSignedIn,
        "sign in first (the session cookie is missing or has ended)",
    )
}

/// The session cookie's value, if the request carries one.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = cookie(&parts.headers).ok_or_else(not_signed_in)?;
        let token_hash = digest(&[token.as_bytes()]);
        let member: Option<(String,)> = sqlx::query_as(
            "SELECT s.member_id FROM sessions s JOIN members m ON m.id = s.member_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND m.erased_at IS NULL",
        )
        .bind(&token_hash[..])
        .bind(crate::now_ms())
        .fetch_optional(&state.pool)
        .await?;
        let (member,) = member.ok_or_else(not_signed_in)?;
        Ok(Session { member, token_hash })
    }
}

/// A device that signed in before it had a bag: the first bag request it sends with its session
/// leads that bag to hers, as signing in does for a bag it already had.
pub async fn lead_new_bag(
    state: &AppState,
    headers: &HeaderMap,
    device: &BagKey,
) -> Result<(), AppError> {
    let Some(token) = cookie(headers) else {
        return Ok(());
    };
    let token_hash = digest(&[token.as_bytes()]);
    let unled: Option<(String,)> = sqlx::query_as(
        "SELECT member_id FROM sessions WHERE token_hash = $1 AND alias IS NULL AND expires_at > $2",
    )
    .bind(&token_hash[..])
    .bind(crate::now_ms())
    .fetch_optional(&state.pool)
    .await?;
    let Some((member,)) = unled else {
        return Ok(());
    };
    let mut tx = state.writer.begin().await?;
    let result = async {
        super::sign_in::join_bag(&mut tx, &member, device).await?;
        sqlx::query("UPDATE sessions SET alias = $1 WHERE token_hash = $2")
            .bind(device.as_bytes())
            .bind(&token_hash[..])
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
    .await;
    tx.finish(result).await
}

/// Opens a session for `member`, with `alias` (the device's own bag key) leading to her bag
/// until it ends. Returns the cookie's value.
pub async fn open(
    conn: &mut AnyConnection,
    member: &str,
    alias: Option<&BagKey>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token: String = random::<32>().iter().map(|b| format!("{b:02x}")).collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, member_id, alias, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&digest(&[token.as_bytes()])[..])
    .bind(member)
    .bind(alias.map(BagKey::as_bytes))
    .bind(now)
    .bind(now + LASTS_MS)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Ends the session: the device's bag key goes back to being its own (empty) bag.
pub async fn end(conn: &mut AnyConnection, session: &Session) -> Result<(), sqlx::Error> {
    let alias: Option<(Option<Vec<u8>>,)> =
        sqlx::query_as("DELETE FROM sessions WHERE token_hash = $1 RETURNING alias")
            .bind(&session.token_hash[..])
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((Some(alias),)) = alias {
        sqlx::query("DELETE FROM bag_aliases WHERE alias = $1")
            .bind(alias)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = LASTS_MS / 1000;
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/api; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("hex digits make a header value")
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/api; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    ))
    .expect("a plain header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others_and_is_http_only_and_strict() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; shopbag_session=abc123; other=1"),
        );
        assert_eq!(cookie(&headers).as_deref(), Some("abc123"));
        let set = set_cookie("abc123", true);
        let set = set.to_str().unwrap();
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/api"] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!set_cookie("abc123", false)
            .to_str()
            .unwrap()
            .contains("Secure"));
        assert_eq!(cookie(&HeaderMap::new()), None);
    }
}
