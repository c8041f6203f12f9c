//! The operator's back-office API: review queues, decisions, merchants.

use axum::Json;
use axum::extract::{Path, Query, State};
use kaifang_platform::accounts::{self, Account, Shop};
use kaifang_platform::apps::packages::{self, AppPackage};
use kaifang_platform::apps::{self, App, AppState};
use kaifang_platform::developers::{self, Developer, DeveloperState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::apps::LifecycleRequest;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::id;
use crate::http::{Body, Caller, Ctx};

/// Filters for a queue.
#[derive(Deserialize, IntoParams)]
pub struct QueueQuery {
    /// Only this state, e.g. `submitted` or `in_review`.
    pub state: Option<String>,
    /// Name or appKey contains (apps only).
    pub q: Option<String>,
}

/// An operator's decision.
#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// Approve (true) or reject (false).
    pub approve: bool,
    /// Required when rejecting: what to fix.
    pub reason: Option<String>,
}

/// Developers, optionally by state (the review queue is `state=submitted`).
#[utoipa::path(get, path = "/api/admin/developers", tag = "admin", params(QueueQuery),
    responses((status = 200, body = [Developer]), (status = 403)))]
pub async fn developers(
    State(ctx): State<Ctx>,
    caller: Caller,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<Developer>>> {
    caller.account.require_operator()?;
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(DeveloperState::parse(s).ok_or_else(|| {
            ApiError::invalid(format!(
                "state {s:?} is not one of draft, submitted, approved, rejected, cleared"
            ))
        })?),
        None => None,
    };
    Ok(Json(developers::list(&ctx.platform, state).await?))
}

/// One developer.
#[utoipa::path(get, path = "/api/admin/developers/{id}", tag = "admin", responses((status = 200, body = Developer)))]
pub async fn developer(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Developer>> {
    caller.account.require_operator()?;
    Ok(Json(
        developers::get(&ctx.platform, id("developer id", &raw)?).await?,
    ))
}

/// Approve or reject a developer application.
#[utoipa::path(post, path = "/api/admin/developers/{id}/review", tag = "admin", request_body = ReviewRequest,
    responses((status = 200, body = Developer), (status = 400), (status = 409)))]
pub async fn review_developer(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
    Body(req): Body<ReviewRequest>,
) -> ApiResult<Json<Developer>> {
    let dev_id = id("developer id", &raw)?;
    Ok(Json(
        developers::review(
            &ctx.platform,
            &caller.account,
            dev_id,
            req.approve,
            req.reason.as_deref(),
        )
        .await?,
    ))
}

/// Apps, optionally by state (`in_review`, `launch_review` are the queues) and name/appKey.
#[utoipa::path(get, path = "/api/admin/apps", tag = "admin", params(QueueQuery), responses((status = 200, body = [App])))]
pub async fn apps(
    State(ctx): State<Ctx>,
    caller: Caller,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<App>>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(AppState::parse(s).ok_or_else(|| {
            let all: Vec<&str> = AppState::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::invalid(format!("state {s:?} is not one of {}", all.join(", ")))
        })?),
        None => None,
    };
    Ok(Json(
        apps::list_all(&ctx.platform, &caller.account, state, q.q.as_deref()).await?,
    ))
}

/// Approve (issuing credentials) or reject an app.
#[utoipa::path(post, path = "/api/admin/apps/{app}/review", tag = "admin", request_body = ReviewRequest,
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200, body = App)))]
pub async fn review_app(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<ReviewRequest>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::review(
            &ctx.platform,
            &caller.account,
            &app,
            req.approve,
            req.reason.as_deref(),
        )
        .await?,
    ))
}

/// Approve or reject a launch.
#[utoipa::path(post, path = "/api/admin/apps/{app}/launch-review", tag = "admin", request_body = ReviewRequest,
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200, body = App)))]
pub async fn review_launch(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<ReviewRequest>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::review_launch(
            &ctx.platform,
            &caller.account,
            &app,
            req.approve,
            req.reason.as_deref(),
        )
        .await?,
    ))
}

/// Record a scan result, take offline, bring online.
#[utoipa::path(post, path = "/api/admin/apps/{app}/lifecycle", tag = "admin", request_body = LifecycleRequest,
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200, body = App)))]
pub async fn app_lifecycle(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<LifecycleRequest>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::operator_step(&ctx.platform, &caller.account, &app, req.event).await?,
    ))
}

/// Pending permission-package requests.
#[utoipa::path(get, path = "/api/admin/packages", tag = "admin", responses((status = 200, body = [AppPackage])))]
pub async fn pending_packages(
    State(ctx): State<Ctx>,
    caller: Caller,
) -> ApiResult<Json<Vec<AppPackage>>> {
    Ok(Json(
        packages::pending(&ctx.platform, &caller.account).await?,
    ))
}

/// Grant or refuse a permission package.
#[utoipa::path(post, path = "/api/admin/apps/{app}/packages/{scope}/review", tag = "admin", request_body = ReviewRequest,
    params(("app" = String, Path, description = "id or appKey"), ("scope" = String, Path)),
    responses((status = 200, body = AppPackage)))]
pub async fn review_package(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, scope)): Path<(String, String)>,
    Body(req): Body<ReviewRequest>,
) -> ApiResult<Json<AppPackage>> {
    Ok(Json(
        packages::review(
            &ctx.platform,
            &caller.account,
            &app,
            &scope,
            req.approve,
            req.reason.as_deref(),
        )
        .await?,
    ))
}

/// A new merchant and shop.
#[derive(Deserialize, ToSchema)]
pub struct MerchantRequest {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub name: String,
    /// Shop name.
    pub shop_name: String,
}

/// The created merchant.
#[derive(Serialize, ToSchema)]
pub struct MerchantResponse {
    /// Account; its id is the merchant's user id.
    pub account: Account,
    /// Shop.
    pub shop: Shop,
}

/// Create a merchant with a shop.
#[utoipa::path(post, path = "/api/admin/merchants", tag = "admin", request_body = MerchantRequest,
    responses((status = 200, body = MerchantResponse), (status = 409)))]
pub async fn create_merchant(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<MerchantRequest>,
) -> ApiResult<Json<MerchantResponse>> {
    caller.account.require_operator()?;
    let (account, shop) = accounts::create_merchant(
        &ctx.platform,
        &req.login,
        &req.password,
        &req.name,
        &req.shop_name,
    )
    .await?;
    Ok(Json(MerchantResponse { account, shop }))
}
