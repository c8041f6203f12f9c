//! The API gateway: every `/open/...` call, from the wire to a handler and back.
//!
//! | module | step |
//! |---|---|
//! | [`intake`] | parameters from the path, query and body |
//! | [`pipeline`] | the checks in order, dispatch, the envelope ([`Gateway::handle`]) |
//! | [`cache`] | in-memory apps and tokens, invalidated by the access generation |
//! | [`directory`] | in-memory accounts and shops for handlers |
//! | [`limits`] | QPS windows and daily counters |
//! | [`record`] | statistics off the hot path |
//! | [`catalogue`] / [`methods`] | one declaration per API method, and the handlers |
//! | [`console`] | traffic, sign-debug and statistics endpoints |

pub mod cache;
pub mod catalogue;
pub mod console;
pub mod directory;
pub mod error;
pub mod intake;
pub mod limits;
pub mod methods;
pub mod pipeline;
pub mod record;
pub mod tester;

use std::sync::Arc;

use axum::extract::Request;
use axum::response::Response;
use axum::routing::{any, get, post, put};
use axum::{Extension, Router};

pub use error::GatewayError;
pub use pipeline::{CallCtx, Gateway};

use crate::http::Ctx;

async fn call(Extension(gw): Extension<Arc<Gateway>>, req: Request) -> Response {
    gw.handle(req).await
}

/// The gateway's routes: `/open/...` (any HTTP method) and its console endpoints. The router
/// layers the one [`Gateway`] as an `Extension` over every route (the console's API test tool
/// calls through it too).
pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/open", any(call))
        .route("/open/", any(call))
        .route("/open/{*rest}", any(call))
        .route("/api/catalogue", get(catalogue::list))
        .route("/api/apps/{app}/traffic", get(console::get_traffic))
        .route(
            "/api/apps/{app}/traffic/reset",
            post(console::reset_traffic),
        )
        .route("/api/apps/{app}/sign-debug", put(console::set_sign_debug))
        .route("/api/apps/{app}/stats", get(console::stats))
        .route("/api/apps/{app}/stats/failures", get(console::failures))
        .route("/api/admin/apps/{app}/traffic", put(console::set_traffic))
        .route("/api/apps/{app}/api-test", post(tester::try_call_json))
}
