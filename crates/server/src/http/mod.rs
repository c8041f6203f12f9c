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

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
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

/// The console router: the console, OAuth, sandbox and push surfaces behind the
/// request-recording and JSON-error middlewares. `gateway` serves the console's API test tool
/// and statistics (one set of caches, limits and statistics with the call path).
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
        .layer(axum::Extension(gateway))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(observe::record))
        .with_state(ctx)
}

/// The server: `/open` and everything under `/open/` (any HTTP method) goes straight to the
/// gateway, the rest to the console [`router`]. The call path answers every request in the
/// platform envelope and counts calls by API method in its own series, so route matching, URL
/// parameters and the console's middlewares would only add work to every call.
#[derive(Clone)]
pub struct Service {
    gateway: Arc<crate::gateway::Gateway>,
    console: Router,
}

impl Service {
    /// The gateway beside the console router.
    pub fn new(ctx: Ctx, gateway: Arc<crate::gateway::Gateway>) -> Self {
        Service {
            console: router(ctx, gateway.clone()),
            gateway,
        }
    }
}

/// Whether a path is the gateway's.
fn is_call_path(path: &str) -> bool {
    path.strip_prefix("/open")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl tower::Service<Request> for Service {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if is_call_path(req.uri().path()) {
            let gateway = self.gateway.clone();
            Box::pin(async move { Ok(gateway.handle(req).await) })
        } else {
            Box::pin(self.console.call(req))
        }
    }
}
