//! `POST /auth/code`, `/auth/sign-in`, `/auth/host-token`, `/auth/sign-out`: a member signs in
//! with her phone number and a one-time code, or through a super-app host's token, and her
//! device's guest bag (the bag token, when sent) joins her member bag.

use crate::bag::BagKey;
use crate::error::{ApiJson, AppError};
use crate::members::session::{self, Session};
use crate::members::{self, sign_in};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use shopbag_api::member::{
    sign_in_code, CodeRequest, CodeSent, HostTokenRequest, Me, Phone, SignInRequest,
};
use shopbag_api::ErrorResponse;

fn phone(text: &str) -> Result<Phone, AppError> {
    Phone::parse(text).ok_or_else(sign_in::invalid_phone)
}

#[utoipa::path(
    post,
    path = "/auth/code",
    tag = "members",
    request_body = CodeRequest,
    responses(
        (status = 202, description = "A sign-in code is on its way (the demo server writes it to \
                                      its log); it lasts 5 minutes and replaces any earlier one", body = CodeSent),
        (status = 422, description = "Not a mainland mobile number (`invalid_phone`)", body = ErrorResponse),
        (status = 429, description = "Five codes for this number in the last hour (`too_many_requests`)", body = ErrorResponse),
    )
)]
pub async fn code(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), AppError> {
    let phone = phone(&request.phone)?;
    state.throttle.sign_in_code(phone.digits()).await?;
    let mut tx = state.writer.begin().await?;
    let result = sign_in::send_code(&mut tx, &phone, crate::now_ms()).await;
    let expires_at = tx.finish(result).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            phone_masked: phone.masked(),
            expires_at,
        }),
    ))
}

/// Signs `member` in on this device, its guest bag joining hers; answers who she is with the
/// session cookie.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    member: impl AsyncFnOnce(&mut sqlx::AnyConnection, i64) -> Result<String, AppError>,
) -> Result<Response, AppError> {
    let device = BagKey::from_headers(headers).ok();
    let now = crate::now_ms();
    let mut tx = state.writer.begin().await?;
    let result = async {
        let member = member(&mut tx, now).await?;
        if let Some(device) = &device {
            sign_in::join_bag(&mut tx, &member, device).await?;
        }
        let token = session::open(&mut tx, &member, device.as_ref(), now).await?;
        Ok::<(Me, String), AppError>((members::me(&mut tx, &member).await?, token))
    }
    .await;
    let (me, token) = tx.finish(result).await?;
    let cookie = session::set_cookie(&token, state.members.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

#[utoipa::path(
    post,
    path = "/auth/sign-in",
    tag = "members",
    request_body = SignInRequest,
    security((), ("bag_token" = [])),
    responses(
        (status = 200, description = "Signed in: who she is, with an HttpOnly, SameSite=Strict \
                                      session cookie. With the device's bag token, its bag joins \
                                      hers (the union of their operations) and the token opens \
                                      her bag until she signs out", body = Me),
        (status = 401, description = "A wrong, expired or used code (`sign_in_failed`); after 5 \
                                      wrong tries the code is gone", body = ErrorResponse),
        (status = 422, description = "Not a mainland mobile number (`invalid_phone`)", body = ErrorResponse),
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<Response, AppError> {
    let phone = phone(&request.phone)?;
    // In a transaction of its own: a wrong try counts even though the sign-in fails. A code that
    // is not six digits is a wrong try too.
    let code = sign_in_code(&request.code).unwrap_or_default();
    let mut tx = state.writer.begin().await?;
    let taken = sign_in::take_code(&mut tx, &phone, &code, crate::now_ms()).await?;
    tx.commit().await?;
    if !taken {
        return Err(sign_in::failed());
    }
    signed_in(&state, &headers, async |conn, now| {
        sign_in::member_for_phone(conn, &phone, now).await
    })
    .await
}

#[utoipa::path(
    post,
    path = "/auth/host-token",
    tag = "members",
    request_body = HostTokenRequest,
    security((), ("bag_token" = [])),
    responses(
        (status = 200, description = "Signed in as the host's user (the member linked to it, or \
                                      the one with the phone it gives, or a new one), as for \
                                      `/auth/sign-in`. Token: `v1.<payload>.<signature>`, \
                                      base64url without padding; payload JSON \
                                      `{\"host\",\"user\",\"name\",\"exp\"[,\"phone\"]}` with \
                                      `exp` in Unix seconds; signature HMAC-SHA-256 of \
                                      `v1.<payload>` under the host secret", body = Me),
        (status = 401, description = "A bad signature, an expired or malformed token (`sign_in_failed`)", body = ErrorResponse),
    )
)]
pub async fn host_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<HostTokenRequest>,
) -> Result<Response, AppError> {
    let now = crate::now_ms();
    let claims = sign_in::read_host_token(&state.members.host_secret, &request.token, now)?;
    signed_in(&state, &headers, async |conn, now| {
        sign_in::member_for_host(conn, &claims, now).await
    })
    .await
}

#[utoipa::path(
    post,
    path = "/auth/sign-out",
    tag = "members",
    responses(
        (status = 204, description = "Signed out: the session ends, its cookie is cleared, and \
                                      the device's bag token no longer opens her bag"),
        (status = 401, description = "Not signed in (`not_signed_in`)", body = ErrorResponse),
    )
)]
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    let mut tx = state.writer.begin().await?;
    let result = session::end(&mut tx, &session)
        .await
        .map_err(AppError::from);
    tx.finish(result).await?;
    let cookie = session::clear_cookie(state.members.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
