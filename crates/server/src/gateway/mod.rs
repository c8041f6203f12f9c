//! The API gateway: every `/open/...` call, from the wire to a handler and back.
//!
//! | module | step |
//! |---|---|
//! | [`intake`] | parameters from the path, query and body |
//! | [`pipeline`] | the checks in order, dispatch, the envelope ([`Gateway::handle`]) |
//! | [`cache`] | in-memory apps and tokens, invalidated by the access generation |
//! | [`directory`] | in-memory accounts and shops for handlers |
//! | [`limits`] | QPS windows and daily counters |
//! | [`meters`] | its Prometheus series, handles resolved once |
//! | [`record`] | statistics and metrics off the hot path |
//! | [`catalogue`] / [`methods`] | one declaration per API method, and the handlers |
//! | [`console`] | traffic, sign-debug and statistics endpoints |

pub mod cache;
pub mod catalogue;
pub mod console;
pub mod directory;
pub mod error;
pub mod intake;
pub mod limits;
pub mod meters;
pub mod methods;
pub mod pipeline;
pub mod record;
pub mod tester;

use axum::Router;
use axum::routing::{get, post, put};

pub use error::GatewayError;
pub use pipeline::{CallCtx, Gateway};

use crate::http::Ctx;

/// The gateway's console endpoints: catalogue, traffic, sign-debug and statistics. They reach
/// the one [`Gateway`] through the `Extension` the router layers over every console route (the
/// console's API test tool calls through it too).
pub fn console_routes() -> Router<Ctx> {
    Router::new()
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
