//! Message push in the console: settings (`/api/apps/{app}/push`), the message log with its
//! attempts, manual re-push, and the daily success rate. `{app}` is the app's id or appKey.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use kaifang_push::log::{self, DayStats, Filter, Message, Range, Requeued};
use kaifang_push::probe::{self, Probe, ProbeInput};
use kaifang_push::settings::{self, PushSettings, PushSettingsInput};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiResult;
use super::{Body, Caller, Ctx};

/// The push routes.
pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/api/apps/{app}/push", get(get_settings).put(save_settings))
        .route("/api/apps/{app}/push/stats", get(stats))
        .route("/api/apps/{app}/messages", get(messages))
        .route("/api/apps/{app}/messages/repush", post(repush_failed))
        .route("/api/apps/{app}/messages/{id}", get(message))
        .route("/api/apps/{app}/messages/{id}/repush", post(repush))
        .route("/api/apps/{app}/push/test", post(test_message))
}

/// My app's push settings.
#[utoipa::path(get, path = "/api/apps/{app}/push", tag = "push",
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = PushSettings), (status = 404)))]
pub async fn get_settings(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<PushSettings>> {
    Ok(Json(
        settings::get(&ctx.platform, &caller.account, &app).await?,
    ))
}

/// Save my app's push settings. A URL is first sent the encrypted test message `{"test":true}`
/// and saved only if it answers HTTP 200 with `{"result":1}` within 3 s.
#[utoipa::path(put, path = "/api/apps/{app}/push", tag = "push", request_body = PushSettingsInput,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = PushSettings), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn save_settings(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(input): Body<PushSettingsInput>,
) -> ApiResult<Json<PushSettings>> {
    Ok(Json(
        settings::save(&ctx.platform, &caller.account, &app, &input).await?,
    ))
}

/// An app's messages, newest first, filtered by event, status and event time.
#[utoipa::path(get, path = "/api/apps/{app}/messages", tag = "push",
    params(("app" = String, Path, description = "id or appKey"), Filter),
    responses((status = 200, body = [Message]), (status = 400), (status = 404)))]
pub async fn messages(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Query(filter): Query<Filter>,
) -> ApiResult<Json<Vec<Message>>> {
    Ok(Json(
        log::list(&ctx.platform, &caller.account, &app, &filter).await?,
    ))
}

/// One message with its envelope and every attempt (time, HTTP status, latency, reason).
#[utoipa::path(get, path = "/api/apps/{app}/messages/{id}", tag = "push",
    params(("app" = String, Path, description = "id or appKey"), ("id" = i64, Path, description = "message id")),
    responses((status = 200, body = Message), (status = 404)))]
pub async fn message(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, id)): Path<(String, i64)>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        log::get(&ctx.platform, &caller.account, &app, id).await?,
    ))
}

/// Re-push one message now (a fresh retry schedule).
#[utoipa::path(post, path = "/api/apps/{app}/messages/{id}/repush", tag = "push",
    params(("app" = String, Path, description = "id or appKey"), ("id" = i64, Path, description = "message id")),
    responses((status = 200, body = Message), (status = 404), (status = 409)))]
pub async fn repush(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, id)): Path<(String, i64)>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        log::repush(&ctx.platform, &caller.account, &app, id).await?,
    ))
}

/// Re-push every failed message whose event time is in the range.
#[utoipa::path(post, path = "/api/apps/{app}/messages/repush", tag = "push", request_body = Range,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = Requeued), (status = 400), (status = 404)))]
pub async fn repush_failed(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(range): Body<Range>,
) -> ApiResult<Json<Requeued>> {
    Ok(Json(
        log::repush_failed(&ctx.platform, &caller.account, &app, &range).await?,
    ))
}

/// How many days of statistics.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StatsQuery {
    /// Days, 1 to 90 (7).
    pub days: Option<i64>,
}

/// The push success rate per day (dropped messages excluded).
#[utoipa::path(get, path = "/api/apps/{app}/push/stats", tag = "push",
    params(("app" = String, Path, description = "id or appKey"), StatsQuery),
    responses((status = 200, body = [DayStats]), (status = 404)))]
pub async fn stats(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<Vec<DayStats>>> {
    Ok(Json(
        log::stats(&ctx.platform, &caller.account, &app, q.days.unwrap_or(7)).await?,
    ))
}

/// The message test tool: send one sample message of an event to my app's saved push URL,
/// encrypted with its push key, once (not logged, not retried). The answer shows the plaintext,
/// the encrypted body, the receiver's status and body, and whether it counts as delivered.
#[utoipa::path(post, path = "/api/apps/{app}/push/test", tag = "push", request_body = ProbeInput,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = Probe), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn test_message(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(input): Body<ProbeInput>,
) -> ApiResult<Json<Probe>> {
    Ok(Json(
        probe::send(&ctx.platform, &caller.account, &app, &input).await?,
    ))
}
