//! Extractors whose rejections speak the API's error format.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body. A missing or malformed body answers 400 with serde's description of what is
/// wrong (which field, which type), not axum's plain-text default.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rej) => Err(ApiError::invalid(format!(
                "request body: {} (send JSON with Content-Type: application/json)",
                rej.body_text()
            ))),
        }
    }
}

/// Parses a numeric path segment, naming it when it is not a number.
pub fn id(what: &str, raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::invalid(format!("{what} must be a number, got {raw:?}")))
}
