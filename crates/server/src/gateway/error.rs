//! A rejected call: one catalogued code and a message that says what to fix.

use kaifang_wire::ApiError;

/// Why a call failed, at any step of the pipeline or in a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// The catalogue entry (its code is the envelope's `result`).
    pub error: ApiError,
    /// The specific message; empty = the catalogue's default.
    pub message: String,
}

impl GatewayError {
    /// An error with a specific message.
    pub fn new(error: ApiError, message: impl Into<String>) -> Self {
        GatewayError {
            error,
            message: message.into(),
        }
    }

    /// An error with the catalogue's default message.
    pub fn plain(error: ApiError) -> Self {
        GatewayError {
            error,
            message: String::new(),
        }
    }

    /// A business parameter is missing or invalid.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ApiError::InvalidParameter, message)
    }

    /// The message as sent (the specific one, else the default).
    pub fn text(&self) -> &str {
        if self.message.is_empty() {
            self.error.message()
        } else {
            &self.message
        }
    }
}

impl From<ApiError> for GatewayError {
    fn from(e: ApiError) -> Self {
        GatewayError::plain(e)
    }
}

/// Platform failures inside a handler: caller mistakes keep their message as an invalid
/// parameter; faults become an internal error (the cause is logged, not sent).
impl From<kaifang_platform::Error> for GatewayError {
    fn from(e: kaifang_platform::Error) -> Self {
        use kaifang_platform::ErrorKind;
        match e.kind {
            ErrorKind::Internal => {
                tracing::error!(error = %e.message, "gateway handler failed");
                GatewayError::plain(ApiError::InternalError)
            }
            ErrorKind::NotFound | ErrorKind::Invalid => GatewayError::invalid(e.message),
            ErrorKind::Forbidden => GatewayError::new(ApiError::OperationRejected, e.message),
            _ => GatewayError::new(ApiError::OperationRejected, e.message),
        }
    }
}
