//! Developer onboarding for the caller's own developer profile.

use axum::Json;
use axum::extract::State;
use kaifang_platform::developers::{self, Developer, ProfileInput};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::error::ApiResult;
use crate::http::{Body, Caller, Ctx};

/// My developer profile.
#[utoipa::path(get, path = "/api/developer", tag = "developers", responses((status = 200, body = Developer), (status = 404)))]
pub async fn mine(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Developer>> {
    Ok(Json(
        developers::of_account(&ctx.platform, &caller.account).await?,
    ))
}

/// A merchant's enrollment as a developer.
#[derive(Deserialize, ToSchema)]
pub struct EnrollRequest {
    /// Contact e-mail, unique across developers.
    pub email: String,
}

/// Start a developer profile from a merchant account (to become a merchant developer).
#[utoipa::path(post, path = "/api/developer", tag = "developers", request_body = EnrollRequest,
    responses((status = 200, body = Developer), (status = 403), (status = 409)))]
pub async fn enroll(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<EnrollRequest>,
) -> ApiResult<Json<Developer>> {
    Ok(Json(
        developers::enroll_merchant(&ctx.platform, &caller.account, &req.email).await?,
    ))
}

/// Acceptance of the developer agreement.
#[derive(Deserialize, ToSchema)]
pub struct AgreementRequest {
    /// The version read (must be the current one).
    pub version: String,
}

/// Accept the developer agreement.
#[utoipa::path(post, path = "/api/developer/agreement", tag = "developers", request_body = AgreementRequest,
    responses((status = 200, body = Developer), (status = 400)))]
pub async fn accept_agreement(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<AgreementRequest>,
) -> ApiResult<Json<Developer>> {
    Ok(Json(
        developers::accept_agreement(&ctx.platform, &caller.account, &req.version).await?,
    ))
}

/// Save role and qualification data (draft or rejected applications).
#[utoipa::path(put, path = "/api/developer/profile", tag = "developers", request_body = ProfileInput,
    responses((status = 200, body = Developer), (status = 400), (status = 409)))]
pub async fn save_profile(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<ProfileInput>,
) -> ApiResult<Json<Developer>> {
    Ok(Json(
        developers::save_profile(&ctx.platform, &caller.account, &req).await?,
    ))
}

/// Submit the application for review.
#[utoipa::path(post, path = "/api/developer/submit", tag = "developers",
    responses((status = 200, body = Developer), (status = 400), (status = 409)))]
pub async fn submit(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Developer>> {
    Ok(Json(
        developers::submit(&ctx.platform, &caller.account).await?,
    ))
}
