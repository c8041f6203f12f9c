//! Console and admin endpoints of the gateway: traffic tiers and usage, "reset today", the
//! sign-debug switch, call statistics and recent failures.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use kaifang_platform::apps;
use kaifang_platform::traffic::{self, AppGateway, MAX_RESETS_PER_DAY};
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

async fn view(ctx: &Ctx, gw: &Gateway, app: &apps::App) -> ApiResult<TrafficView> {
    let p = &ctx.platform;
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
    Ok(Json(view(&ctx, &gw, &app).await?))
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
    let before = view(&ctx, &gw, &app).await?;
    let resets = MAX_RESETS_PER_DAY - before.resets_left;
    if let Some(refusal) = traffic::reset_refusal(before.used_today, before.quota_today, resets) {
        return Err(refusal.into());
    }
    let day = p.rules.traffic.day_of(p.now());
    let done = traffic::record_reset(p, app.id, day).await?;
    let counter = gw.limits.day(p, app.id, Subject::App, day).await?;
    counter
        .resets
        .store(done, std::sync::atomic::Ordering::Release);
    Ok(Json(view(&ctx, &gw, &app).await?))
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
    Ok(Json(view(&ctx, &gw, &app).await?))
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

/// Calls and success rate per method and day, with a latency histogram.
#[utoipa::path(get, path = "/api/apps/{app}/stats", tag = "gateway",
    params(("app" = String, Path, description = "id or appKey"), DaysQuery), responses((status = 200)))]
pub async fn stats(
    State(ctx): State<Ctx>,
    Extension(gw): Extension<Arc<Gateway>>,
    caller: Caller,
    Path(app): Path<String>,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Json<Value>> {
    let p = &ctx.platform;
    let app = apps::visible(p, &caller.account, &app).await?;
    let days = q.days.unwrap_or(7).clamp(1, 90);
    gw.recorder.flush().await;
    let today = p.rules.traffic.day_of(p.now());
    let rows = p
        .db
        .fetch_all(
            "SELECT method, day, outcome, calls, latency_us_sum, le_1ms, le_5ms, le_25ms, le_100ms, le_500ms, gt_500ms
             FROM call_stats WHERE app_id = $1 AND day > $2 ORDER BY method, day, outcome",
            &args![app.id, today - days],
        )
        .await
        .map_err(kaifang_platform::Error::from)?;
    // (method, day) -> totals
    let mut out: Vec<Value> = Vec::new();
    let mut methods: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    let mut cells: std::collections::BTreeMap<(String, i64), [i64; 9]> = Default::default();
    for r in &rows {
        let method = r.text("method").map_err(kaifang_platform::Error::from)?;
        let day = r.i64("day").map_err(kaifang_platform::Error::from)?;
        let outcome = r.i64("outcome").map_err(kaifang_platform::Error::from)?;
        let get = |c: &str| r.i64(c).map_err(kaifang_platform::Error::from);
        let calls = get("calls")?;
        let cell = cells.entry((method.clone(), day)).or_default();
        cell[0] += calls;
        if outcome == 1 {
            cell[1] += calls;
        }
        cell[2] += get("latency_us_sum")?;
        for (i, c) in [
            "le_1ms", "le_5ms", "le_25ms", "le_100ms", "le_500ms", "gt_500ms",
        ]
        .iter()
        .enumerate()
        {
            cell[3 + i] += get(c)?;
        }
        let m = methods.entry(method).or_default();
        m.0 += calls;
        if outcome == 1 {
            m.1 += calls;
        }
    }
    for ((method, day), c) in &cells {
        out.push(json!({
            "method": method,
            "day": traffic::day_string(*day),
            "calls": c[0],
            "success": c[1],
            "success_rate": c[1] as f64 / c[0].max(1) as f64,
            "avg_latency_us": c[2] / c[0].max(1),
            "latency_histogram": {"le_1ms": c[3], "le_5ms": c[4], "le_25ms": c[5], "le_100ms": c[6], "le_500ms": c[7], "gt_500ms": c[8]},
        }));
    }
    let totals: Vec<Value> = methods
        .iter()
        .map(|(m, (calls, ok))| json!({"method": m, "calls": calls, "success": ok, "success_rate": *ok as f64 / (*calls).max(1) as f64}))
        .collect();
    Ok(Json(json!({
        "app_id": app.id,
        "days": days,
        "from": traffic::day_string(today - days + 1),
        "to": traffic::day_string(today),
        "methods": totals,
        "by_day": out,
    })))
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
    gw.recorder.flush().await;
    let rows = p
        .db
        .fetch_all(
            "SELECT method, code, message, request_id, at FROM call_failures WHERE app_id = $1 ORDER BY id DESC LIMIT 100",
            &args![app.id],
        )
        .await
        .map_err(kaifang_platform::Error::from)?;
    let mut list = Vec::with_capacity(rows.len());
    for r in &rows {
        let e = kaifang_platform::Error::from;
        let code = r.i64("code").map_err(e)?;
        list.push(json!({
            "method": r.text("method").map_err(e)?,
            "code": code,
            "sub_code": kaifang_wire::ApiError::from_code(code).map(|c| c.name()),
            "message": r.text("message").map_err(e)?,
            "request_id": r.text("request_id").map_err(e)?,
            "at": r.i64("at").map_err(e)?,
        }));
    }
    Ok(Json(json!({ "failures": list })))
}
