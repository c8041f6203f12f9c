//! Sandbox-only helpers (404 outside sandbox mode):
//!
//! - `POST /sandbox/clock/advance` `{"seconds": N}` (operators): moves the injected clock
//!   forward, so codes, tokens and test authorizations expire without waiting.
//! - `GET /sandbox/clock`: the clock's current time.
//! - `GET /sandbox/callback`: the demo app's OAuth callback; shows the `code` and `state` it
//!   received so a person trying the demo can copy the code.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use kaifang_platform::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult};
use super::oauth::html::{self, escape};
use super::{Body, Caller, Ctx};

/// The sandbox routes.
pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/sandbox/clock", get(clock))
        .route("/sandbox/clock/advance", post(advance))
        .route("/sandbox/callback", get(callback))
}

fn sandbox_only(ctx: &Ctx) -> ApiResult<()> {
    if ctx.platform.rules.sandbox {
        Ok(())
    } else {
        Err(ApiError(Error::not_found(
            "sandbox endpoints exist only in sandbox mode (kaifang demo, or --sandbox)",
        )))
    }
}

/// How far to move the clock.
#[derive(Deserialize, ToSchema)]
pub struct AdvanceRequest {
    /// Seconds, 0 or more (the clock never goes back).
    pub seconds: i64,
}

/// The sandbox clock.
#[derive(Serialize, ToSchema)]
pub struct ClockState {
    /// Now, ms since the epoch.
    pub now: i64,
    /// How far the clock has been moved in total, ms.
    pub offset_ms: i64,
}

fn state(ctx: &Ctx) -> ClockState {
    ClockState {
        now: ctx.platform.now(),
        offset_ms: ctx.platform.clock.offset(),
    }
}

/// The sandbox clock's time.
#[utoipa::path(get, path = "/sandbox/clock", tag = "sandbox",
    responses((status = 200, body = ClockState), (status = 404)))]
pub async fn clock(State(ctx): State<Ctx>) -> ApiResult<Json<ClockState>> {
    sandbox_only(&ctx)?;
    Ok(Json(state(&ctx)))
}

/// Move the sandbox clock forward (operators only).
#[utoipa::path(post, path = "/sandbox/clock/advance", tag = "sandbox", request_body = AdvanceRequest,
    responses((status = 200, body = ClockState), (status = 400), (status = 403), (status = 404)))]
pub async fn advance(
    State(ctx): State<Ctx>,
    caller: Caller,
    Body(req): Body<AdvanceRequest>,
) -> ApiResult<Json<ClockState>> {
    sandbox_only(&ctx)?;
    caller.account.require_operator()?;
    // Ten years at most: enough for any rule, far from overflowing the millisecond clock.
    if !(0..=10 * 366 * 86_400).contains(&req.seconds) {
        return Err(ApiError::invalid(
            "seconds must be between 0 and 316224000 (ten years); the clock never goes back",
        ));
    }
    ctx.platform.clock.advance(req.seconds * 1000);
    Ok(Json(state(&ctx)))
}

/// What the callback received.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /sandbox/callback`: shows what an app's callback would receive.
pub async fn callback(State(ctx): State<Ctx>, Query(q): Query<CallbackQuery>) -> Response {
    if !ctx.platform.rules.sandbox {
        return html::page(
            StatusCode::NOT_FOUND,
            "Not found",
            "<h1>Not found</h1><p>The sandbox callback exists only in sandbox mode.</p>",
        );
    }
    let field = |label: &str, v: &Option<String>| {
        v.as_ref()
            .map(|v| format!("<h2>{label}</h2><pre>{}</pre>", escape(v)))
            .unwrap_or_default()
    };
    let body = match (&q.code, &q.error) {
        (Some(_), _) => format!(
            "<h1>授权成功 / Authorized</h1>\
             <p class=\"muted\">回调收到的授权码，2 分钟内有效且只能用一次 / The code your callback received: \
             exchange it within 2 minutes at <code>/oauth2/access_token</code> (grant_type=code).</p>{}{}",
            field("code", &q.code),
            field("state", &q.state)
        ),
        (None, Some(_)) => format!(
            "<h1>未授权 / Not authorized</h1>{}{}{}",
            field("error", &q.error),
            field("error_description", &q.error_description),
            field("state", &q.state)
        ),
        (None, None) => {
            "<h1>Sandbox callback</h1><p class=\"muted\">This is the demo app's OAuth callback. \
             It shows the code the authorization page sends here.</p>"
                .to_string()
        }
    };
    html::page(StatusCode::OK, "Sandbox callback", &body)
}
