//! Console JSON around OAuth: the developer's test-user helpers (刷新code / 复制code,
//! 复制token, seed 001), ending a test user's authorization, and a merchant's own
//! authorizations.

use axum::Json;
use axum::extract::{Path, State};
use kaifang_platform::oauth::{Authorization, TokenResponse, authorizations, tokens};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::ApiResult;
use crate::http::extract::id;
use crate::http::{Caller, Ctx};

/// A fresh authorization code.
#[derive(Serialize, ToSchema)]
pub struct CodeResponse {
    /// The code: single use, valid 2 minutes; exchange it at `/oauth2/access_token`.
    pub code: String,
}

/// A code as if the test user had just consented to all of the app's packages (刷新code).
/// Only the developer owning the app; `{app}` is its id or appKey.
#[utoipa::path(post, path = "/api/apps/{app}/test-users/{user_id}/code", tag = "oauth",
    params(("app" = String, Path, description = "id or appKey"), ("user_id" = i64, Path, description = "the test user")),
    responses((status = 200, body = CodeResponse), (status = 404), (status = 409)))]
pub async fn test_user_code(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, user_id)): Path<(String, String)>,
) -> ApiResult<Json<CodeResponse>> {
    let user_id = id("user_id", &user_id)?;
    let code = tokens::test_user_code(&ctx.platform, &caller.account, &app, user_id).await?;
    Ok(Json(CodeResponse { code }))
}

/// A 48-hour token pair for the test user over all of the app's packages (复制token); the
/// same fields as `/oauth2/access_token`.
#[utoipa::path(post, path = "/api/apps/{app}/test-users/{user_id}/token", tag = "oauth",
    params(("app" = String, Path, description = "id or appKey"), ("user_id" = i64, Path, description = "the test user")),
    responses((status = 200, body = TokenResponse), (status = 404), (status = 409)))]
pub async fn test_user_token(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, user_id)): Path<(String, String)>,
) -> ApiResult<Json<TokenResponse>> {
    let user_id = id("user_id", &user_id)?;
    Ok(Json(
        tokens::test_user_token(&ctx.platform, &caller.account, &app, user_id).await?,
    ))
}

/// End a test user's authorization of my app now (its tokens answer result 24).
#[utoipa::path(delete, path = "/api/apps/{app}/test-users/{user_id}/authorization", tag = "oauth",
    params(("app" = String, Path, description = "id or appKey"), ("user_id" = i64, Path, description = "the test user")),
    responses((status = 200, body = Authorization), (status = 404)))]
pub async fn end_test_authorization(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, user_id)): Path<(String, String)>,
) -> ApiResult<Json<Authorization>> {
    let user_id = id("user_id", &user_id)?;
    Ok(Json(
        authorizations::end_test_authorization(&ctx.platform, &caller.account, &app, user_id)
            .await?,
    ))
}

/// My shop's app authorizations, newest first (the merchant's main account).
#[utoipa::path(get, path = "/api/merchant/authorizations", tag = "oauth",
    responses((status = 200, body = [Authorization]), (status = 403)))]
pub async fn list(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Vec<Authorization>>> {
    Ok(Json(
        authorizations::list_for_merchant(&ctx.platform, &caller.account).await?,
    ))
}

/// Revoke one of my shop's authorizations: its tokens stop at once and no longer refresh.
#[utoipa::path(delete, path = "/api/merchant/authorizations/{id}", tag = "oauth",
    params(("id" = i64, Path, description = "authorization id")),
    responses((status = 200, body = Authorization), (status = 404), (status = 409)))]
pub async fn revoke(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Authorization>> {
    let auth_id = id("id", &raw)?;
    Ok(Json(
        authorizations::revoke_by_merchant(&ctx.platform, &caller.account, auth_id).await?,
    ))
}
