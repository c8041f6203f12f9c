//! The commerce error: a catalogued API error plus a message that says what to fix.

use kaifang_wire::errors::ApiError;

/// A rejected or failed commerce operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The catalogued code the API answers with.
    pub api: ApiError,
    /// What was wrong and how to fix it.
    pub message: String,
}

/// Result alias for commerce operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with the catalogue entry `api` and a specific message.
    pub fn new(api: ApiError, message: impl Into<String>) -> Self {
        Error {
            api,
            message: message.into(),
        }
    }
    /// A missing or invalid business parameter.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ApiError::InvalidParameter, message)
    }
    /// The generic business reject (21): not the merchant's object, or its state forbids it.
    pub fn rejected(message: impl Into<String>) -> Self {
        Self::new(ApiError::OperationRejected, message)
    }
    /// The order does not exist or belongs to another merchant (21 `order operation reject`).
    pub fn order_rejected(oid: i64) -> Self {
        Self::rejected(format!(
            "order operation reject: order {oid} does not exist or does not belong to the authorized merchant"
        ))
    }
    /// A fault on our side.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ApiError::InternalError, message)
    }
    /// The numeric `result` code.
    pub fn code(&self) -> i64 {
        self.api.code()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.api.code(), self.message)
    }
}

impl std::error::Error for Error {}

impl From<kaifang_store::Error> for Error {
    fn from(e: kaifang_store::Error) -> Self {
        tracing::error!(error = %e, "commerce storage failure");
        Error::internal("a storage error occurred; retry later")
    }
}

impl From<kaifang_platform::Error> for Error {
    fn from(e: kaifang_platform::Error) -> Self {
        use kaifang_platform::ErrorKind as K;
        let api = match e.kind {
            K::Invalid | K::TooLarge => ApiError::InvalidParameter,
            K::NotFound | K::Forbidden | K::Conflict | K::State => ApiError::OperationRejected,
            K::Unauthenticated => ApiError::AccessTokenInvalid,
            K::Throttled => ApiError::UserApiQuotaExceeded,
            K::Internal => ApiError::InternalError,
        };
        Error::new(api, e.message)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::internal(format!("stored JSON is malformed: {e}"))
    }
}
