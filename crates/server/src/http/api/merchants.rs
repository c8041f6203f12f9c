//! A merchant's own staff sub-accounts.

use axum::Json;
use axum::extract::{Path, State};
use kaifang_platform::accounts::{self, Account};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{DONE, Done};
use crate::http::error::ApiResult;
use crate::http::extract::id;
use crate::http::{Body, Caller, Ctx};

/// My staff accounts.
#[utoipa::path(get, path = "/api/merchant/staff", tag = "merchants", responses((status = 200, body = [Account])))]
pub async fn list_staff(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Vec<Account>>> {
    Ok(Json(
        accounts::list_staff(&ctx.platform, &caller.account).await?,
    ))
}

/// A new staff account.
#[derive(Deserialize, ToSchema)]
pub struct StaffRequest {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub name: String,
}

/// Create a staff sub-account.
#[utoipa::path(post, path = "/api/merchant/staff", tag = "merchants", request_body = StaffRequest,
    responses((status = 200, body = Account), (status = 403), (status = 409)))]
pub async fn create_staff(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<StaffRequest>,
) -> ApiResult<Json<Account>> {
    Ok(Json(
        accounts::create_staff(
            &ctx.platform,
            &caller.account,
            &req.login,
            &req.password,
            &req.name,
        )
        .await?,
    ))
}

/// A change to a staff account.
#[derive(Deserialize, ToSchema)]
pub struct StaffUpdate {
    /// Disable (true) or re-enable (false).
    pub disabled: bool,
}

/// Disable or re-enable a staff account.
#[utoipa::path(put, path = "/api/merchant/staff/{id}", tag = "merchants", request_body = StaffUpdate,
    responses((status = 200, body = Done), (status = 404)))]
pub async fn update_staff(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
    Body(req): Body<StaffUpdate>,
) -> ApiResult<Json<Done>> {
    accounts::set_staff_disabled(
        &ctx.platform,
        &caller.account,
        id("staff id", &raw)?,
        req.disabled,
    )
    .await?;
    Ok(Json(DONE))
}
