//! Health, metrics and the request-recording middleware.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Ctx;
use super::error::ApiError;
use crate::gateway::Gateway;

/// `GET /healthz`: 200 once the database answers.
pub async fn healthz(State(ctx): State<Ctx>) -> Response {
    match ctx.platform.db.scalar("SELECT 1", &[]).await {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
                .into_response()
        }
    }
}

/// `GET /metrics`: Prometheus text format. The gateway's calls are counted by its recorder's
/// background task; they are taken in first, so the page shows every call answered before it.
pub async fn metrics(
    State(ctx): State<Ctx>,
    Extension(gateway): Extension<Arc<Gateway>>,
) -> Response {
    gateway.recorder.flush().await;
    let (size, idle) = ctx.platform.db.pool_usage();
    metrics::gauge!("kaifang_db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("kaifang_db_pool_connections", "state" => "idle").set(idle as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ctx.metrics.render(),
    )
        .into_response()
}

/// Any unknown route.
pub async fn not_found() -> ApiError {
    ApiError(kaifang_platform::Error::not_found(
        "no such endpoint; GET /api/openapi.json lists them",
    ))
}

/// Counts every request by route template and status, and times it. The route template, not
/// the path, labels the series, so ids and tokens in paths never reach the metrics or logs.
pub async fn record(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = req.method().clone();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    let secs = start.elapsed().as_secs_f64();
    metrics::counter!("kaifang_http_requests_total", "route" => route.clone(), "status" => status.clone()).increment(1);
    metrics::histogram!("kaifang_http_request_duration_seconds", "route" => route.clone())
        .record(secs);
    tracing::debug!(%method, %route, %status, ms = secs * 1000.0, "request");
    resp
}
