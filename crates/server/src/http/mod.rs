//! The HTTP surfaces. Each bounded context has a module under `api/` with the same name as its
//! platform module and its URL prefix (`/api/apps` → `api/apps.rs`).

pub mod api;
pub mod auth;
mod error;
mod extract;
pub mod oauth;
mod observe;
pub mod openapi;
pub mod push;
pub mod sandbox;
pub mod sandbox_buyer;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use kaifang_platform::Platform;
use metrics_exporter_prometheus::PrometheusHandle;

pub use auth::{Caller, Via};
pub use error::ApiError;
pub use extract::Body;

/// What every handler can reach.
#[derive(Clone)]
pub struct Ctx {
    /// Platform handles.
    pub platform: Arc<Platform>,
    /// The metrics registry, rendered at `/metrics`.
    pub metrics: PrometheusHandle,
}

impl Ctx {
    /// A context over a platform.
    pub fn new(platform: Arc<Platform>, metrics: PrometheusHandle) -> Self {
        Ctx { platform, metrics }
    }
}

/// Requests larger than this are refused before a handler runs (uploads have their own,
/// configurable, smaller limit checked by the platform).
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// The whole router: the console, OAuth, sandbox and push surfaces behind the request-recording
/// and JSON-error middlewares, and the gateway's `/open/` call path beside them, not behind
/// them (see [`crate::gateway::open_routes`]).
/// `gateway` serves `/open/...` and the console's API test tool (one set of caches, limits
/// and statistics).
pub fn router(ctx: Ctx, gateway: Arc<crate::gateway::Gateway>) -> Router {
    Router::new()
        .route("/healthz", get(observe::healthz))
        .route("/metrics", get(observe::metrics))
        .route("/api/openapi.json", get(openapi::spec))
        .merge(api::routes())
        .merge(crate::console::routes())
        .merge(oauth::routes())
        .merge(sandbox::routes())
        .merge(sandbox_buyer::routes())
        .merge(push::routes())
        .merge(crate::gateway::console_routes())
        .fallback(observe::not_found)
        .layer(axum::Extension(gateway.clone()))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(observe::record))
        .merge(crate::gateway::open_routes(gateway))
        .with_state(ctx)
}
