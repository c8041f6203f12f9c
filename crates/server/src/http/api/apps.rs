//! A developer's apps: information, lifecycle steps, credentials, permission packages, test
//! users and authorized users. `{app}` is the app's id or its appKey.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use kaifang_platform::Error;
use kaifang_platform::accounts::authenticate;
use kaifang_platform::apps::credentials::{self, AppCredentials, SecretKind};
use kaifang_platform::apps::packages::{self, AppPackage};
use kaifang_platform::apps::users::{self, AppUser, UserList};
use kaifang_platform::apps::{self, App, AppEvent, AppInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{DONE, Done};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::id;
use crate::http::{Body, Caller, Ctx, Via};

/// My apps (an operator sees the admin list at `/api/admin/apps`).
#[utoipa::path(get, path = "/api/apps", tag = "apps", responses((status = 200, body = [App])))]
pub async fn list(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Vec<App>>> {
    Ok(Json(apps::list_mine(&ctx.platform, &caller.account).await?))
}

/// Create an app; it waits for review.
#[utoipa::path(post, path = "/api/apps", tag = "apps", request_body = AppInput,
    responses((status = 200, body = App), (status = 400), (status = 403), (status = 409)))]
pub async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(input): Body<AppInput>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::create(&ctx.platform, &caller.account, &input).await?,
    ))
}

/// One app.
#[utoipa::path(get, path = "/api/apps/{app}", tag = "apps", params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = App), (status = 404)))]
pub async fn get(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::visible(&ctx.platform, &caller.account, &app).await?,
    ))
}

/// Edit an app's information (while rejected or developing).
#[utoipa::path(put, path = "/api/apps/{app}", tag = "apps", request_body = AppInput,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = App), (status = 400), (status = 409)))]
pub async fn update(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(input): Body<AppInput>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::update(&ctx.platform, &caller.account, &app, &input).await?,
    ))
}

/// Delete an app (not while online).
#[utoipa::path(delete, path = "/api/apps/{app}", tag = "apps", params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = App), (status = 409)))]
pub async fn delete(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::developer_step(&ctx.platform, &caller.account, &app, AppEvent::Delete).await?,
    ))
}

/// A lifecycle step.
#[derive(Deserialize, ToSchema)]
pub struct LifecycleRequest {
    /// Developers: `resubmit`, `start_scan`, `take_offline`, `delete`. Operators (admin
    /// endpoint): `scan_passed`, `scan_failed`, `take_offline`, `bring_online`.
    pub event: AppEvent,
}

/// Move my app through its lifecycle.
#[utoipa::path(post, path = "/api/apps/{app}/lifecycle", tag = "apps", request_body = LifecycleRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = App), (status = 409)))]
pub async fn lifecycle(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<LifecycleRequest>,
) -> ApiResult<Json<App>> {
    Ok(Json(
        apps::developer_step(&ctx.platform, &caller.account, &app, req.event).await?,
    ))
}

/// Re-entering the password to see secrets.
#[derive(Deserialize, Default, ToSchema)]
pub struct RevealRequest {
    /// The caller's password; required with a console session, not with an API token.
    pub password: Option<String>,
}

/// Reads an optional JSON body: an empty body is the type's default.
fn optional_json<T: Default + serde::de::DeserializeOwned>(bytes: &Bytes) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::invalid(format!("request body: {e}")))
}

/// Reveal appKey, appSecret, signSecret and the push key. With a console session the password
/// must be entered again.
#[utoipa::path(post, path = "/api/apps/{app}/credentials/reveal", tag = "apps", request_body = RevealRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = AppCredentials), (status = 401), (status = 409)))]
pub async fn reveal(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    body: Bytes,
) -> ApiResult<Json<AppCredentials>> {
    let req: RevealRequest = optional_json(&body)?;
    if caller.via == Via::Session {
        let pw = req.password.ok_or_else(|| {
            ApiError(Error::unauthenticated(
                "enter your password to reveal secrets",
            ))
        })?;
        authenticate(&ctx.platform, &caller.account.login, &pw).await?;
    }
    Ok(Json(
        credentials::reveal(&ctx.platform, &caller.account, &app).await?,
    ))
}

/// Which secret to rotate.
#[derive(Deserialize, ToSchema)]
pub struct RotateRequest {
    /// `app_secret` or `sign_secret`.
    pub secret: SecretKind,
}

/// Rotate a secret; the old one keeps working for the configured overlap.
#[utoipa::path(post, path = "/api/apps/{app}/credentials/rotate", tag = "apps", request_body = RotateRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = AppCredentials), (status = 409)))]
pub async fn rotate(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<RotateRequest>,
) -> ApiResult<Json<AppCredentials>> {
    Ok(Json(
        credentials::rotate(&ctx.platform, &caller.account, &app, req.secret).await?,
    ))
}

