//! Sign-up, log-in, the caller's own account, API tokens and notifications.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use kaifang_platform::accounts::{self, Account, ApiToken};
use kaifang_platform::developers::{self, Developer};
use kaifang_platform::notifications::{self, Notification};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DONE, Done};
use crate::http::auth::{SESSION_COOKIE, cookie};
use crate::http::error::ApiResult;
use crate::http::extract::id;
use crate::http::{Body, Caller, Ctx};

/// A new developer account.
#[derive(Deserialize, ToSchema)]
pub struct SignUpRequest {
    /// E-mail; also the login. Unique across developers.
    pub email: String,
    /// At least 8 characters.
    pub password: String,
    /// The administrator's display name.
    pub name: String,
}

/// The created account and its draft developer profile.
#[derive(Serialize, ToSchema)]
pub struct SignUpResponse {
    /// Account.
    pub account: Account,
    /// Developer profile (draft).
    pub developer: Developer,
}

/// Sign up as a developer.
#[utoipa::path(post, path = "/api/signup", tag = "accounts", request_body = SignUpRequest,
    responses((status = 200, body = SignUpResponse), (status = 400), (status = 409)))]
pub async fn sign_up(
    State(ctx): State<Ctx>,
    Body(req): Body<SignUpRequest>,
) -> ApiResult<Json<SignUpResponse>> {
    let (account, developer) =
        developers::sign_up(&ctx.platform, &req.email, &req.password, &req.name).await?;
    Ok(Json(SignUpResponse { account, developer }))
}

/// Credentials for a console session.
#[derive(Deserialize, ToSchema)]
pub struct LogInRequest {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
}

/// A console session: the cookie is set; send `csrf_token` as `X-CSRF-Token` on changes.
#[derive(Serialize, ToSchema)]
pub struct LogInResponse {
    /// Who logged in.
    pub account: Account,
    /// CSRF token for this session.
    pub csrf_token: String,
    /// When the session ends, ms.
    pub expires_at: i64,
}

/// Log in; sets the session cookie.
#[utoipa::path(post, path = "/api/session", tag = "accounts", request_body = LogInRequest,
    responses((status = 200, body = LogInResponse), (status = 401)))]
pub async fn log_in(State(ctx): State<Ctx>, Body(req): Body<LogInRequest>) -> ApiResult<Response> {
    let p = &ctx.platform;
    let account = accounts::authenticate(p, &req.login, &req.password).await?;
    let s = accounts::create_session(p, &account).await?;
    let secure = if p.rules.sandbox { "" } else { "; Secure" };
    let max_age = (s.expires_at - p.now()) / 1000;
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        s.token
    );
    let body = LogInResponse {
        account,
        csrf_token: s.csrf_token,
        expires_at: s.expires_at,
    };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Log out (ends the session in the cookie, if any).
#[utoipa::path(delete, path = "/api/session", tag = "accounts", responses((status = 200, body = Done)))]
pub async fn log_out(State(ctx): State<Ctx>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        accounts::delete_session(&ctx.platform, t).await?;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, clear)], Json(DONE)).into_response())
}

/// The caller's account and, if any, developer profile.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Account.
    pub account: Account,
    /// Developer profile.
    pub developer: Option<Developer>,
}

/// Who am I.
#[utoipa::path(get, path = "/api/me", tag = "accounts", responses((status = 200, body = Me), (status = 401)))]
pub async fn me(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Me>> {
    let developer = developers::find_of_account(&ctx.platform, caller.account.id).await?;
    Ok(Json(Me {
        account: caller.account,
        developer,
    }))
}

/// A name for a new API token.
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// What it is for.
    pub name: String,
}

/// A new API token; `token` is shown only now.
#[derive(Serialize, ToSchema)]
pub struct NewToken {
    /// The token's listing.
    #[serde(flatten)]
    pub info: ApiToken,
    /// The secret: send it as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Create a personal API token.
#[utoipa::path(post, path = "/api/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = NewToken)))]
pub async fn create_token(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<TokenRequest>,
) -> ApiResult<Json<NewToken>> {
    let (info, token) =
        accounts::create_api_token(&ctx.platform, &caller.account, &req.name).await?;
    Ok(Json(NewToken { info, token }))
}

/// List my API tokens.
#[utoipa::path(get, path = "/api/tokens", tag = "accounts", responses((status = 200, body = [ApiToken])))]
pub async fn list_tokens(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(
        accounts::list_api_tokens(&ctx.platform, &caller.account).await?,
    ))
}

/// Revoke one of my API tokens.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "accounts", responses((status = 200, body = Done), (status = 404)))]
pub async fn revoke_token(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Done>> {
    accounts::revoke_api_token(&ctx.platform, &caller.account, id("token id", &raw)?).await?;
    Ok(Json(DONE))
}

/// My notifications, newest first.
#[utoipa::path(get, path = "/api/notifications", tag = "accounts", responses((status = 200, body = [Notification])))]
pub async fn notifications(
    State(ctx): State<Ctx>,
    caller: Caller,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(
        notifications::list(&ctx.platform, caller.account.id).await?,
    ))
}

/// Mark a notification read.
#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "accounts", responses((status = 200, body = Done)))]
pub async fn read_notification(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Done>> {
    notifications::mark_read(
        &ctx.platform,
        caller.account.id,
        id("notification id", &raw)?,
    )
    .await?;
    Ok(Json(DONE))
}
