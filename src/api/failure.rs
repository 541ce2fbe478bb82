//! What can go wrong talking to the server, in the terms the UI needs.

use shopbag_api::{ErrorBody, ErrorCode};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, DNS, server down, request aborted.
    Network(String),
    /// The server answered with its error shape.
    Server { status: u16, body: ErrorBody },
    /// An answer we could not read (a proxy's HTML page, a newer incompatible server).
    Decode(String),
}

impl ApiError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Server { body, .. } => Some(body.code),
            _ => None,
        }
    }

    /// Worth a retry button: the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) | ApiError::Decode(_) => true,
            ApiError::Server { status, .. } => *status >= 500 || *status == 429,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network error: {e}"),
            ApiError::Server { status, body } => write!(f, "{status}: {}", body.message),
            ApiError::Decode(e) => write!(f, "unreadable answer: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}
