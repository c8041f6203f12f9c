//! Console and admin endpoints of the gateway: traffic tiers and usage, "reset today", the
//! sign-debug switch, call statistics and recent failures.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use kaifang_platform::traffic::{self, AppGateway, MAX_RESETS_PER_DAY};
use kaifang_platform::{Platform, apps};
use kaifang_store::args;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::limits::Subject;
use super::pipeline::Gateway;
use crate::http::{ApiError, Body, Caller, Ctx};

type ApiResult<T> = Result<T, ApiError>;

/// Operator-set tiers.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TierRequest {
    /// Daily tier in 万 calls: 10, 100, 500, 1000, 5000, 10000 or 20000; null = default.
    pub daily_tier: Option<i64>,
    /// Per-API QPS tier: 100, 300, 500, 1000, 3000 or 5000; null = 100.
    pub qps_tier: Option<i64>,
}

/// The sign-debug switch.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignDebugRequest {
    /// On or off.
    pub enabled: bool,
}

/// An app's traffic today.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficView {
    /// Tiers and switches.
    pub settings: AppGateway,
    /// Today (in the quota time zone), `YYYY-MM-DD`.
    pub day: String,
    /// Daily quota before resets.
    pub daily_quota: u64,
    /// Today's quota including resets.
    pub quota_today: u64,
    /// Calls counted today.
    pub used_today: u64,
    /// "Reset today" uses left.
    pub resets_left: i64,
    /// Per-API QPS cap.
    pub qps: u32,
}

/// An app's traffic today (the JSON endpoint and the console's traffic page).
pub async fn view(
    p: &Platform,
    gw: &Gateway,
    app: &apps::App,
) -> kaifang_platform::Result<TrafficView> {
    let settings = traffic::settings(p, app.id).await?;
    let rules = &p.rules.traffic;
    let day = rules.day_of(p.now());
    let counter = gw.limits.day(p, app.id, Subject::App, day).await?;
    let resets = counter.resets.load(std::sync::atomic::Ordering::Acquire);
    let daily_quota = settings.daily_quota(rules, app.state);
    Ok(TrafficView {
        day: traffic::day_string(day),
        daily_quota,
        quota_today: daily_quota.saturating_mul(1 + resets.max(0) as u64),
        used_today: counter.used.load(std::sync::atomic::Ordering::Acquire),
        resets_left: (MAX_RESETS_PER_DAY - resets).max(0),
        qps: settings.qps().max(rules.qps_floor),
        settings,
    })
}

/// "Reset today" for an app its developer owns: refused at or below 60 % usage and after 3
/// resets; each adds one day's quota.
pub async fn reset(
    p: &Platform,
    gw: &Gateway,
    app: &apps::App,
) -> kaifang_platform::Result<TrafficView> {
    let before = view(p, gw, app).await?;
    let resets = MAX_RESETS_PER_DAY - before.resets_left;
    if let Some(refusal) = traffic::reset_refusal(before.used_today, before.quota_today, resets) {
        return Err(refusal);
    }
    let day = p.rules.traffic.day_of(p.now());
    let done = traffic::record_reset(p, app.id, day).await?;
    let counter = gw.limits.day(p, app.id, Subject::App, day).await?;
    counter
        .resets
        .store(done, std::sync::atomic::Ordering::Release);
    view(p, gw, app).await
}

