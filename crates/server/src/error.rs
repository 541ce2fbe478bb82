//! The one API error type, and the glue that puts every other failure into the same JSON shape.

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use shopbag_api::bag::BagError;
use shopbag_api::{CodeError, ErrorBody, ErrorCode, ErrorResponse, Sku};
use std::any::Any;

/// An error an endpoint answers with: a status plus the contract's `ErrorBody`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds to wait before trying again (`Retry-After`), for a 429.
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
            },
            retry_after: None,
        }
    }

    /// Over a rate limit (`what`: "for this bag"…); try again after `wait`.
    pub fn too_many_requests(what: &str, wait: std::time::Duration) -> Self {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        AppError {
            retry_after: Some(seconds.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyRequests,
                format!(
                    "too many requests {what}; try again in {} s",
                    seconds.max(1)
                ),
            )
        }
    }

    pub fn malformed_code(error: &CodeError) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedCode,
            error.to_string(),
        )
    }

    pub fn unknown_code() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownCode,
            "no product carries this code",
        )
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    /// No bag token, or not a well-formed one. Answers carry `WWW-Authenticate: Bearer`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    /// Bag operations naming variants we do not sell.
    pub fn unknown_variant(skus: &[Sku]) -> Self {
        let skus: Vec<&str> = skus.iter().map(Sku::as_str).collect();
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::UnknownVariant,
            format!("no variant with sku {}", skus.join(", ")),
        )
    }

    pub fn invalid_operation(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidOperation,
            message,
        )
    }

    pub fn invalid_order(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidOrder,
            message,
        )
    }

    /// Not enough stock where the order asked for it; the message names the skus.
    pub fn sold_out(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::SoldOut, message)
    }

    /// Details stay in the log: a client learns nothing about our internals.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "something went wrong on our side",
        )
    }

    /// The error code a bare status stands for, for errors our handlers never saw.
    pub fn from_status(status: StatusCode, message: impl Into<String>) -> Self {
        let code = match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::TOO_MANY_REQUESTS => ErrorCode::TooManyRequests,
            s if s.is_server_error() => ErrorCode::Internal,
            _ => ErrorCode::BadRequest,
        };
        Self::new(status, code, message)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let challenge = self.status == StatusCode::UNAUTHORIZED;
        let retry_after = self.retry_after;
        let mut response = (self.status, Json(ErrorResponse { error: self.body })).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        // RFC 9110: a 401 names the scheme that would work.
        if challenge {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<BagError> for AppError {
    fn from(error: BagError) -> Self {
        match error {
            BagError::TooManyLines(_) | BagError::TooManyKept(_) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BagFull,
                error.to_string(),
            ),
            BagError::Conflict(_) => Self::new(
                StatusCode::CONFLICT,
                ErrorCode::OperationConflict,
                error.to_string(),
            ),
            other => AppError::invalid_operation(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::internal()
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as `Content-Type: application/json`",
            ),
            JsonRejection::JsonSyntaxError(e) => AppError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidJson,
                e.body_text(),
            ),
            JsonRejection::JsonDataError(e) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidJson,
                e.body_text(),
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    format!("the body is larger than {} bytes", crate::API_BODY_LIMIT),
                )
            }
            other => AppError::from_status(other.status(), other.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::bad_request(rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::bad_request(rejection.body_text())
    }
}

/// `axum::Json` whose rejections answer in our error shape, and which takes a record only as a
/// JSON object: serde also reads a struct from an array of its fields in order (`[true]` for
/// `{"follow_up": true}`), which no client of the documented API sends and the document forbids.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned + Serialize,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(body) = axum::Json::<Value>::from_request(request, state).await?;
        let wrong_shape = |problem: String| {
            AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidJson,
                format!("Failed to deserialize the JSON body into the target type: {problem}"),
            )
        };
        let value = T::deserialize(&body).map_err(|e| wrong_shape(e.to_string()))?;
        let read_back = serde_json::to_value(&value).map_err(|e| wrong_shape(e.to_string()))?;
        match array_for_object(&body, &read_back) {
            None => Ok(ApiJson(value)),
            Some(path) if path.is_empty() => Err(wrong_shape("an object, not an array".into())),
            Some(path) => Err(wrong_shape(format!("`{path}`: an object, not an array"))),
        }
    }
}

/// Where `sent` has an array and `read` (what was made of it, serialised again) an object: the
/// path to it (`fulfilment.address`, `lines.0`; empty for the body itself).
fn array_for_object(sent: &Value, read: &Value) -> Option<String> {
    let within = |step: String, rest: String| match rest.is_empty() {
        true => step,
        false => format!("{step}.{rest}"),
    };
    match (sent, read) {
        (Value::Array(_), Value::Object(_)) => Some(String::new()),
        (Value::Object(sent), Value::Object(read)) => sent.iter().find_map(|(key, sent)| {
            let rest = array_for_object(sent, read.get(key)?)?;
            Some(within(key.clone(), rest))
        }),
        (Value::Array(sent), Value::Array(read)) => {
            sent.iter()
                .zip(read)
                .enumerate()
                .find_map(|(i, (sent, read))| {
                    let rest = array_for_object(sent, read)?;
                    Some(within(i.to_string(), rest))
                })
        }
        _ => None,
    }
}

/// `axum::extract::Query` whose rejections answer in our error shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` whose rejections answer in our error shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// Longest plain-text message from a lower layer we pass on; the rest is noise.
const MAX_PASSED_MESSAGE: usize = 300;

/// Rewrites error responses that are not JSON yet (405 from routing, 413 from the body limit,
/// rejections of other extractors) into the one error shape, keeping their status and headers.
pub async fn shape_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4 * 1024)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && t.len() <= MAX_PASSED_MESSAGE);
    // Our words where we know the cause; a lower layer's own text otherwise.
    let message = match status {
        StatusCode::NOT_FOUND => "no such endpoint".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "this endpoint does not accept that method".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("the body is larger than {} bytes", crate::API_BODY_LIMIT)
        }
        s => text.unwrap_or_else(|| s.canonical_reason().unwrap_or("error").to_string()),
    };
    let error = AppError::from_status(status, message);
    let body = serde_json::to_vec(&ErrorResponse { error: error.body }).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

/// What `CatchPanicLayer` answers: the panic goes to the log, the client gets a plain 500.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a request handler panicked");
    AppError::internal().into_response()
}