/// The app's permission packages: held, pending and rejected.
#[utoipa::path(get, path = "/api/apps/{app}/packages", tag = "apps", params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = [AppPackage])))]
pub async fn packages(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<Vec<AppPackage>>> {
    Ok(Json(
        packages::list(&ctx.platform, &caller.account, &app).await?,
    ))
}

/// An application for a permission package.
#[derive(Deserialize, ToSchema)]
pub struct PackageRequest {
    /// Scope name, e.g. `merchant_comment`.
    pub scope: String,
    /// Why the app needs it.
    pub reason: Option<String>,
}

/// Apply for a permission package.
#[utoipa::path(post, path = "/api/apps/{app}/packages", tag = "apps", request_body = PackageRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = AppPackage), (status = 400), (status = 409)))]
pub async fn apply_package(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<PackageRequest>,
) -> ApiResult<Json<AppPackage>> {
    Ok(Json(
        packages::apply(
            &ctx.platform,
            &caller.account,
            &app,
            &req.scope,
            req.reason.as_deref(),
        )
        .await?,
    ))
}

/// A merchant to list.
#[derive(Deserialize, ToSchema)]
pub struct UserRequest {
    /// The merchant's (or a staff account's) user id.
    pub user_id: i64,
}

async fn add_user(
    ctx: &Ctx,
    caller: &Caller,
    app: &str,
    list: UserList,
    user_id: i64,
) -> ApiResult<Json<AppUser>> {
    Ok(Json(
        users::add(&ctx.platform, &caller.account, app, list, user_id).await?,
    ))
}

async fn remove_user(
    ctx: &Ctx,
    caller: &Caller,
    app: &str,
    list: UserList,
    raw: &str,
) -> ApiResult<Json<Done>> {
    users::remove(
        &ctx.platform,
        &caller.account,
        app,
        list,
        id("user_id", raw)?,
    )
    .await?;
    Ok(Json(DONE))
}

/// The app's test users.
#[utoipa::path(get, path = "/api/apps/{app}/test-users", tag = "apps", params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = [AppUser])))]
pub async fn test_users(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<Vec<AppUser>>> {
    Ok(Json(
        users::list(&ctx.platform, &caller.account, &app, UserList::Test).await?,
    ))
}

/// Add a test user (at most 5; a merchant and its staff count once).
#[utoipa::path(post, path = "/api/apps/{app}/test-users", tag = "apps", request_body = UserRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = AppUser), (status = 409)))]
pub async fn add_test_user(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<UserRequest>,
) -> ApiResult<Json<AppUser>> {
    add_user(&ctx, &caller, &app, UserList::Test, req.user_id).await
}

/// Remove a test user.
#[utoipa::path(delete, path = "/api/apps/{app}/test-users/{user_id}", tag = "apps",
    params(("app" = String, Path, description = "id or appKey"), ("user_id" = i64, Path)),
    responses((status = 200, body = Done), (status = 404)))]
pub async fn remove_test_user(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, user)): Path<(String, String)>,
) -> ApiResult<Json<Done>> {
    remove_user(&ctx, &caller, &app, UserList::Test, &user).await
}

/// The app's authorized users (self-use apps, once online).
#[utoipa::path(get, path = "/api/apps/{app}/authorized-users", tag = "apps",
    params(("app" = String, Path, description = "id or appKey")), responses((status = 200, body = [AppUser])))]
pub async fn authorized_users(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<Vec<AppUser>>> {
    Ok(Json(
        users::list(&ctx.platform, &caller.account, &app, UserList::Authorized).await?,
    ))
}

/// Add an authorized user.
#[utoipa::path(post, path = "/api/apps/{app}/authorized-users", tag = "apps", request_body = UserRequest,
    params(("app" = String, Path, description = "id or appKey")),
    responses((status = 200, body = AppUser), (status = 409)))]
pub async fn add_authorized_user(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(app): Path<String>,
    Body(req): Body<UserRequest>,
) -> ApiResult<Json<AppUser>> {
    add_user(&ctx, &caller, &app, UserList::Authorized, req.user_id).await
}

/// Remove an authorized user.
#[utoipa::path(delete, path = "/api/apps/{app}/authorized-users/{user_id}", tag = "apps",
    params(("app" = String, Path, description = "id or appKey"), ("user_id" = i64, Path)),
    responses((status = 200, body = Done), (status = 404)))]
pub async fn remove_authorized_user(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((app, user)): Path<(String, String)>,
) -> ApiResult<Json<Done>> {
    remove_user(&ctx, &caller, &app, UserList::Authorized, &user).await
}