/// An app's traffic tier, today's usage and resets left (its developer or an operator).
#[utoipa::path(get, path = "/api/apps/{app}/traffic", tag = "gateway",
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200, body = TrafficView)))]
pub async fn get_traffic(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<TrafficView>> {
    let app = apps::visible(&ctx.platform, &caller.account, &app).await?;
    Ok(Json(view(&ctx.platform, &gw, &app).await?))
}

/// Reset today's quota: allowed above 60 % usage, 3 times a day; each adds one day's quota.
#[utoipa::path(post, path = "/api/apps/{app}/traffic/reset", tag = "gateway",
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = TrafficView), (status = 409)))]
pub async fn reset_traffic(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<TrafficView>> {
    let p = &ctx.platform;
    let app = apps::owned(p, &caller.account, &app).await?;
    Ok(Json(reset(p, &gw, &app).await?))
}

/// Set an app's traffic tiers (operators).
#[utoipa::path(put, path = "/api/admin/apps/{app}/traffic", tag = "gateway", request_body = TierRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = TrafficView), (status = 400), (status = 403)))]
pub async fn set_traffic(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<TierRequest>,
) -> ApiResult<Json<TrafficView>> {
    traffic::set_tiers(
        &ctx.platform,
        &caller.account,
        &app,
        req.daily_tier,
        req.qps_tier,
    )
    .await?;
    let app = apps::resolve(&ctx.platform, &app).await?;
    Ok(Json(view(&ctx.platform, &gw, &app).await?))
}

/// Turn signature debugging on or off for an own app: a signature mismatch then also returns
/// the exact string the server signed (secret shown as `***`). Always on in sandbox mode.
#[utoipa::path(put, path = "/api/apps/{app}/sign-debug", tag = "gateway", request_body = SignDebugRequest,
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200, body = AppGateway)))]
pub async fn set_sign_debug(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<SignDebugRequest>,
) -> ApiResult<Json<AppGateway>> {
    Ok(Json(
        traffic::set_sign_debug(&ctx.platform, &caller.account, &app, req.enabled).await?,
    ))
}

/// `?days=N` (1 to 90, default 7).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DaysQuery {
    /// How many days back, today included.
    pub days: Option<i64>,
}

/// Calls of one method on one day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MethodDay {
    /// API method.
    pub method: String,
    /// `YYYY-MM-DD` in the quota time zone.
    pub day: String,
    /// Calls.
    pub calls: i64,
    /// Calls answered with result 1.
    pub success: i64,
    /// success / calls.
    pub success_rate: f64,
    /// Mean latency, µs.
    pub avg_latency_us: i64,
    /// Latency buckets.
    pub latency_histogram: LatencyHistogram,
}

/// How many calls took how long.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct LatencyHistogram {
    /// ≤ 1 ms.
    pub le_1ms: i64,
    /// ≤ 5 ms.
    pub le_5ms: i64,
    /// ≤ 25 ms.
    pub le_25ms: i64,
    /// ≤ 100 ms.
    pub le_100ms: i64,
    /// ≤ 500 ms.
    pub le_500ms: i64,
    /// > 500 ms.
    pub gt_500ms: i64,
}

/// Calls of one method over the whole range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MethodTotal {
    /// API method.
    pub method: String,
    /// Calls.
    pub calls: i64,
    /// Calls answered with result 1.
    pub success: i64,
    /// success / calls.
    pub success_rate: f64,
}

/// An app's call statistics over the last days.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CallStats {
    /// App id.
    pub app_id: i64,
    /// Days covered, today included.
    pub days: i64,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (today), `YYYY-MM-DD`.
    pub to: String,
    /// Per method, by name.
    pub methods: Vec<MethodTotal>,
    /// Per method and day, by method then day.
    pub by_day: Vec<MethodDay>,
}

/// An app's calls and success rate per method and day over the last `days` (1 to 90) days;
/// pending statistics are flushed first.
pub async fn call_stats(
    p: &Platform,
    gw: &Gateway,
    app: &apps::App,
    days: i64,
) -> kaifang_platform::Result<CallStats> {
    let days = days.clamp(1, 90);
    gw.recorder.flush().await;
    let today = p.rules.traffic.day_of(p.now());
    let rows = p
        .db
        .fetch_all(
            "SELECT method, day, outcome, calls, latency_us_sum, le_1ms, le_5ms, le_25ms, le_100ms, le_500ms, gt_500ms
             FROM call_stats WHERE app_id = $1 AND day > $2 ORDER BY method, day, outcome",
            &args![app.id, today - days],
        )
        .await?;
    let mut methods: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut cells: BTreeMap<(String, i64), [i64; 9]> = BTreeMap::new();
    for r in &rows {
        let method = r.text("method")?;
        let day = r.i64("day")?;
        let outcome = r.i64("outcome")?;
        let calls = r.i64("calls")?;
        let cell = cells.entry((method.clone(), day)).or_default();
        cell[0] += calls;
        if outcome == 1 {
            cell[1] += calls;
        }
        cell[2] += r.i64("latency_us_sum")?;
        for (i, c) in [
            "le_1ms", "le_5ms", "le_25ms", "le_100ms", "le_500ms", "gt_500ms",
        ]
        .iter()
        .enumerate()
        {
            cell[3 + i] += r.i64(c)?;
        }
        let m = methods.entry(method).or_default();
        m.0 += calls;
        if outcome == 1 {
            m.1 += calls;
        }
    }
    let by_day = cells
        .into_iter()
        .map(|((method, day), c)| MethodDay {
            method,
            day: traffic::day_string(day),
            calls: c[0],
            success: c[1],
            success_rate: c[1] as f64 / c[0].max(1) as f64,
            avg_latency_us: c[2] / c[0].max(1),
            latency_histogram: LatencyHistogram {
                le_1ms: c[3],
                le_5ms: c[4],
                le_25ms: c[5],
                le_100ms: c[6],
                le_500ms: c[7],
                gt_500ms: c[8],
            },
        })
        .collect();
    let methods = methods
        .into_iter()
        .map(|(method, (calls, ok))| MethodTotal {
            method,
            calls,
            success: ok,
            success_rate: ok as f64 / calls.max(1) as f64,
        })
        .collect();
    Ok(CallStats {
        app_id: app.id,
        days,
        from: traffic::day_string(today - days + 1),
        to: traffic::day_string(today),
        methods,
        by_day,
    })
}

/// Calls and success rate per method and day, with a latency histogram.
#[utoipa::path(get, path = "/api/apps/{app}/stats", tag = "gateway",
    params(("app" = String, Path, description = "id or appKey"), DaysQuery), responses((status = 200, body = CallStats)))]
pub async fn stats(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    Path(app): Path<String>,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Json<CallStats>> {
    let p = &ctx.platform;
    let app = apps::visible(p, &caller.account, &app).await?;
    Ok(Json(call_stats(p, &gw, &app, q.days.unwrap_or(7)).await?))
}

/// One failed call.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CallFailure {
    /// API method (as claimed when unknown).
    pub method: String,
    /// The `result` code answered.
    pub code: i64,
    /// The catalogue name of the code.
    pub sub_code: Option<&'static str>,
    /// The error message answered.
    pub message: String,
    /// The call's `requestId`.
    pub request_id: String,
    /// When, ms.
    pub at: i64,
}

/// The most recent failed calls of an app (up to 100), newest first; pending statistics are
/// flushed first.
pub async fn recent_failures(
    p: &Platform,
    gw: &Gateway,
    app: &apps::App,
) -> kaifang_platform::Result<Vec<CallFailure>> {
    gw.recorder.flush().await;
    let rows = p
        .db
        .fetch_all(
            "SELECT method, code, message, request_id, at FROM call_failures WHERE app_id = $1 ORDER BY id DESC LIMIT 100",
            &args![app.id],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for r in &rows {
        let code = r.i64("code")?;
        list.push(CallFailure {
            method: r.text("method")?,
            code,
            sub_code: kaifang_wire::ApiError::from_code(code).map(|c| c.name()),
            message: r.text("message")?,
            request_id: r.text("request_id")?,
            at: r.i64("at")?,
        });
    }
    Ok(list)
}

/// The most recent failed calls (up to 100), newest first.
#[utoipa::path(get, path = "/api/apps/{app}/stats/failures", tag = "gateway",
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200)))]
pub async fn failures(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<Value>> {
    let p = &ctx.platform;
    let app = apps::visible(p, &caller.account, &app).await?;
    let list = recent_failures(p, &gw, &app).await?;
    Ok(Json(json!({ "failures": list })))
}
